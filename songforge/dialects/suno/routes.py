"""/suno/* routes: submit, fetch (the core flow of the new-api / Suno-API format)."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from songforge.account.service import Caller
from songforge.dialects.common import base_url, caller, dialect_route, json_body, parse, read_inline, runtime
from songforge.dialects.suno import translate
from songforge.dialects.suno.errors import render_error, success
from songforge.dialects.suno.render import task_object
from songforge.dialects.suno.wire import FetchMany, SubmitConcat, SubmitLyrics, SubmitMusic
from songforge.errors import TaskNotFound, UnknownAction
from songforge.ids import dashed_uuid
from songforge.runtime import Runtime
from songforge.task.readmodel import load_task, load_tasks
from songforge.task.schemas import GenerationRequest

DIALECT = "suno"
router = APIRouter(route_class=dialect_route(render_error), tags=["suno"])


def submit_task(rt: Runtime, who: Caller, req: GenerationRequest, body: dict[str, Any], base: str) -> str:
    """Accept ``req`` as a Suno-dialect task; returns its id."""
    task_id = dashed_uuid()
    with rt.db.write() as session:
        rt.tasks.submit(session, who, dialect=DIALECT, task_id=task_id, req=req, request_body=body, base_url=base)
    return task_id


@router.post("/suno/submit/{action}")
async def submit(action: str, request: Request) -> Response:
    """Create a music, lyrics or concat task."""
    rt = runtime(request)
    who = await run_in_threadpool(caller, request)
    body = await json_body(request)
    kind = action.strip().lower()
    if kind == "music":
        req = translate.music_request(parse(SubmitMusic, body))
    elif kind == "lyrics":
        req = translate.lyrics_request(parse(SubmitLyrics, body))
    elif kind == "concat":
        req = translate.concat_request(parse(SubmitConcat, body))
    else:
        raise UnknownAction(f"unknown action {action!r}; accepted: music, lyrics, concat")
    task_id = await run_in_threadpool(submit_task, rt, who, req, body, base_url(request))
    return success(task_id)


def fetch_body(rt: Runtime, who: Caller, task_id: str, base: str) -> bytes:
    """The whole response body of GET /suno/fetch/{id} (cached while the task is unchanged)."""
    def make() -> tuple[tuple[Any, ...], bytes] | None:
        task = load_task(rt.db, who.key_id, task_id, DIALECT)
        if task is None:
            return None
        data = task_object(task, rt.tasks.ctx(task))
        return task.version, orjson.dumps({"code": "success", "message": "", "data": data})

    body = rt.poll_cache.render(rt.db, who.key_id, task_id, DIALECT, (rt.signer.bucket(), base), make)
    if body is None:
        raise TaskNotFound("task_not_exist")
    return body


@router.get("/suno/fetch/{task_id}")
async def fetch_one(task_id: str, request: Request) -> Response:
    """One task object (the hot polling path: see songforge.task.readmodel and songforge.task.pollcache)."""
    rt = runtime(request)
    who = await read_inline(rt, caller, request)
    body = await read_inline(rt, fetch_body, rt, who, task_id.strip(), base_url(request))
    return Response(body, media_type="application/json")


@router.post("/suno/fetch")
async def fetch_many(request: Request) -> Response:
    """Task objects for ``ids`` in request order; unknown ids are left out."""
    rt = runtime(request)
    who = await run_in_threadpool(caller, request)
    body = parse(FetchMany, await json_body(request))

    def load() -> list[dict[str, Any]]:
        found = {t.id: t for t in load_tasks(rt.db, who.key_id, body.ids, DIALECT)}
        return [task_object(found[i], rt.tasks.ctx(found[i])) for i in body.ids if i in found]

    return success(await run_in_threadpool(load))


# Upload flow, /suno/act/* and relay extras live in their own modules (imported last: they are leaves).
from songforge.dialects.suno import act, extras, uploads  # noqa: E402

router.include_router(uploads.router)
router.include_router(act.router)
router.include_router(extras.router)
