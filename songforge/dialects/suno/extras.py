"""Relay-only /suno/* routes: feed, persona creation and the raw Suno generate passthroughs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from songforge.account.service import Caller
from songforge.clock import iso_ms
from songforge.dialects.common import base_url, caller, dialect_route, json_body, json_response, parse, runtime
from songforge.dialects.suno import translate
from songforge.dialects.suno.errors import render_error
from songforge.dialects.suno.render import song
from songforge.dialects.suno.wire import Lenient, SubmitConcat, SubmitMusic
from songforge.errors import InvalidRequest, TaskNotFound
from songforge.ids import dashed_uuid
from songforge.persona import repository as personas_repo
from songforge.persona import service as personas
from songforge.runtime import Runtime
from songforge.task import repository as repo
from songforge.task.catalog import BY_SLUG
from songforge.task.models import Clip, ClipStatus, Task
from songforge.task.schemas import GenerationRequest

DIALECT = "suno"
MAX_FEED = 100
PERSONA_MIN_SECONDS = 10.0
router = APIRouter(route_class=dialect_route(render_error), tags=["suno-extras"])


class PersonaCreate(Lenient):
    """POST /suno/persona/create/."""

    root_clip_id: str = ""
    name: str = ""
    description: str = ""
    clips: list[str] = Field(default_factory=list)
    is_public: bool = True


def _song(rt: Runtime, clip: Clip) -> dict[str, Any]:
    return song(clip, clip.task, rt.tasks.ctx(clip.task))


@router.get("/suno/feed/{ids}")
async def feed(ids: str, request: Request) -> Response:
    """Song objects for comma-separated clip ids, in request order (unknown ids left out; no envelope)."""
    rt = runtime(request)
    who = await run_in_threadpool(caller, request)
    wanted = [i.strip() for i in ids.split(",") if i.strip()][:MAX_FEED]

    def load() -> list[dict[str, Any]]:
        with rt.db.read() as session:
            found = [repo.clip_for_key(session, who.key_id, i) for i in wanted]
            return [_song(rt, c) for c in found if c is not None]

    return json_response(await run_in_threadpool(load))


def _persona(rt: Runtime, who: Caller, body: PersonaCreate) -> dict[str, Any]:
    with rt.db.write() as session:
        root = rt.tasks.source_clip(session, who, body.root_clip_id.strip())
        persona = personas_repo.for_clip(session, who.key_id, root.id)
        if persona is None:  # creating it again answers with the one that exists
            if (root.duration or 0.0) < PERSONA_MIN_SECONDS:
                raise InvalidRequest(f"the clip must be at least {PERSONA_MIN_SECONDS:.0f} s long for a persona",
                                     field="root_clip_id")
            spec = personas.PersonaInput(task_id=root.task_id, clip_id=root.id, name=body.name.strip() or root.title,
                                         description=body.description, style=root.tags, vocal_start=0.0,
                                         vocal_end=min(30.0, root.duration or 30.0))
            persona = personas.create(session, who.key_id, spec)
        members = [repo.clip_for_key(session, who.key_id, i) for i in (body.clips or [root.id])]
        if any(m is None for m in members):
            raise TaskNotFound("clip not found in clips", field="clips")
        return {"id": persona.id, "name": persona.name, "description": persona.description,
                "root_clip_id": root.id, "clip": _song(rt, root), "is_public": body.is_public,
                "persona_clips": [{"clip": _song(rt, m), "id": n + 1} for n, m in enumerate(members) if m]}


@router.post("/suno/persona/create")
async def persona_create(request: Request) -> Response:
    """A persona from a finished clip (raw JSON, no envelope)."""
    rt = runtime(request)
    who = await run_in_threadpool(caller, request)
    body = parse(PersonaCreate, await json_body(request))
    if not body.root_clip_id.strip():
        raise InvalidRequest("root_clip_id is required", field="root_clip_id")
    return json_response(await run_in_threadpool(_persona, rt, who, body))


def _generate(rt: Runtime, who: Caller, req: GenerationRequest, body: dict[str, Any], base: str,
              concat_from: str = "") -> dict[str, Any]:
    task_id = dashed_uuid()
    with rt.db.write() as session:
        task = rt.tasks.submit(session, who, dialect=DIALECT, task_id=task_id, req=req, request_body=body,
                               base_url=base)
        if concat_from:  # the raw route answers with the song object, so the clip must exist from the start
            source = rt.tasks.source_clip(session, who, concat_from)
            task.clips.append(Clip(id=dashed_uuid(), task_id=task.id, key_id=task.key_id, idx=0,
                                   status=ClipStatus.SUBMITTED, title=source.title, tags=source.tags,
                                   model_name=source.model_name, clip_type="concat",
                                   meta={"type": "concat", "task": "concat"}))
            session.flush()
        return _batch(rt, task)


def _batch(rt: Runtime, task: Task) -> dict[str, Any]:
    ctx = rt.tasks.ctx(task)
    songs = [song(c, task, ctx) for c in task.clips]
    info = BY_SLUG.get(task.model)
    return {"id": task.id, "clips": songs, "metadata": songs[0]["metadata"] if songs else {},
            "major_model_version": info.version if info else "", "status": "complete",
            "created_at": iso_ms(task.created_at), "batch_size": len(songs)}


@router.post("/suno/generate")
async def generate(request: Request) -> Response:
    """Raw Suno generate: same body as /suno/submit/music, answers with the batch and its clips."""
    rt = runtime(request)
    who = await run_in_threadpool(caller, request)
    body = await json_body(request)
    req = translate.music_request(parse(SubmitMusic, body))
    return json_response(await run_in_threadpool(_generate, rt, who, req, body, base_url(request)))


@router.post("/suno/generate/description-mode")
async def description_mode(request: Request) -> Response:
    """Raw Suno generate in inspiration mode."""
    rt = runtime(request)
    who = await run_in_threadpool(caller, request)
    body = await json_body(request)
    req = translate.music_request(parse(SubmitMusic, {"custom_mode": False, **body}))
    return json_response(await run_in_threadpool(_generate, rt, who, req, body, base_url(request)))


@router.post("/suno/generate/concat")
async def generate_concat(request: Request) -> Response:
    """Raw concat: one song object (status ``submitted`` until the join is done; poll /suno/feed/{id})."""
    rt = runtime(request)
    who = await run_in_threadpool(caller, request)
    body = await json_body(request)
    req = translate.concat_request(parse(SubmitConcat, body))
    batch = await run_in_threadpool(_generate, rt, who, req, body, base_url(request), req.source_clip_id)
    return json_response(batch["clips"][0])
