"""KIE envelope: HTTP 200 with {"code": <int>, "msg", "data"}; the code table follows the error profile."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from typing import Any

import structlog
from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from songforge.dialects.common import json_response, validation_error
from songforge.errors import (
    Conflict,
    EngineUnavailable,
    InsufficientCredits,
    InvalidRequest,
    NotFound,
    NotReady,
    RateLimited,
    SongforgeError,
    SourceFetchFailed,
    Unauthorized,
)
from songforge.settings import KieErrorProfile, KieSettings

log = structlog.get_logger(__name__)

# The settings of the request being handled; errors rendered outside a KIE route use the defaults,
# which is safe because those (unknown path 404, crash 500) have the same code in both profiles.
CURRENT: ContextVar[KieSettings | None] = ContextVar("kie_settings", default=None)

# code per profile for the errors whose meaning differs between KIE and sunoapi.org (spec §2).
PROFILE_CODES: dict[KieErrorProfile, dict[str, int]] = {
    KieErrorProfile.KIE: {"invalid": 422, "credits": 402, "rate": 429},
    KieErrorProfile.SUNOAPI_ORG: {"invalid": 400, "credits": 429, "rate": 405},
}


class KieError(SongforgeError):
    """An error whose KIE code is fixed by the vendor docs (e.g. the cover-image repeat, code 400)."""

    code = "kie_error"
    http_status = 200

    def __init__(self, kie_code: int, message: str, *, data: Any = None) -> None:
        super().__init__(message, data=data)
        self.kie_code = kie_code


def settings() -> KieSettings:
    """The KIE settings of the current request (defaults outside one)."""
    return CURRENT.get() or KieSettings()


def kie_code(exc: SongforgeError, profile: KieErrorProfile) -> int:
    """The numeric code of ``exc`` under ``profile``."""
    table = PROFILE_CODES[profile]
    if isinstance(exc, KieError):
        return exc.kie_code
    if isinstance(exc, InsufficientCredits):
        return table["credits"]
    if isinstance(exc, RateLimited):
        return table["rate"]
    if isinstance(exc, (InvalidRequest, NotReady)):
        return table["invalid"]
    if isinstance(exc, Unauthorized):
        return 401
    if isinstance(exc, NotFound) or exc.http_status in (404, 405):
        return 404  # sunoapi.org: "invalid method or path"; 405 would read as its rate limit
    if isinstance(exc, Conflict):
        return 409
    if isinstance(exc, SourceFetchFailed):
        return 451
    if isinstance(exc, EngineUnavailable):
        return 455
    return 500


def envelope(code: int, msg: str, data: Any = None, status: int | None = None) -> Response:
    """The KIE envelope; HTTP 200 unless mirroring is on and the code is a server error."""
    http = status if status is not None else (code if code >= 500 and settings().mirror_http_status else 200)
    return json_response({"code": code, "msg": msg, "data": data}, http)


def render_error(exc: SongforgeError) -> Response:
    """The error as the KIE dialect sends it."""
    return envelope(kie_code(exc, settings().error_profile), exc.message, exc.data)


def success(data: Any) -> Response:
    """The success envelope."""
    return envelope(200, "success", data)


ErrorRenderer = Callable[[SongforgeError], Response]


def kie_route(render: ErrorRenderer = render_error) -> type[APIRoute]:
    """A route class that binds the KIE settings for the request and renders every error with ``render``."""

    class KieRoute(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            original = super().get_route_handler()

            async def handler(request: Request) -> Response:
                token = CURRENT.set(request.app.state.rt.settings.dialects.kie)
                try:
                    return await original(request)
                except SongforgeError as exc:
                    return render(exc)
                except RequestValidationError as exc:
                    return render(validation_error(exc))
                except Exception:  # route boundary: never a bare 500 page, always our envelope
                    log.exception("http.unhandled", path=request.url.path, dialect="kie")
                    return render(SongforgeError("internal server error"))
                finally:
                    CURRENT.reset(token)

            return handler

    return KieRoute
