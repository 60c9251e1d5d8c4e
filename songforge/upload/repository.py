"""Queries on uploads."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from songforge.upload.models import Upload


def for_key(session: Session, key_id: int, upload_id: str) -> Upload | None:
    """The upload if it belongs to ``key_id``."""
    upload = session.get(Upload, upload_id)
    return upload if upload is not None and upload.key_id == key_id else None


def file_by_path(session: Session, path: str, key_id: int | None = None) -> Upload | None:
    """The newest stored file (KIE file API) under ``path``, preferring the given key's own."""
    query = select(Upload).where(Upload.kind == "file", Upload.path == path).order_by(Upload.created_at.desc())
    found = list(session.scalars(query))
    own = [u for u in found if key_id is not None and u.key_id == key_id]
    pick = own or found
    return pick[0] if pick else None
