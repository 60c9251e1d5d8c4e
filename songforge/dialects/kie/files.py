"""The KIE file-upload API (base64, multipart stream, URL): files kept 3 days, served by signed URL."""

from __future__ import annotations

import base64
import binascii
import mimetypes
from datetime import timedelta
from typing import Any
from urllib.parse import urljoin, urlparse

import httpx
from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from songforge.account.service import Caller
from songforge.clock import iso_ms, utcnow
from songforge.dialects.common import base_url, caller, json_body, json_response, parse, runtime
from songforge.dialects.kie import wire
from songforge.dialects.kie.errors import kie_code, kie_route, settings
from songforge.errors import InvalidRequest, SongforgeError, SourceFetchFailed
from songforge.ids import hex32
from songforge.runtime import Runtime
from songforge.settings import KieErrorProfile
from songforge.storage.base import validate_key
from songforge.storage.urls import UrlSigner
from songforge.task.view import RenderContext
from songforge.upload.models import Upload

RETENTION = timedelta(days=3)  # vendor: uploaded temp files expire after 3 days
FETCH_TIMEOUT = 30.0
MAX_REDIRECTS = 3
# Leading bytes → extension, for files sent without a name.
MAGIC = [(b"\x89PNG", "png"), (b"\xff\xd8\xff", "jpg"), (b"GIF8", "gif"), (b"ID3", "mp3"), (b"\xff\xfb", "mp3"),
         (b"\xff\xf3", "mp3"), (b"RIFF", "wav"), (b"fLaC", "flac"), (b"OggS", "ogg"), (b"%PDF", "pdf")]


def render_files_error(exc: SongforgeError) -> Response:
    """The upload host's error envelope: ``success:false``, validation is 400 on both vendors."""
    code = kie_code(exc, KieErrorProfile.SUNOAPI_ORG) if isinstance(exc, InvalidRequest) else \
        kie_code(exc, settings().error_profile)
    return json_response({"success": False, "code": code, "msg": exc.message, "data": None})


router = APIRouter(route_class=kie_route(render_files_error), tags=["kie-files"])


def _detect_ext(data: bytes) -> str:
    if data[4:8] == b"ftyp":
        return "mp4"
    return next((ext for magic, ext in MAGIC if data.startswith(magic)), "bin")


def _clean_path(upload_path: str) -> str:
    path = upload_path.strip().strip("/")
    if not path:
        raise InvalidRequest("uploadPath is required", field="uploadPath")
    try:
        return validate_key(path)
    except ValueError as exc:
        raise InvalidRequest("uploadPath contains invalid segments", field="uploadPath") from exc


def _clean_name(name: str, data: bytes) -> str:
    name = name.strip().replace("\\", "/").rsplit("/", 1)[-1]
    if name in ("", ".", ".."):
        return f"{hex32()[:16]}.{_detect_ext(data)}"
    return name


def store(rt: Runtime, who: Caller, data: bytes, upload_path: str, file_name: str, base: str,
          source_url: str = "") -> dict[str, Any]:
    """Keep ``data`` under the key's uploads and answer the vendor's ``data`` object."""
    if not data:
        raise InvalidRequest("the file is empty", field="file")
    if len(data) > rt.settings.storage.max_upload_bytes:
        raise InvalidRequest("the file is larger than the upload limit", field="file")
    path, name = _clean_path(upload_path), _clean_name(file_name, data)
    key = f"uploads/{who.key_id}/{path}/{name}"
    rt.store.put_bytes(key, data)  # same uploadPath + fileName overwrites, as the vendors do
    mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
    now = utcnow()
    with rt.db.write() as session:
        session.add(Upload(id=hex32(), key_id=who.key_id, kind="file", status="complete",
                           extension=name.rsplit(".", 1)[-1][:10] if "." in name else "", filename=name,
                           blob_key=key, path=f"{path}/{name}", mime_type=mime, size=len(data),
                           source_url=source_url, expires_at=now + RETENTION))
    signer = UrlSigner(rt.secret, int(RETENTION.total_seconds()), rt.store)
    return {"fileName": name, "filePath": f"{path}/{name}", "downloadUrl": RenderContext(signer, base).file_url(key),
            "fileSize": len(data), "mimeType": mime, "uploadedAt": iso_ms(now)}


