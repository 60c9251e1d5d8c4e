"""GET /suno/fetch/{id} answered straight at the ASGI level: the route clients hit most.

Successful polls skip FastAPI's routing, dependency and exception machinery; anything else (no or bad key,
unknown task, odd paths, errors) falls through to the regular route, which answers it in the dialect's envelope.
"""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import unquote

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from songforge.dialects.common import base_url, read_inline
from songforge.dialects.suno.routes import fetch_body
from songforge.errors import SongforgeError

PREFIX = "/suno/fetch/"
ROUTE = SimpleNamespace(path="/suno/fetch/{task_id}")  # what the metrics middleware labels it with
HEADERS = [(b"content-type", b"application/json")]


class FetchFastPath:
    """ASGI middleware for successful single-task polls."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or scope["method"] != "GET" or not path.startswith(PREFIX):
            await self.app(scope, receive, send)
            return
        task_id = unquote(path[len(PREFIX):].rstrip("/")).strip()
        header = next((v for k, v in scope["headers"] if k == b"authorization"), None)
        if not task_id or "/" in task_id or header is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        rt = request.app.state.rt
        try:
            who = await read_inline(rt, rt.auth.authenticate, rt.session_factory(), header.decode("latin-1"))
            body = await read_inline(rt, fetch_body, rt, who, task_id, base_url(request))
        except SongforgeError:  # the regular route renders the error
            await self.app(scope, receive, send)
            return
        scope["route"] = ROUTE
        await send({"type": "http.response.start", "status": 200,
                    "headers": [*HEADERS, (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
