"""KIE music routes: generate and its variants, record-info, credits; mounts the other KIE routers."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from songforge.account import service as accounts
from songforge.dialects.common import base_url, caller, json_body, parse, runtime
from songforge.dialects.kie import common, files, render, routes_aux, routes_sync, translate, wire
from songforge.dialects.kie.errors import kie_route, success
from songforge.errors import InvalidRequest, TaskNotFound
from songforge.persona import repository as personas
from songforge.task import catalog
from songforge.task.models import Action
from songforge.task.schemas import GenerationRequest

router = APIRouter(route_class=kie_route(), tags=["kie"])
UNLIMITED_CREDITS = 999_999_999  # what an unlimited key reports: the vendors' field is a plain number


def _with_persona(session: Session, req: GenerationRequest, key_id: int) -> GenerationRequest:
    # A personaId of ours carries its clip (the voice to keep); unknown ids pass through as voice ids.
    if not req.persona_id:
        return req
    persona = personas.for_key(session, key_id, req.persona_id)
    if persona is None:
        return req
    return req.model_copy(update={"artist_clip_id": persona.clip_id,
                                  "options": {**req.options, "vocal_start": persona.vocal_start,
                                              "vocal_end": persona.vocal_end}})


async def _music(request: Request, model: type[BaseModel], build: Any) -> Response:
    rt = runtime(request)
    who = await run_in_threadpool(caller, request)
    body = await json_body(request)
    req: GenerationRequest = build(parse(model, body), rt)
    task_id = await run_in_threadpool(common.submit, rt, who, req, body, base_url(request),
                                      prepare=lambda s, r: _with_persona(s, r, who.key_id))
    return success({"taskId": task_id})


@router.post("/api/v1/generate")
async def generate(request: Request) -> Response:
    """Music from a description (non-custom) or from lyrics, style and title (custom)."""
    return await _music(request, wire.Generate, lambda b, rt: translate.generate_request(
        b, strict=common.strict(rt), extra=common.extra_models(rt)))


@router.post("/api/v1/generate/extend")
async def extend(request: Request) -> Response:
    """Continue one of our clips."""
    return await _music(request, wire.Extend, lambda b, rt: translate.extend_request(
        b, strict=common.strict(rt), extra=common.extra_models(rt)))


@router.post("/api/v1/generate/upload-cover")
async def upload_cover(request: Request) -> Response:
    """Cover an uploaded track in a new style."""
    return await _music(request, wire.UploadCover, lambda b, rt: translate.upload_cover_request(
        b, strict=common.strict(rt), extra=common.extra_models(rt)))


@router.post("/api/v1/generate/upload-extend")
async def upload_extend(request: Request) -> Response:
    """Continue an uploaded track."""
    return await _music(request, wire.UploadExtend, lambda b, rt: translate.upload_extend_request(
        b, strict=common.strict(rt), extra=common.extra_models(rt)))


@router.post("/api/v1/generate/add-instrumental")
async def add_instrumental(request: Request) -> Response:
    """Backing music for an uploaded vocal track."""
    return await _music(request, wire.AddInstrumental,
                        lambda b, rt: translate.add_instrumental_request(b, strict=common.strict(rt)))


@router.post("/api/v1/generate/add-vocals")
async def add_vocals(request: Request) -> Response:
    """Vocals over an uploaded instrumental."""
    return await _music(request, wire.AddVocals,
                        lambda b, rt: translate.add_vocals_request(b, strict=common.strict(rt)))


@router.post("/api/v1/generate/mashup")
async def mashup(request: Request) -> Response:
    """Two uploaded tracks blended into a new one."""
    return await _music(request, wire.Mashup, lambda b, rt: translate.mashup_request(
        b, strict=common.strict(rt), extra=common.extra_models(rt)))


@router.post("/api/v1/generate/replace-section")
async def replace_section(request: Request) -> Response:
    """Re-make a 6–60 s window (at most half the song) of one of our clips."""
    rt = runtime(request)
    who = await run_in_threadpool(caller, request)
    body = await json_body(request)
    parsed = parse(wire.ReplaceSection, body)

    def prepare(session: Session, _req: GenerationRequest) -> GenerationRequest:
        parent = common.own_task(session, who, common.task_id_param(parsed.task_id), Action.MUSIC, dialect=None)
        clip = next((c for c in parent.clips if c.id == parsed.audio_id.strip()), None)
        if clip is None:
            raise TaskNotFound("audioId not found in this task", field="audioId")
        req = translate.replace_section_request(parsed, catalog.resolve(parent.model))
        duration = clip.duration or 0.0
        window = (req.infill_end or 0.0) - (req.infill_start or 0.0)
        if duration and window > duration / 2 + 0.01:
            raise InvalidRequest(f"the replaced section may cover at most half of the song ({duration / 2:.2f} s)",
                                 field="infillEndS")
        return req

    placeholder = GenerationRequest()  # replaced by ``prepare`` inside the transaction
    task_id = await run_in_threadpool(common.submit, rt, who, placeholder, body, base_url(request), prepare=prepare)
    return success({"taskId": task_id})


@router.get("/api/v1/generate/record-info")
def record_info(request: Request, taskId: str = "") -> Response:  # noqa: N803 (wire name)
    """A music task: status, clips, original params."""
    rt = runtime(request)
    return success(common.details(rt, caller(request), taskId, (Action.MUSIC,), render.record_info))


def _credits(request: Request) -> Response:
    rt = runtime(request)
    who = caller(request)
    with rt.db.read() as session:
        left = accounts.balance(session, who.key_id)
    return success(UNLIMITED_CREDITS if left is None else left)


for _path in ("/api/v1/chat/credit", "/api/v1/generate/credit", "/api/v1/common/credit"):
    router.add_api_route(_path, _credits, methods=["GET"], summary="Credits left")

router.include_router(routes_aux.router)
router.include_router(routes_sync.router)
router.include_router(files.router)
