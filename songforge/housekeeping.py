"""File retention: removes generated files past the retention period and expired temporary file uploads."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import structlog
from sqlalchemy import String, cast, select

from songforge.clock import utcnow
from songforge.db import Database
from songforge.storage.base import BlobStore
from songforge.task.models import Clip, Task, TaskStatus
from songforge.upload.models import Upload

log = structlog.get_logger(__name__)
BATCH = 200


def _keys(files: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for value in files.values():
        if isinstance(value, dict):
            out.extend(str(v) for v in value.values())
        elif value:
            out.append(str(value))
    return out


def sweep_generated(db: Database, store: BlobStore, retention_days: int) -> int:
    """Delete the files of clips whose task finished more than ``retention_days`` ago (0: keep forever)."""
    if retention_days <= 0:
        return 0
    cutoff = utcnow() - timedelta(days=retention_days)
    with db.write() as s:
        clips = list(s.scalars(
            select(Clip).join(Task, Task.id == Clip.task_id)
            .where(Task.finished_at < cutoff, Task.status.in_([TaskStatus.COMPLETE, TaskStatus.FAILED]),
                   Clip.clip_type != "upload", cast(Clip.files, String) != "{}")
            .limit(BATCH)))
        for clip in clips:
            for key in _keys(clip.files):
                store.delete(key)
            clip.files = {}
            clip.meta = {**clip.meta, "expired": True}
    if clips:
        log.info("retention.generated_deleted", clips=len(clips))
    return len(clips)


def sweep_uploads(db: Database, store: BlobStore) -> int:
    """Delete temporary file uploads (the KIE file API) past their expiry."""
    with db.write() as s:
        rows = list(s.scalars(select(Upload).where(Upload.kind == "file", Upload.status != "expired",
                                                   Upload.expires_at < utcnow()).limit(BATCH)))
        for upload in rows:
            if upload.blob_key:
                store.delete(upload.blob_key)
            upload.status = "expired"
    if rows:
        log.info("retention.uploads_expired", uploads=len(rows))
    return len(rows)
