"""API in One error envelope: real HTTP status, {"error": {"type", "message"}} plus top-level code/message."""

from __future__ import annotations

from fastapi import Response

from songforge.dialects.common import json_response
from songforge.errors import InvalidRequest, NotReady, SongforgeError, SourceFetchFailed

# error.type by HTTP status; 401/404 are documented by API in One, the rest inferred (spec §1.1).
TYPES = {400: "invalid_request_error", 401: "authentication_error", 402: "insufficient_credits",
         404: "not_found", 429: "rate_limit_error", 500: "server_error"}
TASK_NOT_FOUND = "Task not found or expired."


def status_and_type(exc: SongforgeError) -> tuple[int, str]:
    """The HTTP status and ``error.type`` of an error."""
    status = exc.http_status
    if isinstance(exc, (InvalidRequest, NotReady, SourceFetchFailed)):
        status = 400  # all three are "your request cannot be served as sent"
    if status in TYPES:
        return status, TYPES[status]
    return status, "server_error" if status >= 500 else "invalid_request_error"


def render_error(exc: SongforgeError) -> Response:
    """The error as this dialect sends it."""
    status, kind = status_and_type(exc)
    return json_response({"code": status, "message": exc.message,
                          "error": {"type": kind, "message": exc.message}}, status)


def success(data: object) -> Response:
    """The success envelope."""
    return json_response({"code": 200, "message": "success", "data": data})
