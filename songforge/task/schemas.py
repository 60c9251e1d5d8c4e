"""The core request every dialect translates into: dialect-neutral names, already validated."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from songforge.task.models import Action


class GenerationRequest(BaseModel):
    """What to make. Dialects build this with pure functions from their wire models."""

    action: Action = Action.MUSIC
    operation: str = "generate"  # generate extend upload_extend cover upload_cover add_vocals add_instrumental
    #                              replace_section artist_consistency gen_stem concat mashup lyrics ...
    custom_mode: bool = True
    description: str = ""
    lyrics: str = ""
    title: str = ""
    tags: str = ""
    negative_tags: str = ""
    instrumental: bool = False
    model: str = "chirp-v4"  # Suno slug
    model_alias: str = ""  # as the caller spelled it
    vocal_gender: str | None = None
    style_weight: float | None = None
    weirdness: float | None = None
    audio_weight: float | None = None
    persona_id: str = ""
    artist_clip_id: str = ""
    source_clip_id: str = ""  # clip to extend / cover / edit / derive from
    source_task_id: str = ""  # optional: the task that made the source (checked when given)
    source_url: str = ""  # audio URL the worker turns into the source clip first (KIE uploadUrl)
    continue_at: float | None = None
    infill_start: float | None = None
    infill_end: float | None = None
    duration: float | None = None
    seed: int | None = None
    n_clips: int = 2
    callback_url: str = ""
    options: dict[str, Any] = Field(default_factory=dict)


# Suno slug -> major_model_version, as the Suno dialect reports it.
MAJOR_VERSION = {
    "chirp-v3-0": "v3", "chirp-v3-5": "v3.5", "chirp-v4": "v4", "chirp-auk": "v4.5", "chirp-auk-turbo": "v4.5",
    "chirp-bluejay": "v4.5+", "chirp-crow": "v5", "chirp-fenix": "v5.5", "chirp-hawk": "v6",
    "chirp-hawk-wild": "v6", "chirp-goose": "v6",
}
