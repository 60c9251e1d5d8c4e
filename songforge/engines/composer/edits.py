"""Jobs for edits of a source clip: extend, cover, add vocals/instrumental, replace a section."""

from __future__ import annotations

from songforge.engines.base import EngineRequest, InvalidEngineInput
from songforge.engines.composer.clip import ClipJob


def edit_jobs(request: EngineRequest, base: list[ClipJob]) -> list[ClipJob]:
    """Turn the per-clip base jobs into edit jobs for the request's kind."""
    if request.source is None:
        raise InvalidEngineInput(f"{request.kind} needs a source clip")
    raise InvalidEngineInput(f"{request.kind} is not implemented yet")
