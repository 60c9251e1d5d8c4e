"""Request bodies of the /suno/* dialect, field names exactly as clients send them (lenient on input)."""

from __future__ import annotations


from pydantic import AliasChoices, Field

from songforge.dialects.common import LenientModel


Lenient = LenientModel


class SubmitMusic(Lenient):
    """POST /suno/submit/music."""

    gpt_description_prompt: str = ""
    prompt: str = ""
    tags: str = ""
    negative_tags: str = ""
    title: str = ""
    mv: str = Field("", validation_alias=AliasChoices("mv", "model"))
    make_instrumental: bool = Field(False, validation_alias=AliasChoices("make_instrumental", "instrumental"))
    task: str = ""
    generation_type: str = "TEXT"
    continue_clip_id: str = ""
    continue_at: float | None = None
    task_id: str = ""
    cover_clip_id: str = ""
    infill_start_s: float | None = None
    infill_end_s: float | None = None
    continued_aligned_prompt: str = ""
    persona_id: str = ""
    artist_clip_id: str = ""
    stem_task: str = "two"
    stem_type_group_name: str = "Two"
    stem_type_id: int = 91
    vocal_gender: str = ""
    style_weight: float | None = None
    weirdness_constraint: float | None = None
    audio_weight: float | None = None
    custom_mode: bool | None = None
    seed: int | None = None
    notify_hook: str = Field("", validation_alias=AliasChoices("notify_hook", "callback_url", "callBackUrl"))


class SubmitLyrics(Lenient):
    """POST /suno/submit/lyrics."""

    prompt: str = ""
    notify_hook: str = Field("", validation_alias=AliasChoices("notify_hook", "callback_url", "callBackUrl"))


class SubmitConcat(Lenient):
    """POST /suno/submit/concat."""

    clip_id: str = ""
    is_infill: bool = False
    notify_hook: str = Field("", validation_alias=AliasChoices("notify_hook", "callback_url", "callBackUrl"))


class FetchMany(Lenient):
    """POST /suno/fetch."""

    ids: list[str] = Field(default_factory=list, max_length=100)
    action: str = ""


class AudioUrl(Lenient):
    """POST /suno/uploads/audio-url."""

    url: str = ""


class UploadStart(Lenient):
    """POST /suno/uploads/audio."""

    extension: str = "mp3"
    url: str = ""
    name: str = ""


class UploadFinish(Lenient):
    """POST /suno/uploads/audio/{id}/upload-finish."""

    upload_type: str = "file_upload"
    upload_filename: str = ""


class Tags(Lenient):
    """POST /suno/act/tags."""

    original_tags: str = ""
