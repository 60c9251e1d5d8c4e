"""User audio becoming a clip: pending uploads with signed targets, URL imports, and task source URLs.

Every path ends the same way: the bytes sit in the blob store under ``raw_uploads/<id>.<ext>`` and an UPLOAD
task on the media queue (``songforge.media.upload``) validates them, transcodes them and makes the clip.
"""

from __future__ import annotations

import hashlib
import hmac
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import structlog
from sqlalchemy.orm import Session

from songforge.account.service import Caller
from songforge.clock import as_utc, utcnow
from songforge.errors import InvalidRequest, SourceFetchFailed, TaskNotFound
from songforge.ids import dashed_uuid
from songforge.task.models import Action, Task, TaskStatus
from songforge.task.schemas import GenerationRequest
from songforge.upload import fetch
from songforge.upload import repository as repo
from songforge.upload.errors import UploadForbidden, UploadNotReady, UploadTooLarge
from songforge.upload.models import Upload

if TYPE_CHECKING:
    from songforge.runtime import Runtime

log = structlog.get_logger(__name__)

EXTENSIONS = {"mp3": "audio/mpeg", "wav": "audio/wav", "m4a": "audio/mp4", "flac": "audio/flac", "ogg": "audio/ogg"}
TARGET_TTL = timedelta(hours=1)
KIE_MAX_SECONDS = 480.0  # KIE uploadUrl sources: at most 8 minutes


# ----- signed upload targets -------------------------------------------------------------------------------
def signature(rt: Runtime, upload_id: str) -> str:
    """The signature of an upload target URL (expiry is checked against the upload row)."""
    return hmac.new(rt.secret.encode(), f"upload:{upload_id}".encode(), hashlib.sha256).hexdigest()[:40]


def raw_key(upload: Upload) -> str:
    """Where the uploaded bytes are kept."""
    return f"raw_uploads/{upload.id}.{upload.extension}"


def start(session: Session, caller: Caller, extension: str = "mp3") -> Upload:
    """A pending upload waiting for its bytes."""
    ext = (extension or "mp3").strip().lower().lstrip(".")
    if ext not in EXTENSIONS:
        raise InvalidRequest(f"extension: unsupported {ext!r}; accepted: {', '.join(EXTENSIONS)}", field="extension")
    upload = Upload(id=dashed_uuid(), key_id=caller.key_id, kind="audio", status="pending", extension=ext,
                    mime_type=EXTENSIONS[ext], expires_at=utcnow() + TARGET_TTL)
    session.add(upload)
    session.flush()
    return upload


def get(session: Session, caller: Caller, upload_id: str) -> Upload:
    """The caller's upload, or TaskNotFound."""
    upload = repo.for_key(session, caller.key_id, upload_id)
    if upload is None or upload.kind != "audio":
        raise TaskNotFound(f"upload not found: {upload_id}")
    return upload


def check_target(rt: Runtime, session: Session, upload_id: str, sig: str, form_key: str | None = None) -> Upload:
    """The upload a signed target URL points at; UploadForbidden when the link is wrong or expired."""
    upload = session.get(Upload, upload_id)
    if upload is None or not sig or not hmac.compare_digest(signature(rt, upload_id), sig):
        raise UploadForbidden("invalid upload signature")
    if upload.expires_at is not None and as_utc(upload.expires_at) < utcnow():
        raise UploadForbidden("the upload link has expired")
    if upload.status not in ("pending",):
        raise InvalidRequest(f"the upload is already {upload.status}")
    if form_key is not None and form_key != raw_key(upload):
        raise InvalidRequest("key does not match the upload", field="key")
    return upload


def store_bytes(rt: Runtime, session: Session, upload: Upload, src: Path, size: int) -> None:
    """Keep the uploaded file (``size`` already counted by the caller)."""
    if size > rt.settings.storage.max_upload_bytes:
        raise UploadTooLarge(f"the file is larger than {rt.settings.storage.max_upload_bytes} bytes")
    if size == 0:
        raise InvalidRequest("the uploaded file is empty", field="file")
    upload.blob_key = raw_key(upload)
    rt.store.put_file(upload.blob_key, src)
    upload.size = size


