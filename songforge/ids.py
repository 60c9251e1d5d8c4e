"""Public identifiers: dashed UUIDs for the Suno dialect and clips, 32 hex chars for the others."""

from __future__ import annotations

import secrets
import uuid


def dashed_uuid() -> str:
    """A random dashed UUID (clip ids, Suno-dialect task ids)."""
    return str(uuid.uuid4())


def hex32() -> str:
    """32 lowercase hex characters (KIE / API in One task ids)."""
    return uuid.uuid4().hex


def api_key() -> str:
    """A new API key: a recognisable prefix and 40 random url-safe characters."""
    return "sf-" + secrets.token_urlsafe(30)
