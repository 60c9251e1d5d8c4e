"""KIE synchronous routes: timestamped lyrics, style boost, persona creation, download URLs."""

from __future__ import annotations

import tempfile
import wave
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import numpy as np
import orjson
from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from songforge.account import service as accounts
from songforge.account.service import Caller
from songforge.clock import plain, utcnow
from songforge.dialects.common import base_url, caller, json_body, parse, runtime
from songforge.dialects.kie import common, style, translate, wire
from songforge.dialects.kie.errors import kie_route, success
from songforge.errors import InvalidRequest, NotReady, TaskNotFound
from songforge.ids import hex32
from songforge.persona import service as personas
from songforge.runtime import Runtime
from songforge.storage.urls import UrlSigner
from songforge.task.models import Action, ClipStatus

DOWNLOAD_TTL = 20 * 60  # vendor: download-url links live 20 minutes
WAVEFORM_POINTS = 200
router = APIRouter(route_class=kie_route(), tags=["kie"])


def _waveform(rt: Runtime, key: str | None) -> list[float]:
    """Peak levels (0..1) across a clip from its WAV blob, or [] when there is none we can read."""
    if not key:
        return []
    with tempfile.TemporaryDirectory() as tmp:
        try:
            path = rt.store.fetch(str(key), Path(tmp) / "a.wav")
            with wave.open(str(path)) as w:
                if w.getsampwidth() != 2:
                    return []
                samples = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768
        except (OSError, KeyError, wave.Error, EOFError):
            return []
    if samples.size == 0:
        return []
    peaks = [float(np.abs(c).max()) for c in np.array_split(samples, min(WAVEFORM_POINTS, samples.size))]
    top = max(peaks) or 1.0
    return [round(p / top, 3) for p in peaks]


def _timestamped(rt: Runtime, who: Caller, body: wire.TimestampedLyrics) -> dict[str, Any]:
    with rt.db.read() as session:
        task = common.own_task(session, who, common.task_id_param(body.task_id), Action.MUSIC, dialect=None)
        if body.audio_id.strip():  # audioId wins over musicIndex (sunoapi.org)
            clip = next((c for c in task.clips if c.id == body.audio_id.strip()), None)
        else:
            index = body.music_index or 0
            clip = task.clips[index] if 0 <= index < len(task.clips) else None
        if clip is None:
            raise TaskNotFound("audioId not found in this task", field="audioId")
        if clip.status != ClipStatus.COMPLETE:
            raise NotReady("the music is not finished yet")
        words = [] if not clip.has_vocal or not clip.lyrics.strip() else [
            {"word": w.get("word", ""), "success": True, "startS": w.get("start_s", 0.0),
             "endS": w.get("end_s", 0.0), "palign": 0} for w in clip.aligned_words]
        cer = float(clip.engine_data.get("hoot_cer", 0.0))
        wav_key = clip.files.get("wav")
    return {"alignedWords": words, "waveformData": _waveform(rt, wav_key), "hootCer": cer, "isStreamed": False}


@router.post("/api/v1/generate/get-timestamped-lyrics")
async def timestamped_lyrics(request: Request) -> Response:
    """Sung words with their times, and a coarse waveform."""
    rt = runtime(request)
    who = await run_in_threadpool(caller, request)
    body = parse(wire.TimestampedLyrics, await json_body(request))
    return success(await run_in_threadpool(_timestamped, rt, who, body))


def _boost(rt: Runtime, who: Caller, content: str, raw: dict[str, Any]) -> dict[str, Any]:
    task_id = hex32()
    price = rt.settings.prices.get("style", 0)
    with rt.db.write() as session:
        accounts.charge(session, who.key_id, task_id, price)
        left = accounts.balance(session, who.key_id)
    return {"taskId": task_id, "param": orjson.dumps(raw).decode(), "result": style.boost(content),
            "creditsConsumed": price, "creditsRemaining": left if left is not None else -1,
            "successFlag": "1", "errorCode": None, "errorMessage": None, "createTime": plain(utcnow())}


@router.post("/api/v1/style/generate")
async def style_boost(request: Request) -> Response:
    """Expand a few style words into a fuller style prompt (synchronous)."""
    rt = runtime(request)
    who = await run_in_threadpool(caller, request)
    raw = await json_body(request)
    body = parse(wire.StyleBoost, raw)
    translate.require(body.content, "content")
    return success(await run_in_threadpool(_boost, rt, who, body.content, raw))


def _persona(rt: Runtime, who: Caller, body: wire.PersonaBody) -> dict[str, Any]:
    for value, field in ((body.task_id, "taskId"), (body.audio_id, "audioId"), (body.name, "name"),
                         (body.description, "description")):
        translate.require(value, field)
    start = body.vocal_start if body.vocal_start is not None else 0.0
    end = body.vocal_end if body.vocal_end is not None else 30.0
    spec = personas.PersonaInput(task_id=body.task_id.strip(), clip_id=body.audio_id.strip(),
                                 name=body.name.strip(), description=body.description.strip(),
                                 style=body.style.strip(), vocal_start=start, vocal_end=end)
    with rt.db.write() as session:
        persona = personas.create(session, who.key_id, spec)
        return {"personaId": persona.id, "name": persona.name, "description": persona.description}


@router.post("/api/v1/generate/generate-persona")
async def generate_persona(request: Request) -> Response:
    """A persona (voice and style) from a finished clip, usable as ``personaId``."""
    rt = runtime(request)
    who = await run_in_threadpool(caller, request)
    body = parse(wire.PersonaBody, await json_body(request))
    return success(await run_in_threadpool(_persona, rt, who, body))


def file_key(rt: Runtime, url: str) -> str:
    """The blob key of one of our signed /files/ URLs (valid signature), else InvalidRequest."""
    parsed = urlparse(url.strip())
    query = parse_qs(parsed.query)
    key = unquote(parsed.path.split("/files/", 1)[1]) if "/files/" in parsed.path else ""
    if not key or not rt.signer.check("f", key, (query.get("e") or [""])[0], (query.get("s") or [""])[0]):
        raise InvalidRequest("url is not a file generated by this server", field="url")
    return key


@router.post("/api/v1/common/download-url")
async def download_url(request: Request) -> Response:
    """A short-lived download link for one of our generated-file URLs."""
    rt = runtime(request)
    await run_in_threadpool(caller, request)
    body = parse(wire.DownloadUrl, await json_body(request))
    translate.require(body.url, "url")
    key = file_key(rt, body.url)
    return success(UrlSigner(rt.secret, DOWNLOAD_TTL, rt.store).file_url(base_url(request), key))
