"""create_app(settings): mounts the enabled dialects; the lifespan starts workers and the callback sender."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time
from collections.abc import AsyncIterator
from typing import Any

import structlog
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from songforge.callback.sender import CallbackSender
from songforge.dialects.common import json_response, validation_error
from songforge.errors import SongforgeError
from songforge.http import files, health
from songforge.logging import configure_logging
from songforge.runtime import DIALECT_MODULES, Runtime, dialect_module
from songforge.settings import Settings
from songforge import housekeeping as retention
from songforge.worker import WorkerPool

log = structlog.get_logger(__name__)

# Which dialect renders errors for a path that no route matched (most specific first).
ERROR_PREFIXES = [("/api/v1/audio", "apiinone"), ("/api/v1/tasks", "apiinone"), ("/suno", "suno"),
                  ("/sunoi", "suno"), ("/api/", "kie")]


class RouteNotFound(SongforgeError):
    """No such endpoint."""

    code = "not_found"
    http_status = 404


class MethodNotAllowed(SongforgeError):
    """The endpoint exists but not with this method."""

    code = "method_not_allowed"
    http_status = 405


class TrailingSlash:
    """Makes trailing slashes optional on every route by stripping them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            if len(path) > 1 and path.endswith("/"):
                scope = dict(scope, path=path.rstrip("/") or "/", raw_path=None)
        await self.app(scope, receive, send)


class Metrics:
    """Counts requests and their latency by route template."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = [500]

        async def send_wrapper(message: Any) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            name = getattr(route, "path", "unmatched")
            health.REQUESTS.labels(scope["method"], name, str(status[0])).inc()
            health.LATENCY.labels(name).observe(time.perf_counter() - start)


def _dialect_for(path: str, enabled: list[str]) -> str | None:
    for prefix, name in ERROR_PREFIXES:
        if path.startswith(prefix) and name in enabled:
            return name
    return None


def _render(rt: Runtime, path: str, exc: SongforgeError) -> Response:
    name = _dialect_for(path, rt.settings.enabled_dialects())
    if name is None:
        return json_response({"code": exc.code, "message": exc.message, "data": None}, exc.http_status)
    return dialect_module(name, "errors").render_error(exc)  # type: ignore[no-any-return]


def install_error_handlers(app: FastAPI) -> None:
    """Errors outside a dialect route (unknown path, wrong method, crashes) in the right envelope."""

    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        rt: Runtime = request.app.state.rt
        if exc.status_code == 404 and request.scope.get("route") is None:
            return _render(rt, request.url.path, RouteNotFound("endpoint not found"))
        if exc.status_code == 405:
            return _render(rt, request.url.path, MethodNotAllowed("method not allowed"))
        return json_response({"code": exc.status_code, "message": exc.detail, "data": None}, exc.status_code)

    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return _render(request.app.state.rt, request.url.path, validation_error(exc))

    async def known(request: Request, exc: SongforgeError) -> Response:
        return _render(request.app.state.rt, request.url.path, exc)

    async def crash(request: Request, exc: Exception) -> Response:
        log.exception("http.unhandled", path=request.url.path)
        return _render(request.app.state.rt, request.url.path, SongforgeError("internal server error"))

    app.add_exception_handler(StarletteHTTPException, http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, invalid)  # type: ignore[arg-type]
    app.add_exception_handler(SongforgeError, known)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, crash)


async def _janitor(rt: Runtime) -> None:
    """Fails tasks that ran past the timeout (their worker is gone or stuck); applies file retention."""
    rounds = 0
    while True:
        await asyncio.sleep(10)
        rounds += 1
        try:
            def sweep() -> int:
                with rt.db.write() as s:
                    return rt.tasks.fail_overdue(s)

            if failed := await asyncio.to_thread(sweep):
                log.warning("task.timed_out", count=failed)
            if rounds % 30 == 1:  # every ~5 minutes
                await asyncio.to_thread(retention.sweep_uploads, rt.db, rt.store)
                await asyncio.to_thread(retention.sweep_generated, rt.db, rt.store,
                                        rt.settings.storage.retention_days)
        except Exception:  # keep sweeping
            log.exception("janitor.error")


def create_app(settings: Settings | None = None, *, workers: int | None = None, background: bool = True) -> FastAPI:
    """The ASGI app. ``workers`` overrides settings.queue.workers; ``background`` runs sender and janitor."""
    settings = settings or Settings()
    configure_logging(settings)
    rt = Runtime(settings, migrate=True)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        count = settings.queue.workers if workers is None else workers
        pool = WorkerPool(settings, count)
        if count:
            pool.start()
        sender = CallbackSender(rt.db, settings.callbacks, rt.tasks.guard)
        tasks = [asyncio.create_task(sender.run_forever()), asyncio.create_task(_janitor(rt))] if background else []
        # everything built so far lives as long as the process: keep it out of the cyclic GC's full
        # collections, which otherwise pause the event loop for long stretches under load
        gc.collect()
        gc.freeze()
        log.info("server.started", workers=count, dialects=settings.enabled_dialects())
        try:
            yield
        finally:
            sender.stopping = True
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await sender.close()
            await asyncio.to_thread(pool.stop)
            rt.db.dispose()

    app = FastAPI(title="songforge", version="0.1.0", lifespan=lifespan)
    app.state.rt = rt
    app.include_router(health.router)
    app.include_router(files.router)
    for name in settings.enabled_dialects():
        if name not in DIALECT_MODULES:
            raise ValueError(f"unknown dialect {name!r} in SONGFORGE_DIALECTS__ENABLED")
        app.include_router(dialect_module(name, "routes").router)  # a broken dialect must fail loudly
    install_error_handlers(app)
    if "suno" in settings.enabled_dialects():
        from songforge.dialects.suno.fastpath import FetchFastPath

        app.add_middleware(FetchFastPath)
    app.add_middleware(Metrics)
    app.add_middleware(TrailingSlash)
    return app
