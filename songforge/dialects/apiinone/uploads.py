"""POST /api/v1/audio/upload, our extension: audio from a URL or a multipart file becomes an ``audio_id``."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from songforge.account.service import Caller
from songforge.dialects.apiinone.errors import render_error, success
from songforge.dialects.apiinone.wire import UPLOAD_FILE_FIELD, UploadAudio
from songforge.dialects.common import base_url, caller, dialect_route, json_body, parse, runtime
from songforge.errors import InvalidRequest
from songforge.runtime import Runtime
from songforge.task.models import Task, TaskStatus
from songforge.upload import service as uploads
from songforge.upload.errors import UploadTooLarge

DIALECT = "apiinone"
CHUNK = 1 << 20
# How long the request waits for the media worker to probe and transcode the audio. Past it the answer says
# "processing" with duration null; GET /api/v1/tasks/{audio_id} then reports the rest.
WAIT_SECONDS = 25.0
POLL_SECONDS = 0.1
router = APIRouter(route_class=dialect_route(render_error), tags=["apiinone"])


async def _spool(part: UploadFile, dest: Path, limit: int) -> None:
    size = 0
    with open(dest, "wb") as fh:
        while chunk := await part.read(CHUNK):
            size += len(chunk)
            if size > limit:  # stop reading: the service would refuse it anyway
                raise UploadTooLarge(f"the file is larger than {limit} bytes")
            fh.write(chunk)


def _outcome(rt: Runtime, who: Caller, audio_id: str) -> dict[str, Any] | None:
    """The answer once the upload task is finished (None while it runs); a failed upload is a 400."""
    with rt.db.read() as session:
        task = session.get(Task, audio_id)
        if task is None or task.key_id != who.key_id or not TaskStatus(task.status).terminal:
            return None
        if task.status == TaskStatus.FAILED:
            raise InvalidRequest(task.error_message or "the audio could not be processed", field="audio")
        duration = task.clips[0].duration if task.clips else None
        return {"audio_id": audio_id, "duration": duration, "status": "complete"}


async def _wait(rt: Runtime, who: Caller, audio_id: str, seconds: float) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while True:
        done = await run_in_threadpool(_outcome, rt, who, audio_id)
        if done is not None:
            return done
        if time.monotonic() >= deadline:
            return {"audio_id": audio_id, "duration": None, "status": "processing"}
        await asyncio.sleep(POLL_SECONDS)


@router.post("/api/v1/audio/upload")
async def upload_audio(request: Request) -> Response:
    """Queue the audio as an upload clip and answer its id and length once the media worker has probed it."""
    rt = runtime(request)
    who = await run_in_threadpool(caller, request)
    base = base_url(request)
    work = Path(tempfile.mkdtemp(prefix="songforge-aio-upload-"))
    try:
        if request.headers.get("content-type", "").startswith("multipart/"):
            form = await request.form()
            part = form.get(UPLOAD_FILE_FIELD)
            if not isinstance(part, UploadFile):
                raise InvalidRequest(f"multipart field {UPLOAD_FILE_FIELD!r} is missing", field=UPLOAD_FILE_FIELD)
            name = Path(part.filename or "upload.mp3").name
            await _spool(part, work / name, rt.settings.storage.max_upload_bytes)

            def create() -> str:
                with rt.db.write() as session:
                    return uploads.create_audio_clip_from_bytes(rt, session, who, work / name, name,
                                                                dialect=DIALECT, base_url=base)
        else:
            body = parse(UploadAudio, await json_body(request))
            if not body.audio_url.strip():
                raise InvalidRequest("audio_url (or a multipart file) is required", field="audio_url")

            def create() -> str:
                with rt.db.write() as session:
                    return uploads.create_audio_clip_from_url(rt, session, who, body.audio_url, dialect=DIALECT,
                                                              base_url=base)

        audio_id = await run_in_threadpool(create)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return success(await _wait(rt, who, audio_id, WAIT_SECONDS))