def store_from_url(rt: Runtime, session: Session, upload: Upload, url: str) -> None:
    """Fetch ``url`` server-side into a pending upload (the one-relay variant of step 1)."""
    work = Path(tempfile.mkdtemp(prefix="songforge-upload-"))
    try:
        path = fetch.obtain(rt, url, rt.settings.public_base_url, upload.key_id, work / "source",
                            rt.settings.storage.max_upload_bytes)
        upload.source_url = url
        store_bytes(rt, session, upload, path, path.stat().st_size)
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ----- processing -----------------------------------------------------------------------------------------
def _submit_processing(rt: Runtime, session: Session, caller: Caller, upload: Upload, *, dialect: str,
                       base_url: str, task_id: str, max_seconds: float | None = None) -> Task:
    options: dict[str, Any] = {"upload_id": upload.id}
    if max_seconds is not None:
        options["max_seconds"] = max_seconds
    req = GenerationRequest(action=Action.UPLOAD, operation="upload", n_clips=1, options=options)
    return rt.tasks.submit(session, caller, dialect=dialect, task_id=task_id, req=req,
                           request_body={"upload_id": upload.id}, base_url=base_url)


def finish(rt: Runtime, session: Session, caller: Caller, upload_id: str, filename: str, *, dialect: str,
           base_url: str) -> Upload:
    """Upload-finish: queue the processing job (idempotent once processing started)."""
    upload = get(session, caller, upload_id)
    if upload.status != "pending":
        return upload
    if not upload.blob_key:
        raise InvalidRequest("no file was uploaded to the upload URL yet")
    upload.filename = (filename or f"upload.{upload.extension}").strip()[:255]
    upload.status = "processing"
    upload.clip_id = dashed_uuid()
    _submit_processing(rt, session, caller, upload, dialect=dialect, base_url=base_url, task_id=upload.clip_id)
    return upload


def clip_id(session: Session, caller: Caller, upload_id: str) -> str:
    """initialize-clip: the upload's clip id (always the same), UploadNotReady before it is complete."""
    upload = get(session, caller, upload_id)
    if upload.status != "complete":
        raise UploadNotReady(f"the upload is {upload.status}, not complete"
                             + (f": {upload.error_message}" if upload.error_message else ""))
    return upload.clip_id


def create_audio_clip_from_url(rt: Runtime, session: Session, caller: Caller, url: str, *, dialect: str,
                               base_url: str, clip_id: str | None = None,
                               max_seconds: float | None = None) -> str:
    """Queue ``url`` to become an upload clip; returns its id (= task id = clip id = upload id).

    The URL is checked now (scheme, SSRF guard); it is downloaded by the media job (30 s, max bytes).
    """
    url = (url or "").strip()
    if not url:
        raise InvalidRequest("url is required", field="url")
    if fetch.local_key(rt, url, base_url, caller.key_id) is None:
        fetch.check_url(rt, url)
    new_id = clip_id or dashed_uuid()
    name = Path(url.split("?", 1)[0].rstrip("/")).name or "audio"
    upload = Upload(id=new_id, key_id=caller.key_id, kind="audio", status="processing", extension="bin",
                    filename=name[:255], source_url=url, clip_id=new_id)
    session.add(upload)
    _submit_processing(rt, session, caller, upload, dialect=dialect, base_url=base_url, task_id=new_id,
                       max_seconds=max_seconds)
    return new_id


def create_audio_clip_from_bytes(rt: Runtime, session: Session, caller: Caller, src: Path, filename: str, *,
                                 dialect: str, base_url: str, clip_id: str | None = None,
                                 max_seconds: float | None = None) -> str:
    """Queue a local file (e.g. a multipart upload) to become an upload clip; returns its id (as above)."""
    new_id = clip_id or dashed_uuid()
    ext = Path(filename).suffix.lower().lstrip(".")[:10] or "bin"
    upload = Upload(id=new_id, key_id=caller.key_id, kind="audio", status="processing", extension=ext,
                    filename=(filename or "upload")[:255], clip_id=new_id)
    session.add(upload)
    store_bytes(rt, session, upload, src, src.stat().st_size)
    _submit_processing(rt, session, caller, upload, dialect=dialect, base_url=base_url, task_id=new_id,
                       max_seconds=max_seconds)
    return new_id


