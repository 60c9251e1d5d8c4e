"""KIE lyrics and derivative-task routes (WAV, vocal removal, MIDI, MP4, cover image) with their details."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from songforge.account.service import Caller
from songforge.dialects.common import base_url, caller, json_body, parse, runtime
from songforge.dialects.kie import common, render_aux, translate, wire
from songforge.dialects.kie.errors import KieError, kie_route, success
from songforge.errors import Conflict, InvalidRequest, NotReady, TaskNotFound
from songforge.runtime import Runtime
from songforge.task import repository as repo
from songforge.task.models import Action, Clip, Task, TaskStatus
from songforge.task.schemas import GenerationRequest

router = APIRouter(route_class=kie_route(), tags=["kie"])
STEM_TYPES = ("separate_vocal", "split_stem")
MP4_TEXT_MAX = 50


@router.post("/api/v1/lyrics")
async def lyrics(request: Request) -> Response:
    """Two lyric variants from a description."""
    rt = runtime(request)
    who = await run_in_threadpool(caller, request)
    body = await json_body(request)
    req = translate.lyrics_request(parse(wire.Lyrics, body), strict=common.strict(rt))
    task_id = await run_in_threadpool(common.submit, rt, who, req, body, base_url(request))
    return success({"taskId": task_id})


@router.get("/api/v1/lyrics/record-info")
def lyrics_info(request: Request, taskId: str = "") -> Response:  # noqa: N803 (wire name)
    """A lyrics task."""
    rt = runtime(request)
    return success(common.details(rt, caller(request), taskId, (Action.LYRICS,),
                                  lambda t, _ctx: render_aux.lyrics_info(t)))


def _music_clip(session: Session, who: Caller, body: wire.Derivative) -> tuple[Task, Clip]:
    """The music task ``taskId`` and its clip ``audioId`` (both required)."""
    task = common.own_task(session, who, common.task_id_param(body.task_id), Action.MUSIC, dialect=None)
    translate.require(body.audio_id, "audioId")
    clip = next((c for c in task.clips if c.id == body.audio_id.strip()), None)
    if clip is None:
        raise TaskNotFound("audioId not found in this task", field="audioId")
    return task, clip


def _live_child(session: Session, key_id: int, parent_id: str, action: Action) -> Task | None:
    # A failed derivative does not block a new attempt; any other does (the vendors' "record exists").
    return next((t for t in repo.children(session, parent_id, action)
                 if t.key_id == key_id and t.status != TaskStatus.FAILED), None)


def _derivative(rt: Runtime, who: Caller, body: wire.Derivative, raw: dict[str, Any], base: str,
                action: Action, options: dict[str, Any] | None = None) -> str:
    """Submit a clip-derived task (WAV, stems, MP4) for ``audioId`` of ``taskId``."""
    cb = translate.callback(body.call_back_url, common.strict(rt))

    def prepare(session: Session, _req: GenerationRequest) -> GenerationRequest:
        task, clip = _music_clip(session, who, body)
        if action == Action.WAV and (existing := _live_child(session, who.key_id, clip.id, Action.WAV)):
            raise Conflict("WAV record already exists for this audioId", data={"taskId": existing.id})
        opts = {"music_index": clip.idx, "source_duration": clip.duration or 0, **(options or {})}
        return GenerationRequest(action=action, operation=str(action), model=clip.model_name or task.model,
                                 source_clip_id=clip.id, source_task_id=task.id, n_clips=0, callback_url=cb,
                                 options=opts)

    return common.submit(rt, who, GenerationRequest(), raw, base, prepare=prepare)


async def _submit_derivative(request: Request, action: Action, check: Any = None) -> Response:
    rt = runtime(request)
    who = await run_in_threadpool(caller, request)
    raw = await json_body(request)
    body = parse(wire.Derivative, raw)
    options = check(body) if check is not None else None
    task_id = await run_in_threadpool(_derivative, rt, who, body, raw, base_url(request), action, options)
    return success({"taskId": task_id})


@router.post("/api/v1/wav/generate")
async def wav(request: Request) -> Response:
    """A WAV rendering of one clip (once per clip)."""
    return await _submit_derivative(request, Action.WAV)


def _stem_options(body: wire.Derivative) -> dict[str, Any]:
    kind = body.type.strip() or "separate_vocal"
    if kind not in STEM_TYPES:
        raise InvalidRequest("type: invalid value; accepted: separate_vocal, split_stem", field="type")
    return {"type": kind}


@router.post("/api/v1/vocal-removal/generate")
async def vocal_removal(request: Request) -> Response:
    """Vocals and instrumental (separate_vocal) or up to 12 stems (split_stem) of one clip."""
    return await _submit_derivative(request, Action.STEMS, _stem_options)


def _mp4_options(body: wire.Derivative) -> dict[str, Any]:
    translate.limit(body.author, MP4_TEXT_MAX, "author")
    translate.limit(body.domain_name, MP4_TEXT_MAX, "domainName")
    return {"author": body.author.strip(), "domainName": body.domain_name.strip()}  # the media job reads these names


@router.post("/api/v1/mp4/generate")
async def mp4(request: Request) -> Response:
    """A music video of one clip."""
    return await _submit_derivative(request, Action.MP4, _mp4_options)


@router.post("/api/v1/midi/generate")
async def midi(request: Request) -> Response:
    """MIDI notes from a completed vocal-removal task (all stems, or the one ``audioId`` names)."""
    rt = runtime(request)
    who = await run_in_threadpool(caller, request)
    raw = await json_body(request)
    body = parse(wire.Derivative, raw)
    cb = translate.callback(body.call_back_url, common.strict(rt))

    def prepare(session: Session, _req: GenerationRequest) -> GenerationRequest:
        stems = common.own_task(session, who, common.task_id_param(body.task_id), Action.STEMS)
        if stems.status != TaskStatus.COMPLETE:
            raise NotReady("the vocal-removal task is not finished yet")
        names = {render_aux.stem_audio_id(stems.id, n): n for n in (stems.result or {}).get("stems") or {}}
        stem = ""
        if body.audio_id.strip():
            stem = names.get(body.audio_id.strip(), "")
            if not stem:
                raise TaskNotFound("audioId is not a stem of this vocal-removal task", field="audioId")
        return GenerationRequest(action=Action.MIDI, operation="midi", source_clip_id=stems.parent_id,
                                 n_clips=0, callback_url=cb,
                                 options={"stems_task_id": stems.id, "audio_id": body.audio_id.strip(),
                                          "stem": stem})

    task_id = await run_in_threadpool(common.submit, rt, who, GenerationRequest(), raw, base_url(request),
                                      prepare=prepare)
    return success({"taskId": task_id})


@router.post("/api/v1/suno/cover/generate")
async def cover(request: Request) -> Response:
    """Cover images for a music task (one cover task per music task)."""
    rt = runtime(request)
    who = await run_in_threadpool(caller, request)
    raw = await json_body(request)
    body = parse(wire.Derivative, raw)
    cb = translate.callback(body.call_back_url, common.strict(rt))
    source_id = common.task_id_param(body.task_id)

    def prepare(session: Session, _req: GenerationRequest) -> GenerationRequest:
        music = common.own_task(session, who, source_id, Action.MUSIC, dialect=None)
        if existing := _live_child(session, who.key_id, music.id, Action.COVER_IMAGE):
            # The vendor answers 400 with the existing cover task's id (so clients can poll it).
            raise KieError(400, "Cover image already generated for this task", data={"taskId": existing.id})
        return GenerationRequest(action=Action.COVER_IMAGE, operation="cover_image", model=music.model,
                                 source_task_id=music.id, n_clips=0, callback_url=cb)

    def after(_session: Session, task: Task) -> None:
        task.parent_id = source_id  # cover images hang off the music task, not a clip

    task_id = await run_in_threadpool(common.submit, rt, who, GenerationRequest(), raw, base_url(request),
                                      prepare=prepare, after=after)
    return success({"taskId": task_id})


@router.get("/api/v1/wav/record-info")
def wav_info(request: Request, taskId: str = "") -> Response:  # noqa: N803 (wire name)
    """A WAV task."""
    return success(common.details(runtime(request), caller(request), taskId, (Action.WAV,), render_aux.wav_info))


@router.get("/api/v1/vocal-removal/record-info")
def stems_info(request: Request, taskId: str = "") -> Response:  # noqa: N803 (wire name)
    """A vocal-removal task."""
    return success(common.details(runtime(request), caller(request), taskId, (Action.STEMS,),
                                  render_aux.stems_info))


@router.get("/api/v1/midi/record-info")
def midi_info(request: Request, taskId: str = "") -> Response:  # noqa: N803 (wire name)
    """A MIDI task."""
    return success(common.details(runtime(request), caller(request), taskId, (Action.MIDI,),
                                  lambda t, _ctx: render_aux.midi_info(t)))


@router.get("/api/v1/mp4/record-info")
def mp4_info(request: Request, taskId: str = "") -> Response:  # noqa: N803 (wire name)
    """A music-video task."""
    return success(common.details(runtime(request), caller(request), taskId, (Action.MP4,), render_aux.mp4_info))


@router.get("/api/v1/suno/cover/record-info")
def cover_info(request: Request, taskId: str = "") -> Response:  # noqa: N803 (wire name)
    """A cover-image task."""
    return success(common.details(runtime(request), caller(request), taskId, (Action.COVER_IMAGE,),
                                  render_aux.cover_info))
