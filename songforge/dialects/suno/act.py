"""/suno/act/*: WAV, timing, MP4 and MIDI of a clip, and style-tag upsampling (raw Suno keys + envelope)."""

from __future__ import annotations

import asyncio
import hashlib
import random
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from songforge.account.service import Caller
from songforge.dialects.common import base_url, caller, dialect_route, json_body, parse, runtime
from songforge.dialects.suno.errors import render_error
from songforge.dialects.suno.uploads import superset
from songforge.dialects.suno.wire import Tags
from songforge.errors import InvalidRequest
from songforge.ids import dashed_uuid
from songforge.media import waveform
from songforge.media.ffmpeg import MediaError
from songforge.runtime import Runtime
from songforge.storage.base import BlobNotFound
from songforge.task import repository as repo
from songforge.task.models import Action, Task, TaskStatus
from songforge.task.schemas import GenerationRequest

DIALECT = "suno"
ACT_WAIT = 120.0  # wav/mp4 block this long for a first conversion, then answer null (the client retries)
POLL = 0.25
router = APIRouter(route_class=dialect_route(render_error), tags=["suno-act"])


def _derivative(rt: Runtime, who: Caller, clip_id: str, action: Action, role: str,
                base: str) -> tuple[str, str, dict[str, Any] | None]:
    """(file URL if it already exists, task id, finished result) — a task is created when none is usable."""
    with rt.db.write() as session:
        clip = rt.tasks.source_clip(session, who, clip_id)
        if clip.files.get(role):
            return rt.tasks.ctx(clip.task).clip_file(clip, role), "", None
        # any dialect's task will do (same files), but not a MIDI task limited to one stem (KIE audioId)
        usable = [t for t in repo.children(session, clip.id, action)
                  if t.key_id == who.key_id and t.status != TaskStatus.FAILED
                  and not (t.params.get("options") or {}).get("stem")]
        done = [t for t in usable if t.status == TaskStatus.COMPLETE]
        if done:
            return "", done[-1].id, dict(done[-1].result)
        if usable:
            return "", usable[-1].id, None
        req = GenerationRequest(action=action, operation=str(action), n_clips=0, source_clip_id=clip.id)
        task = rt.tasks.submit(session, who, dialect=DIALECT, task_id=dashed_uuid(), req=req, request_body={},
                               base_url=base)
        return "", task.id, None


def _task_state(rt: Runtime, task_id: str) -> tuple[str, dict[str, Any]]:
    with rt.db.read() as session:
        task = session.get(Task, task_id)
        return (task.status, dict(task.result)) if task is not None else (TaskStatus.FAILED, {})


async def _wait(rt: Runtime, task_id: str) -> dict[str, Any] | None:
    """The task's result once complete; None when it failed or ACT_WAIT passed (no transaction is held)."""
    deadline = time.monotonic() + ACT_WAIT
    while True:
        status, result = await run_in_threadpool(_task_state, rt, task_id)
        if status == TaskStatus.COMPLETE:
            return result
        if status == TaskStatus.FAILED or time.monotonic() > deadline:
            return None
        await asyncio.sleep(POLL)


async def _file_url(request: Request, clip_id: str, action: Action, role: str, key_name: str) -> str | None:
    rt = runtime(request)
    who = await run_in_threadpool(caller, request)
    url, task_id, result = await run_in_threadpool(_derivative, rt, who, clip_id.strip(), action, role,
                                                   base_url(request))
    if url:
        return url
    result = result if result is not None else await _wait(rt, task_id)
    if not result or not result.get(key_name):
        return None

    def sign() -> str:
        with rt.db.read() as session:
            task = session.get(Task, task_id)
            assert task is not None
            return rt.tasks.ctx(task).file_url(str(result[key_name]))

    return await run_in_threadpool(sign)


@router.get("/suno/act/wav/{clip_id}")
async def wav(clip_id: str, request: Request) -> Response:
    """The clip's WAV URL (converted on the first call, which blocks up to 120 s)."""
    return superset({"wav_file_url": await _file_url(request, clip_id, Action.WAV, "wav", "wav_key")})


@router.get("/suno/act/mp4/{clip_id}")
async def mp4(clip_id: str, request: Request) -> Response:
    """The clip's music video URL under both key names (rendered on the first call, blocking up to 120 s)."""
    url = await _file_url(request, clip_id, Action.MP4, "mp4", "mp4_key")
    return superset({"mp4_file_url": url, "video_url": url})


@router.get("/suno/act/midi/{clip_id}")
async def midi(clip_id: str, request: Request) -> Response:
    """Notes per instrument; ``running`` until the MIDI task is done (never blocks)."""
    rt = runtime(request)
    who = await run_in_threadpool(caller, request)
    _, _, result = await run_in_threadpool(_derivative, rt, who, clip_id.strip(), Action.MIDI, "-", base_url(request))
    if result is None:
        return superset({"state": "running", "instruments": []})
    return superset({"state": "complete", "instruments": result.get("instruments", [])})


def _timing(rt: Runtime, who: Caller, clip_id: str) -> dict[str, Any]:
    with rt.db.read() as session:
        clip = rt.tasks.source_clip(session, who, clip_id)
        words = [] if not clip.has_vocal else [
            {"word": w.get("word", ""), "success": True, "start_s": w.get("start_s", 0.0),
             "end_s": w.get("end_s", 0.0), "p_align": 1.0} for w in clip.aligned_words or []]
        key = clip.files.get("mp3") or clip.files.get("wav")
    try:
        with tempfile.TemporaryDirectory(prefix="songforge-timing-") as tmp:
            wave = waveform.peaks(rt.store.fetch(str(key), Path(tmp) / "audio")) if key else []
    except (BlobNotFound, MediaError):
        wave = []
    return {"aligned_words": words, "waveform_data": wave, "hoot_cer": 0.0, "is_streamed": False}


@router.get("/suno/act/timing/{clip_id}")
async def timing(clip_id: str, request: Request) -> Response:
    """Word timings and a waveform envelope (instrumental clips: no words)."""
    rt = runtime(request)
    who = await run_in_threadpool(caller, request)
    return superset(await run_in_threadpool(_timing, rt, who, clip_id.strip()))


MOODS = ["Laid-back", "Energetic", "Dreamy", "Melancholic", "Uplifting", "Gritty", "Warm", "Cinematic", "Playful"]
TEXTURES = ["lush synth pads", "punchy drums", "warm bass", "jangly guitars", "airy vocals", "vinyl crackle",
            "bright piano", "driving rhythm", "soft strings"]


def upsample(tags: str) -> str:
    """A richer, deterministic style prompt built around the caller's tags."""
    rng = random.Random(int.from_bytes(hashlib.sha256(tags.lower().encode()).digest()[:8], "big"))
    extra = ", ".join(rng.sample(TEXTURES, 2))
    return f"{rng.choice(MOODS)} {tags.strip()}, {extra}, {rng.randrange(70, 141)} bpm"


@router.post("/suno/act/tags")
async def tags(request: Request) -> Response:
    """Style-tag upsampling (synchronous)."""
    await run_in_threadpool(caller, request)
    body = parse(Tags, await json_body(request))
    if not body.original_tags.strip():
        raise InvalidRequest("original_tags is required", field="original_tags")
    return superset({"upsampled_tags": upsample(body.original_tags), "request_id": str(uuid.uuid4())})
