"""Helpers of the KIE tests: normalising volatile values and comparing with golden JSON files."""

from __future__ import annotations

import difflib
import json
import os
import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from songforge.account import repository as keys
from songforge.account.models import ApiKey
from songforge.account.service import hash_key
from songforge.callback.models import Delivery
from songforge.runtime import Runtime

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("KIE_GOLDEN_UPDATE") == "1"  # regenerate the files instead of comparing
LYRICS = "[Verse]\nNight city lights shining bright\n[Chorus]\nWe run until the morning light"

_URL = re.compile(r"https?://[^\s\"]+")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_HEX32 = re.compile(r"\b[0-9a-f]{32}\b")
_PLAIN = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
_ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
TIME_KEYS = {"createTime", "completeTime", "uploadedAt"}


def _url(url: str) -> str:
    # Keep the shape (which route, which file) but not the host, ids, expiry or signature.
    path = url.split("://", 1)[1].split("/", 1)[1] if "/" in url.split("://", 1)[1] else ""
    path = path.split("?", 1)[0]
    return "<url>/" + _HEX32.sub("<hex32>", _UUID.sub("<uuid>", path))


def _text(value: str) -> str:
    if _PLAIN.match(value):
        return "<time>"
    if _ISO.match(value):
        return "<iso-time>"
    if value.startswith("{") and value.endswith("}"):  # the `param` JSON string
        try:
            return json.dumps(normalise(json.loads(value)), sort_keys=True)
        except ValueError:
            pass
    value = _URL.sub(lambda m: _url(m.group(0)), value)
    return _HEX32.sub("<hex32>", _UUID.sub("<uuid>", value))


def normalise(value: Any, key: str = "") -> Any:
    """The value with ids, times, URLs and durations replaced by placeholders."""
    if key == "waveformData" and isinstance(value, list):
        return "<waveform>" if value else []
    if isinstance(value, dict):
        return {k: normalise(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v, key) for v in value]
    if key in TIME_KEYS and isinstance(value, int) and value > 0:
        return "<epoch-ms>"
    if key in ("recordTaskId",) and isinstance(value, int):
        return "<int>"
    if key in ("creditsRemaining", "fileSize") and isinstance(value, int):
        return "<int>"
    if isinstance(value, str):
        return _text(value)
    return value


def check_golden(name: str, actual: dict[str, Any]) -> None:
    """Compare ``actual`` (normalised) with golden/<name>.json; write it when KIE_GOLDEN_UPDATE=1."""
    path = GOLDEN / f"{name}.json"
    got = normalise(actual)
    if UPDATE or not path.exists():
        if not UPDATE:
            raise AssertionError(f"missing golden file {path}; run with KIE_GOLDEN_UPDATE=1 to create it")
        path.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n")
        return
    want = json.loads(path.read_text())
    if got != want:
        diff = difflib.unified_diff(json.dumps(want, indent=1).splitlines(), json.dumps(got, indent=1).splitlines(),
                                    "golden", "actual", lineterm="", n=2)
        raise AssertionError(f"{name} differs from {path}:\n" + "\n".join(diff))


def key_row(rt: Runtime, raw: str) -> ApiKey:
    """The stored key behind a raw key."""
    with rt.db.read() as s:
        row = keys.by_hash(s, hash_key(raw))
        assert row is not None
        s.expunge(row)
        return row


def balance(client: TestClient, auth: dict[str, str]) -> int:
    """Credits left, through the KIE route."""
    return int(client.get("/api/v1/chat/credit", headers=auth).json()["data"])


def outbox(rt: Runtime, task_id: str) -> list[Delivery]:
    """Recorded callback deliveries of a task, in order."""
    with rt.db.read() as s:
        rows = list(s.scalars(select(Delivery).where(Delivery.task_id == task_id).order_by(Delivery.seq,
                                                                                          Delivery.id)))
        s.expunge_all()
        return rows


def ok(resp: Any) -> Any:
    """The ``data`` of a KIE success envelope."""
    body = resp.json()
    assert resp.status_code == 200 and body["code"] == 200 and body["msg"] == "success", body
    return body["data"]


def fail(resp: Any, code: int, msg_part: str = "") -> dict[str, Any]:
    """A KIE business error: HTTP 200, ``code`` in the body, ``data`` null unless stated."""
    body = resp.json()
    assert resp.status_code == 200, (resp.status_code, body)
    assert body["code"] == code, body
    assert msg_part in body["msg"], body
    return body
