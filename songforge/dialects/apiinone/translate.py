"""Pure functions from API in One wire models (and what they point at) to the core request."""

from __future__ import annotations

from dataclasses import dataclass

from songforge.dialects.apiinone.wire import ExtendMusic, GenerateMusic, UploadCover
from songforge.errors import InvalidRequest, TooLong
from songforge.task import catalog
from songforge.task.catalog import ModelInfo
from songforge.task.models import Action
from songforge.task.schemas import GenerationRequest

DEFAULT_MODEL = "chirp-v3-5"  # API in One's documented default; unknown names fall back to it too
DESCRIPTION_MAX = 400
TITLE_MAX = 80
COVER_MIN_S, COVER_MAX_S = 6.0, 60.0
# API in One's current spelling of a slug, for sources whose model was named in another dialect.
CURRENT_NAMES = {"chirp-v3-5": "chirp-v3-5", "chirp-v4": "chirp-v4-0", "chirp-auk": "chirp-v4-5",
                 "chirp-bluejay": "chirp-v4-5-plus", "chirp-crow": "chirp-v5", "chirp-fenix": "chirp-v5-5"}


@dataclass(frozen=True)
class SourceInfo:
    """The clip an extension or cover starts from, as far as the translation needs it."""

    clip_id: str
    duration: float | None
    title: str
    tags: str
    negative_tags: str
    lyrics: str
    instrumental: bool
    model: str  # Suno slug of the task that made it
    model_alias: str  # how that model should be echoed in this dialect


def echo_name(slug: str, alias: str, dialect: str) -> str:
    """How a source task's model is reported here: its own spelling when it came through this dialect."""
    return alias if dialect == "apiinone" and alias else CURRENT_NAMES.get(slug, slug)


def _limit(value: str, limit: int, field: str) -> None:
    if len(value) > limit:
        raise TooLong(f"{field} exceeds maximum length of {limit} characters", field=field)


def _model(name: str) -> tuple[ModelInfo, str]:
    """The model and the name to echo: the caller's spelling when we know it, else the default that runs."""
    info = catalog.resolve(name, default=DEFAULT_MODEL)
    return info, name.strip() if catalog.is_known(name) else DEFAULT_MODEL


def _custom_limits(model: ModelInfo, prompt: str, style: str, title: str) -> None:
    _limit(prompt, model.prompt_max, "prompt")
    _limit(style, model.style_max, "style")
    _limit(title, TITLE_MAX, "title")


def music_request(body: GenerateMusic) -> GenerationRequest:
    """POST /api/v1/audio/music → core request; a non-empty description means inspiration mode."""
    model, alias = _model(body.model)
    _limit(body.gpt_description_prompt, DESCRIPTION_MAX, "gpt_description_prompt")
    _limit(body.tags, model.style_max, "tags")
    description = body.gpt_description_prompt.strip()
    custom = not description
    if custom:
        _custom_limits(model, body.prompt, body.style, body.title)
        if not body.prompt.strip() and not (body.make_instrumental and body.style.strip()):
            raise InvalidRequest("gpt_description_prompt or prompt is required "
                                 "(or make_instrumental with a style)", field="prompt")
    return GenerationRequest(
        action=Action.MUSIC, operation="generate", custom_mode=custom, description="" if custom else description,
        lyrics=body.prompt if custom else "", title=body.title if custom else "",
        tags=body.style if custom else "", negative_tags=body.tags, instrumental=body.make_instrumental,
        model=model.slug, model_alias=alias, callback_url=body.callback_url.strip())


def check_extend(body: ExtendMusic) -> None:
    """The checks of an extend body that need no database (run before the origin is looked up)."""
    if not body.origin_task_id.strip():
        raise InvalidRequest("origin_task_id is required", field="origin_task_id")
    if body.extend_audio_index not in (0, 1):
        raise InvalidRequest("extend_audio_index must be 0 or 1", field="extend_audio_index")
    if body.custom_mode and not body.prompt.strip():
        raise InvalidRequest("prompt is required when custom_mode is true", field="prompt")


def extend_request(body: ExtendMusic, origin: SourceInfo) -> GenerationRequest:
    """POST /api/v1/audio/music/extend → core request continuing ``origin``."""
    check_extend(body)
    if body.custom_mode and body.model.strip():
        model, alias = _model(body.model)
    else:
        model, alias = catalog.resolve(origin.model, default=DEFAULT_MODEL), origin.model_alias
    if body.custom_mode:
        # Style and title stay the song's own unless the caller replaces them.
        lyrics, style, title = body.prompt, body.style or origin.tags, body.title or origin.title
        _custom_limits(model, lyrics, style, title)
    else:
        lyrics, style, title = origin.lyrics, origin.tags, origin.title
    _limit(body.tags, model.style_max, "tags")
    start = body.extension_start_time
    if start is not None and (start <= 0 or (origin.duration and start >= origin.duration)):
        raise InvalidRequest(f"extensionStartTime must be greater than 0 and less than the clip's duration "
                             f"({origin.duration or 0:.2f} s)", field="extensionStartTime")
    # continue_at None = "from the end of the clip" (the documented default of extensionStartTime).
    return GenerationRequest(
        action=Action.MUSIC, operation="extend", custom_mode=True, lyrics=lyrics, title=title, tags=style,
        negative_tags=body.tags or origin.negative_tags, instrumental=origin.instrumental, model=model.slug,
        model_alias=alias, source_clip_id=origin.clip_id, continue_at=start, callback_url=body.callback_url.strip())


def check_cover(body: UploadCover) -> None:
    """The checks of an upload-cover body that need no database."""
    if not body.audio_id.strip():
        raise InvalidRequest("audio_id is required", field="audio_id")
    if body.custom_mode and not body.prompt.strip():
        raise InvalidRequest("prompt is required when custom_mode is true", field="prompt")


def cover_request(body: UploadCover, source: SourceInfo) -> GenerationRequest:
    """POST /api/v1/audio/music/upload-cover/generate → core request re-making ``source`` (6–60 s long)."""
    duration = source.duration or 0.0
    if not COVER_MIN_S <= duration <= COVER_MAX_S:
        raise InvalidRequest(f"audio_id: the audio must be {COVER_MIN_S:.0f}–{COVER_MAX_S:.0f} s long "
                             f"(it is {duration:.2f} s)", field="audio_id")
    model, alias = _model(body.model)
    _limit(body.tags, model.style_max, "tags")
    check_cover(body)
    if body.custom_mode:
        _custom_limits(model, body.prompt, body.style, body.title)
    else:
        _limit(body.prompt, DESCRIPTION_MAX, "prompt")
    custom = body.custom_mode
    return GenerationRequest(
        action=Action.MUSIC, operation="upload_cover", custom_mode=custom,
        description="" if custom else body.prompt.strip(), lyrics=body.prompt if custom else "",
        title=body.title if custom else "", tags=body.style if custom else "", negative_tags=body.tags,
        instrumental=body.make_instrumental, model=model.slug, model_alias=alias, source_clip_id=source.clip_id,
        callback_url=body.callback_url.strip())