# ----- task sources (KIE uploadUrl & co) --------------------------------------------------------------------
def _fail(rt: Runtime, task_id: str, reason: str) -> bool:
    with rt.db.write() as s:
        task = s.get(Task, task_id)
        if task is not None:
            rt.tasks.fail(s, task, "source_fetch_failed", reason)
    return False


def _register(rt: Runtime, task: Task, path: Path, name: str, url: str) -> str:
    """An upload + its (unqueued) processing task for a task's source; returns the id."""
    new_id = dashed_uuid()
    ext = Path(name).suffix.lower().lstrip(".")[:10] or "bin"
    with rt.db.write() as s:
        upload = Upload(id=new_id, key_id=task.key_id, kind="audio", status="processing", extension=ext,
                        filename=name[:255], source_url=url, clip_id=new_id)
        s.add(upload)
        store_bytes(rt, s, upload, path, path.stat().st_size)
        params = {"action": Action.UPLOAD, "operation": "upload", "_base_url": task.params.get("_base_url", ""),
                  "options": {"upload_id": new_id, "max_seconds": KIE_MAX_SECONDS}}
        s.add(Task(id=new_id, key_id=task.key_id, dialect=task.dialect, action=Action.UPLOAD, operation="upload",
                   engine="media", params=params, status=TaskStatus.QUEUED))
    return new_id


def materialize_source(rt: Runtime, task_id: str) -> bool:
    """Turn ``params["source_url"]`` of a task into an upload clip and make it the task's source.

    Our own URLs are read from the blob store without HTTP; foreign ones are downloaded with the SSRF guard.
    False (and the task failed with ``source_fetch_failed``) when that is not possible.
    """
    from songforge.media.jobs import run_sync  # media depends on upload, not the other way round at import

    with rt.db.read() as s:
        task = s.get(Task, task_id)
        if task is None:
            return False
        url, key_id = str(task.params.get("source_url") or ""), task.key_id
        base = str(task.params.get("_base_url") or "")
    work = Path(tempfile.mkdtemp(prefix="songforge-source-"))
    try:
        path = fetch.obtain(rt, url, base, key_id, work / "source", rt.settings.storage.max_upload_bytes)
        with rt.db.read() as s:
            snapshot = s.get(Task, task_id)
            assert snapshot is not None
            new_id = _register(rt, snapshot, path, Path(url.split("?", 1)[0]).name or "audio", url)
        run_sync(rt, new_id)
        return _adopt(rt, task_id, new_id)
    except SourceFetchFailed as exc:
        return _fail(rt, task_id, exc.message)
    except Exception as exc:  # the worker boundary calls us: never leave the task hanging
        log.exception("upload.source_crashed", task_id=task_id)
        return _fail(rt, task_id, f"the source could not be prepared: {type(exc).__name__}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _adopt(rt: Runtime, task_id: str, upload_id: str) -> bool:
    with rt.db.write() as s:
        upload = s.get(Upload, upload_id)
        task = s.get(Task, task_id)
        if task is None or upload is None:
            return False
        if upload.status != "complete":
            rt.tasks.fail(s, task, "source_fetch_failed", upload.error_message or "the source audio is unusable")
            return False
        task.parent_id = upload.clip_id
        continue_at = task.params.get("continue_at")
        for clip in task.clips:
            if task.operation in ("extend", "upload_extend") and not clip.meta.get("history"):
                clip.meta = {**clip.meta, "history": [{"id": upload.clip_id, "continue_at": continue_at,
                                                       "type": "upload", "source": "web", "infill": False}]}
        return True
