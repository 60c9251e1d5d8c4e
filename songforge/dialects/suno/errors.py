"""/suno/* error envelope: real HTTP status, {"code": "<snake>", "message": ..., "data": null}."""

from __future__ import annotations

from fastapi import Response

from songforge.dialects.common import json_response
from songforge.errors import (
    CallbackRefused,
    InsufficientCredits,
    InvalidRequest,
    NotFound,
    NotReady,
    SongforgeError,
    TooLong,
)


def code_and_status(exc: SongforgeError) -> tuple[str, int]:
    """The dialect's code and HTTP status for an error."""
    if isinstance(exc, InsufficientCredits):
        return "quota_not_enough", 403
    if isinstance(exc, NotFound):
        return "task_not_exist", 400
    if isinstance(exc, NotReady):
        return exc.code if exc.code != "not_ready" else "not_ready", 400
    if isinstance(exc, (TooLong, CallbackRefused)):
        return "invalid_request", 400
    if isinstance(exc, InvalidRequest):
        return exc.code, 400
    return exc.code, exc.http_status


def render_error(exc: SongforgeError) -> Response:
    """The error as this dialect sends it."""
    code, status = code_and_status(exc)
    return json_response({"code": code, "message": exc.message, "data": None}, status)


def success(data: object) -> Response:
    """The success envelope."""
    return json_response({"code": "success", "message": "", "data": data})
