"""Pieces every dialect's routes share: lenient JSON bodies, callers, base URLs, error-catching routes."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import orjson
from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator
from starlette.concurrency import run_in_threadpool

from songforge.account.service import Caller
from songforge.errors import InvalidRequest, SongforgeError
from songforge.runtime import Runtime

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R")
ErrorRenderer = Callable[[SongforgeError], Response]


class LenientModel(BaseModel):
    """A wire model: unknown fields ignored; numbers accepted as strings; null or "" (for numbers) = not given."""

    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True, populate_by_name=True)

    @field_validator("*", mode="before")
    @classmethod
    def _none_is_default(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields[str(info.field_name)]
        if value is None and not field.is_required():
            default = field.get_default(call_default_factory=True)
            if default is not None:
                return default
        if isinstance(value, str) and field.annotation in (float | None, int | None, bool | None) \
                and not value.strip():
            return None
        return value


def runtime(request: Request) -> Runtime:
    """The process's runtime."""
    return request.app.state.rt  # type: ignore[no-any-return]


def caller(request: Request) -> Caller:
    """The authenticated key of this request (Unauthorized otherwise)."""
    rt = runtime(request)
    return rt.auth.authenticate(rt.session_factory(), request.headers.get("authorization"))


async def read_inline(rt: Runtime, fn: Callable[..., R], *args: Any) -> R:
    """Run a short read: inline on SQLite (a local point query is cheaper than a thread hop), else in a thread."""
    if rt.db.is_sqlite:
        return fn(*args)
    return await run_in_threadpool(fn, *args)


def base_url(request: Request) -> str:
    """The base URL clients reach us at."""
    rt = runtime(request)
    if rt.settings.public_base_url:
        return rt.settings.public_base_url.rstrip("/")
    return str(request.base_url).rstrip("/")


async def json_body(request: Request) -> dict[str, Any]:
    """The request body as a JSON object ({} when empty); InvalidRequest when it is not one."""
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InvalidRequest(f"request body is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise InvalidRequest("request body must be a JSON object")
    return data


def parse(model: type[M], data: dict[str, Any]) -> M:
    """Validate ``data`` into ``model``; the first problem becomes an InvalidRequest naming the field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc) from exc


def validation_error(exc: ValidationError | RequestValidationError) -> InvalidRequest:
    """An InvalidRequest describing the first validation problem."""
    err = exc.errors()[0]
    loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
    field = ".".join(loc)
    msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
    return InvalidRequest(f"{field}: {msg}" if field else msg, field=field or None)


def dialect_route(render_error: ErrorRenderer) -> type[APIRoute]:
    """A route class whose handler renders every songforge or validation error with ``render_error``."""

    class DialectRoute(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            original = super().get_route_handler()

            async def handler(request: Request) -> Response:
                try:
                    return await original(request)
                except SongforgeError as exc:
                    return render_error(exc)
                except RequestValidationError as exc:
                    return render_error(validation_error(exc))

            return handler

    return DialectRoute


def json_response(content: Any, status_code: int = 200) -> Response:
    """A fast JSON response (orjson)."""
    return Response(orjson.dumps(content), status_code=status_code, media_type="application/json")
