"""Serving stored files (signed, expiring URLs with Range support) and growing clip streams."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import FileResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from songforge.dialects.common import runtime
from songforge.runtime import Runtime
from songforge.storage.base import BlobNotFound
from songforge.storage.local import LocalBlobStore
from songforge.task.models import Clip, ClipStatus

router = APIRouter(tags=["files"])
MEDIA_TYPES = {"mp3": "audio/mpeg", "wav": "audio/wav", "png": "image/png", "jpeg": "image/jpeg",
               "jpg": "image/jpeg", "mid": "audio/midi", "mp4": "video/mp4", "json": "application/json",
               "zip": "application/zip", "m4a": "audio/mp4", "flac": "audio/flac", "ogg": "audio/ogg"}
STREAM_IDLE_LIMIT = 120.0  # stop following a stream that has not grown (nor finished) for this long


def media_type(key: str) -> str:
    """Content type from the key's extension."""
    return MEDIA_TYPES.get(key.rsplit(".", 1)[-1].lower(), "application/octet-stream")


@router.get("/files/{key:path}")
async def get_file(key: str, request: Request, e: str = "", s: str = "") -> Response:
    """A stored file; 403 when the signature is wrong or expired."""
    rt = runtime(request)
    if not rt.signer.check("f", key, e, s):
        raise HTTPException(403, "invalid or expired link")
    return await serve_blob(rt, key)


async def serve_blob(rt: Runtime, key: str) -> Response:
    """Send a blob (Range requests supported for local files)."""
    store = rt.store
    if isinstance(store, LocalBlobStore):
        try:
            path = store.path(key)
        except ValueError as exc:
            raise HTTPException(404, "not found") from exc
        if not path.is_file():
            raise HTTPException(404, "not found")
        return FileResponse(path, media_type=media_type(key), headers={"Cache-Control": "private, max-age=3600"})
    size = await run_in_threadpool(store.size, key)
    if size is None:
        raise HTTPException(404, "not found")
    return StreamingResponse(iterate(store.read_range(key, 0, None)), media_type=media_type(key),
                             headers={"Content-Length": str(size)})


async def iterate(chunks: object) -> AsyncIterator[bytes]:
    """Drain a blocking chunk iterator without blocking the event loop."""
    it = iter(chunks)  # type: ignore[call-overload]
    while True:
        chunk = await run_in_threadpool(next, it, None)
        if chunk is None:
            return
        yield chunk


@router.get("/stream/{clip_id}")
async def stream(clip_id: str, request: Request, e: str = "", s: str = "") -> Response:
    """The clip's audio as it is being made; the final mp3 once it is complete."""
    rt = runtime(request)
    if not rt.signer.check("s", clip_id, e, s):
        raise HTTPException(403, "invalid or expired link")

    def load() -> tuple[str, dict[str, object]] | None:
        with rt.db.read() as session:
            clip = session.get(Clip, clip_id)
            return None if clip is None else (clip.status, dict(clip.files))

    found = await run_in_threadpool(load)
    if found is None:
        raise HTTPException(404, "not found")
    status, files = found
    if status == ClipStatus.COMPLETE and files.get("mp3"):
        return await serve_blob(rt, str(files["mp3"]))
    key = files.get("stream")
    if not key:
        raise HTTPException(404, "no audio yet")
    return StreamingResponse(_follow(rt, clip_id, str(key)), media_type="audio/mpeg",
                             headers={"Cache-Control": "no-cache"})


async def _follow(rt: Runtime, clip_id: str, key: str) -> AsyncIterator[bytes]:
    """Send the stream file as it grows until the clip stops streaming."""
    store = rt.store
    sent, idle = 0, 0.0
    while True:
        size = await run_in_threadpool(store.size, key) or 0
        if size > sent:
            try:
                for chunk in await run_in_threadpool(lambda: list(store.read_range(key, sent, size))):
                    yield chunk
            except BlobNotFound:
                return
            sent, idle = size, 0.0
            continue

        def status() -> str | None:
            with rt.db.read() as session:
                clip = session.get(Clip, clip_id)
                return None if clip is None else clip.status

        if await run_in_threadpool(status) != ClipStatus.STREAMING or idle > STREAM_IDLE_LIMIT:
            return
        await asyncio.sleep(0.25)
        idle += 0.25