def uploaded(data: dict[str, Any]) -> Response:
    """The upload success envelope (with the extra ``success`` key)."""
    return json_response({"success": True, "code": 200, "msg": "File uploaded successfully", "data": data})


def decode_base64(value: str) -> bytes:
    """Raw base64 or a ``data:`` URL."""
    payload = value.split(",", 1)[1] if value.startswith("data:") and "," in value else value
    try:
        return base64.b64decode("".join(payload.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidRequest("base64Data is not valid base64", field="base64Data") from exc


@router.post("/api/file-base64-upload")
async def base64_upload(request: Request) -> Response:
    """Upload a file sent as base64 text."""
    rt = runtime(request)
    who = await run_in_threadpool(caller, request)
    body = parse(wire.Base64Upload, await json_body(request))
    if not body.base64_data.strip():
        raise InvalidRequest("base64Data is required", field="base64Data")
    data = decode_base64(body.base64_data.strip())
    return uploaded(await run_in_threadpool(store, rt, who, data, body.upload_path, body.file_name,
                                            base_url(request)))


@router.post("/api/file-stream-upload")
async def stream_upload(request: Request) -> Response:
    """Upload a file sent as multipart form data (``file``, ``uploadPath``, ``fileName``)."""
    rt = runtime(request)
    who = await run_in_threadpool(caller, request)
    try:
        form = await request.form(max_part_size=rt.settings.storage.max_upload_bytes)
    except Exception as exc:  # malformed multipart is bad input, whatever the parser raises
        raise InvalidRequest("the body is not valid multipart form data") from exc
    file = form.get("file")
    if not isinstance(file, UploadFile):
        raise InvalidRequest("file is required", field="file")
    data = await file.read()
    name = str(form.get("fileName") or "") or (file.filename or "")
    return uploaded(await run_in_threadpool(store, rt, who, data, str(form.get("uploadPath") or ""), name,
                                            base_url(request)))


async def fetch(rt: Runtime, url: str) -> bytes:
    """Download ``url`` (http/https, public addresses only, ≤ the upload limit, 30 s)."""
    limit = rt.settings.storage.max_upload_bytes
    async with httpx.AsyncClient(timeout=FETCH_TIMEOUT, follow_redirects=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            await run_in_threadpool(rt.tasks.guard.check, url)  # each hop: a redirect may point inward
            try:
                async with client.stream("GET", url) as resp:
                    if resp.is_redirect and "location" in resp.headers:
                        url = urljoin(url, resp.headers["location"])
                        continue
                    if resp.status_code != 200:
                        raise SourceFetchFailed(f"fileUrl answered HTTP {resp.status_code}")
                    chunks, size = [], 0
                    async for chunk in resp.aiter_bytes():
                        size += len(chunk)
                        if size > limit:
                            raise InvalidRequest("the file is larger than the upload limit", field="fileUrl")
                        chunks.append(chunk)
                    return b"".join(chunks)
            except httpx.HTTPError as exc:
                raise SourceFetchFailed(f"could not download fileUrl: {type(exc).__name__}") from exc
    raise SourceFetchFailed("fileUrl redirected too many times")


@router.post("/api/file-url-upload")
async def url_upload(request: Request) -> Response:
    """Upload a file the server downloads from ``fileUrl``."""
    rt = runtime(request)
    who = await run_in_threadpool(caller, request)
    body = parse(wire.UrlUpload, await json_body(request))
    url = body.file_url.strip()
    if urlparse(url).scheme not in ("http", "https"):
        raise InvalidRequest("fileUrl must be an http(s) URL", field="fileUrl")
    data = await fetch(rt, url)
    name = body.file_name or urlparse(url).path.rsplit("/", 1)[-1]
    return uploaded(await run_in_threadpool(store, rt, who, data, body.upload_path, name, base_url(request), url))
