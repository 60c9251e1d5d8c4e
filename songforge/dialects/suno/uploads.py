"""/suno/uploads/* (also /sunoi/uploads/*): the six-step upload flow, its signed upload target, audio-url."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from songforge.account.service import Caller
from songforge.clock import iso_s
from songforge.dialects.common import base_url, caller, dialect_route, json_body, json_response, parse, runtime
from songforge.dialects.suno.errors import render_error, success
from songforge.dialects.suno.wire import AudioUrl, UploadFinish, UploadStart
from songforge.errors import InvalidRequest
from songforge.runtime import Runtime
from songforge.task.models import Clip
from songforge.upload import service as uploads
from songforge.upload.errors import UploadTooLarge
from songforge.upload.models import Upload

DIALECT = "suno"
CHUNK = 256 * 1024
router = APIRouter(route_class=dialect_route(render_error), tags=["suno-uploads"])


def superset(raw: dict[str, Any]) -> Response:
    """Raw Suno keys at top level plus code/message/data holding the same object (clients read either)."""
    return json_response({**raw, "code": "success", "message": "", "data": raw})


def _target_url(rt: Runtime, base: str, upload_id: str) -> str:
    return f"{base}/suno/uploads/blob/{upload_id}?signature={uploads.signature(rt, upload_id)}"


def _start_body(rt: Runtime, upload: Upload, base: str) -> dict[str, Any]:
    key = uploads.raw_key(upload)
    policy = {"expiration": iso_s(upload.expires_at), "conditions": [
        ["content-length-range", 0, rt.settings.storage.max_upload_bytes],
        ["starts-with", "$Content-Type", upload.mime_type], {"key": key}]}
    encoded = base64.b64encode(json.dumps(policy).encode()).decode()
    # S3-style form fields; the URL signature is what we check, these only make S3 clients happy
    form_sig = base64.b64encode(hmac.new(rt.secret.encode(), encoded.encode(), hashlib.sha1).digest()).decode()
    url = _target_url(rt, base, upload.id)
    return {"id": upload.id, "url": url,
            "fields": {"Content-Type": upload.mime_type, "key": key, "AWSAccessKeyId": "songforge",
                       "policy": encoded, "signature": form_sig},
            "is_file_uploaded": bool(upload.blob_key), "upload_id": upload.id, "upload_url": url}


@router.post("/suno/uploads/audio")
@router.post("/sunoi/uploads/audio")
async def start(request: Request) -> Response:
    """Step 1: a pending upload and where to put the bytes (or, given ``url``, the bytes fetched for you)."""
    rt = runtime(request)
    who = await run_in_threadpool(caller, request)
    raw = await json_body(request)
    body = parse(UploadStart, raw)
    base = base_url(request)

    def create() -> dict[str, Any]:
        with rt.db.write() as session:
            ext = body.extension
            if body.url.strip() and "extension" not in raw:  # name the upload after the URL's file type
                guess = Path(body.url.split("?", 1)[0]).suffix.lower().lstrip(".")
                ext = guess if guess in uploads.EXTENSIONS else "mp3"
            upload = uploads.start(session, who, ext)
            if body.url.strip():
                uploads.store_from_url(rt, session, upload, body.url.strip())
            return _start_body(rt, upload, base)

    return superset(await run_in_threadpool(create))


async def _spool(chunks: Any, limit: int, dest: Path) -> int:
    size = 0
    with open(dest, "wb") as fh:
        async for chunk in chunks:
            size += len(chunk)
            if size > limit:
                raise UploadTooLarge(f"the file is larger than {limit} bytes")
            fh.write(chunk)
    return size


async def _file_chunks(part: UploadFile) -> Any:
    while chunk := await part.read(CHUNK):
        yield chunk


async def _receive(request: Request, upload_id: str, signature: str, multipart: bool) -> None:
    rt = runtime(request)
    limit = rt.settings.storage.max_upload_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + (1 << 20):  # refuse before reading when it cannot fit
        raise UploadTooLarge(f"the file is larger than {limit} bytes")

    def precheck() -> None:  # refuse a bad or expired link before reading a possibly large body
        with rt.db.read() as session:
            uploads.check_target(rt, session, upload_id, signature)

    await run_in_threadpool(precheck)
    work = Path(tempfile.mkdtemp(prefix="songforge-put-"))
    try:
        form_key: str | None = None
        if multipart:
            try:
                form = await request.form()
            except Exception as exc:  # malformed multipart is bad input, whatever the parser raises
                raise InvalidRequest("the body is not valid multipart form data") from exc
            part = form.get("file")
            if not isinstance(part, UploadFile):
                raise InvalidRequest("multipart field 'file' is missing", field="file")
            key = form.get("key")
            form_key = key if isinstance(key, str) else None
            size = await _spool(_file_chunks(part), limit, work / "body")
        else:
            size = await _spool(request.stream(), limit, work / "body")

        def save() -> None:
            with rt.db.write() as session:
                upload = uploads.check_target(rt, session, upload_id, signature, form_key)
                uploads.store_bytes(rt, session, upload, work / "body", size)

        await run_in_threadpool(save)
    finally:
        shutil.rmtree(work, ignore_errors=True)


@router.post("/suno/uploads/blob/{upload_id}")
@router.post("/sunoi/uploads/blob/{upload_id}")
async def upload_form(upload_id: str, request: Request, signature: str = "") -> Response:
    """Step 2, S3 presigned-POST style: form fields first, ``file`` last; 204."""
    with_form = request.headers.get("content-type", "").startswith("multipart/")
    await _receive(request, upload_id, signature, multipart=with_form)
    return Response(status_code=204)


@router.put("/suno/uploads/blob/{upload_id}")
@router.put("/sunoi/uploads/blob/{upload_id}")
async def upload_put(upload_id: str, request: Request, signature: str = "") -> Response:
    """Step 2, raw bytes; 200."""
    await _receive(request, upload_id, signature, multipart=False)
    return Response(status_code=200)


@router.post("/suno/uploads/audio/{upload_id}/upload-finish")
@router.post("/sunoi/uploads/audio/{upload_id}/upload-finish")
async def finish(upload_id: str, request: Request) -> Response:
    """Step 3: start processing."""
    rt = runtime(request)
    who = await run_in_threadpool(caller, request)
    body = parse(UploadFinish, await json_body(request))
    base = base_url(request)

    def go() -> dict[str, Any]:
        with rt.db.write() as session:
            upload = uploads.finish(rt, session, who, upload_id, body.upload_filename, dialect=DIALECT,
                                    base_url=base)
            return {"id": upload.id, "status": upload.status}

    return superset(await run_in_threadpool(go))


def _status_body(rt: Runtime, who: Caller, upload_id: str, base: str) -> dict[str, Any]:
    with rt.db.read() as session:
        upload = uploads.get(session, who, upload_id)
        clip = session.get(Clip, upload.clip_id) if upload.status == "complete" else None
        ctx = rt.tasks.ctx(clip.task) if clip is not None else None
        return {"id": upload.id, "status": upload.status,
                "error_message": upload.error_message or None,
                "error_type": "invalid_audio" if upload.status == "error" else None,
                "s3_id": f"m_{clip.id}" if clip is not None else None,
                "title": Path(upload.filename).stem if upload.filename else None,
                "image_url": ctx.image_url(clip) if ctx and clip else None,
                "has_vocal": upload.has_vocal if clip is not None else None, "inferred_description": ""}


@router.get("/suno/uploads/audio/{upload_id}")
@router.get("/sunoi/uploads/audio/{upload_id}")
async def status(upload_id: str, request: Request) -> Response:
    """Step 4: pending → processing → complete | error."""
    rt = runtime(request)
    who = await run_in_threadpool(caller, request)
    return superset(await run_in_threadpool(_status_body, rt, who, upload_id, base_url(request)))


@router.post("/suno/uploads/audio/{upload_id}/initialize-clip")
@router.post("/sunoi/uploads/audio/{upload_id}/initialize-clip")
async def initialize_clip(upload_id: str, request: Request) -> Response:
    """Step 5: the clip id (the same every time); 400 upload_not_ready before complete."""
    rt = runtime(request)
    who = await run_in_threadpool(caller, request)

    def get() -> str:
        with rt.db.read() as session:
            return uploads.clip_id(session, who, upload_id)

    return superset({"clip_id": await run_in_threadpool(get)})


@router.post("/suno/uploads/audio-url")
@router.post("/sunoi/uploads/audio-url")
async def audio_url(request: Request) -> Response:
    """Import audio from a URL; the id is a task id (poll /suno/fetch) and the clip id once it succeeds."""
    rt = runtime(request)
    who = await run_in_threadpool(caller, request)
    body = parse(AudioUrl, await json_body(request))
    base = base_url(request)

    def go() -> str:
        with rt.db.write() as session:
            return uploads.create_audio_clip_from_url(rt, session, who, body.url, dialect=DIALECT, base_url=base)

    return success(await run_in_threadpool(go))
