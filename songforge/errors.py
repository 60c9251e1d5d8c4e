"""The error tree of songforge; every error has a stable snake_case ``code``.

    SongforgeError
    ├── InvalidRequest              bad input (field named in ``field``)
    │   ├── UnknownAction
    │   ├── PromptEmpty
    │   └── TooLong
    ├── Unauthorized                missing or unknown API key
    ├── InsufficientCredits
    ├── RateLimited
    ├── NotFound                    unknown id, or another key's object
    │   └── TaskNotFound
    ├── Conflict                    the record already exists
    ├── NotReady                    the object exists but is not finished yet
    ├── CallbackRefused             callback URL not http(s) or pointing at a forbidden network
    ├── SourceFetchFailed           a URL we had to download could not be fetched
    └── EngineUnavailable           no engine can take the job

Dialects render these in their own envelopes; engines raise ``songforge.engines.base.EngineError``.
"""

from __future__ import annotations

from typing import Any


class SongforgeError(Exception):
    """Base of every songforge error."""

    code = "internal_error"
    http_status = 500

    def __init__(self, message: str = "", *, field: str | None = None, data: Any = None) -> None:
        super().__init__(message or self.code)
        self.message = message or self.code
        self.field = field
        self.data = data


class InvalidRequest(SongforgeError):
    """The request is malformed or fails validation."""

    code = "invalid_request"
    http_status = 400


class UnknownAction(InvalidRequest):
    """The action segment is not one we know."""

    code = "invalid_action"


class PromptEmpty(InvalidRequest):
    """A prompt is required and was empty."""

    code = "prompt_empty"


class TooLong(InvalidRequest):
    """A text field exceeds its limit."""

    code = "too_long"


class Unauthorized(SongforgeError):
    """No key, or a key we do not know."""

    code = "unauthorized"
    http_status = 401


class InsufficientCredits(SongforgeError):
    """The key has not enough credits for the task."""

    code = "quota_not_enough"
    http_status = 402


class RateLimited(SongforgeError):
    """The key submitted too many tasks too quickly."""

    code = "rate_limited"
    http_status = 429


class NotFound(SongforgeError):
    """An id that does not exist, or belongs to another key."""

    code = "not_found"
    http_status = 404


class TaskNotFound(NotFound):
    """A task or clip id that does not exist for this key."""

    code = "task_not_exist"


class Conflict(SongforgeError):
    """The record already exists."""

    code = "conflict"
    http_status = 409


class NotReady(SongforgeError):
    """The object exists but is not finished yet."""

    code = "not_ready"
    http_status = 400


class CallbackRefused(InvalidRequest):
    """The callback URL is not allowed."""

    code = "callback_refused"


class SourceFetchFailed(SongforgeError):
    """A source URL could not be downloaded."""

    code = "source_fetch_failed"
    http_status = 400


class EngineUnavailable(SongforgeError):
    """No engine can take the job."""

    code = "engine_unavailable"
    http_status = 503
