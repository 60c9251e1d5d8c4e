"""API in One routes: create music / extend / upload-cover tasks and poll them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from songforge.account.service import Caller
from songforge.dialects.apiinone import render, translate, uploads
from songforge.dialects.apiinone.errors import TASK_NOT_FOUND, render_error, success
from songforge.dialects.apiinone.translate import SourceInfo
from songforge.dialects.apiinone.wire import ExtendMusic, GenerateMusic, TaskQuery, UploadCover
from songforge.dialects.common import base_url, caller, dialect_route, json_body, parse, runtime
from songforge.errors import InvalidRequest, NotReady, TaskNotFound
from songforge.ids import hex32
from songforge.runtime import Runtime
from songforge.task import repository as repo
from songforge.task.models import Action, Clip, ClipStatus, Task
from songforge.task.schemas import GenerationRequest
from songforge.task.view import RenderContext

DIALECT = "apiinone"
router = APIRouter(route_class=dialect_route(render_error), tags=["apiinone"])
router.include_router(uploads.router)  # POST /api/v1/audio/upload (our extension)


def _submit(rt: Runtime, session: Session, who: Caller, req: GenerationRequest, body: dict[str, Any],
            base: str) -> dict[str, Any]:
    task = rt.tasks.submit(session, who, dialect=DIALECT, task_id=hex32(), req=req, request_body=body, base_url=base)
    return render.accepted(task)


def _source(clip: Clip, task: Task) -> SourceInfo:
    return SourceInfo(clip_id=clip.id, duration=clip.duration, title=clip.title, tags=clip.tags,
                      negative_tags=clip.negative_tags, lyrics=clip.lyrics, instrumental=not clip.has_vocal,
                      model=task.model or clip.model_name,
                      model_alias=translate.echo_name(task.model or clip.model_name, task.model_alias, task.dialect))


def _origin(session: Session, who: Caller, task_id: str, index: int) -> SourceInfo:
    """Clip ``index`` of the caller's finished task ``task_id`` (any dialect: clip ids are global)."""
    task = repo.task_for_key(session, who.key_id, task_id)
    if task is None:
        raise TaskNotFound(TASK_NOT_FOUND, field="origin_task_id")
    if task.action not in (Action.MUSIC, Action.CONCAT, Action.UPLOAD) or index >= len(task.clips):
        raise InvalidRequest(f"origin task {task_id} has no audio at index {index}", field="extend_audio_index")
    clip = task.clips[index]
    if clip.status != ClipStatus.COMPLETE:
        raise NotReady(f"origin task {task_id} is not finished yet")
    return _source(clip, task)


def _own_task(session: Session, who: Caller, task_id: str) -> Task:
    """The caller's task of this dialect, or 404 (tasks are polled through the dialect that made them)."""
    task = repo.task_for_key(session, who.key_id, task_id.strip()) if task_id.strip() else None
    if task is None or task.dialect != DIALECT:
        raise TaskNotFound(TASK_NOT_FOUND)
    return task


@router.post("/api/v1/audio/music")
async def generate(request: Request) -> Response:
    """Create a music task (inspiration or custom mode)."""
    rt = runtime(request)
    who = await run_in_threadpool(caller, request)
    body = await json_body(request)
    req = translate.music_request(parse(GenerateMusic, body))
    base = base_url(request)

    def work() -> dict[str, Any]:
        with rt.db.write() as session:
            return _submit(rt, session, who, req, body, base)

    return success(await run_in_threadpool(work))


@router.post("/api/v1/audio/music/extend")
async def extend(request: Request) -> Response:
    """Continue clip ``extend_audio_index`` of ``origin_task_id``."""
    rt = runtime(request)
    who = await run_in_threadpool(caller, request)
    body = await json_body(request)
    wire = parse(ExtendMusic, body)
    translate.check_extend(wire)
    base = base_url(request)

    def work() -> dict[str, Any]:
        with rt.db.write() as session:
            origin = _origin(session, who, wire.origin_task_id.strip(), wire.extend_audio_index or 0)
            return _submit(rt, session, who, translate.extend_request(wire, origin), body, base)

    return success(await run_in_threadpool(work))


@router.post("/api/v1/audio/music/upload-cover/generate")
async def upload_cover(request: Request) -> Response:
    """Re-make the caller's audio ``audio_id`` (an uploaded or generated clip, 6–60 s)."""
    rt = runtime(request)
    who = await run_in_threadpool(caller, request)
    body = await json_body(request)
    wire = parse(UploadCover, body)
    translate.check_cover(wire)
    base = base_url(request)

    def work() -> dict[str, Any]:
        with rt.db.write() as session:
            clip = repo.clip_for_key(session, who.key_id, wire.audio_id.strip())
            if clip is None:
                raise TaskNotFound(f"audio not found: {wire.audio_id.strip()}", field="audio_id")
            if clip.status != ClipStatus.COMPLETE:
                raise NotReady(f"audio {clip.id} is not ready yet")
            return _submit(rt, session, who, translate.cover_request(wire, _source(clip, clip.task)), body, base)

    return success(await run_in_threadpool(work))


def _poll(rt: Runtime, who: Caller, task_id: str, shape: Any) -> Response:
    with rt.db.read() as session:
        task = _own_task(session, who, task_id)
        ctx: RenderContext = rt.tasks.ctx(task)
        return success(shape(task, ctx))


def _query_id(request: Request) -> str:
    task_id = parse(TaskQuery, dict(request.query_params)).task_id.strip()
    if not task_id:
        raise InvalidRequest("task_id is required", field="task_id")
    return task_id


@router.get("/api/v1/audio/music/feed")
def feed(request: Request) -> Response:
    """Poll a task by ``task_id`` (older clients: ``workId``)."""
    who = caller(request)  # 401 before 400: an unauthenticated caller learns nothing about the query
    return _poll(runtime(request), who, _query_id(request), render.feed)


@router.get("/api/v1/audio/music/upload-cover/status")
def upload_cover_status(request: Request) -> Response:
    """Poll an upload-cover task (any task of this dialect answers)."""
    who = caller(request)
    return _poll(runtime(request), who, _query_id(request), render.cover_status)


@router.get("/api/v1/tasks/{task_id}")
def task_status(task_id: str, request: Request) -> Response:
    """The generic task object."""
    return _poll(runtime(request), caller(request), task_id, render.task_object)
