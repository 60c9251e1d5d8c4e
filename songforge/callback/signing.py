"""Callback signatures: Standard Webhooks headers for every key, KIE's headers alongside."""

from __future__ import annotations

import base64
import hashlib
import hmac


def standard_webhook_headers(secret: str, msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """``webhook-id``/``webhook-timestamp``/``webhook-signature`` (v1, HMAC-SHA256 of id.timestamp.body)."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    sig = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return {"webhook-id": msg_id, "webhook-timestamp": str(timestamp), "webhook-signature": f"v1,{sig}"}


def kie_signature(task_id: str, timestamp: int, key: str) -> str:
    """KIE's X-Webhook-Signature: base64(HMAC-SHA256(key, taskId + '.' + timestamp))."""
    mac = hmac.new(key.encode(), f"{task_id}.{timestamp}".encode(), hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def kie_headers(key: str, task_id: str, timestamp: int) -> dict[str, str]:
    """``X-Webhook-Timestamp`` and ``X-Webhook-Signature``."""
    return {"X-Webhook-Timestamp": str(timestamp), "X-Webhook-Signature": kie_signature(task_id, timestamp, key)}


def verify_standard_webhook(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """True when a Standard Webhooks signature matches (for receivers and tests)."""
    expected = standard_webhook_headers(secret, headers["webhook-id"], int(headers["webhook-timestamp"]), body)
    sent = [s.split(",", 1)[-1] for s in headers["webhook-signature"].split()]
    want = expected["webhook-signature"].split(",", 1)[1]
    return any(hmac.compare_digest(want, s) for s in sent)
