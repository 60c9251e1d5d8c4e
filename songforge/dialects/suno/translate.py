"""Pure functions from /suno/* wire models to the core request."""

from __future__ import annotations

from songforge.errors import InvalidRequest, PromptEmpty, TooLong
from songforge.task import catalog
from songforge.task.models import Action
from songforge.task.schemas import GenerationRequest
from songforge.dialects.suno.wire import SubmitConcat, SubmitLyrics, SubmitMusic

TASKS = ("generate", "extend", "upload_extend", "cover", "infill", "artist_consistency", "gen_stem")
DESCRIPTION_MAX = 3000
TITLE_MAX = 200
LYRICS_PROMPT_MAX = 3000


def _limit(value: str, limit: int, field: str) -> None:
    if len(value) > limit:
        raise TooLong(f"{field} exceeds maximum length of {limit} characters", field=field)


def _task_name(body: SubmitMusic) -> str:
    name = (body.task or "").strip().lower()
    if name in ("", "generate"):
        return "upload_extend" if body.mv.strip().lower() in catalog.UPLOAD_SLUGS else "generate"
    if name not in TASKS:
        raise InvalidRequest(f"task: unknown value {body.task!r}; accepted: null, {', '.join(TASKS)}", field="task")
    return name


def _require(value: object, field: str, task: str) -> None:
    if value in (None, ""):
        raise InvalidRequest(f"{field} is required for task {task!r}", field=field)


def music_request(body: SubmitMusic) -> GenerationRequest:
    """POST /suno/submit/music → core request (validation errors raise InvalidRequest)."""
    task = _task_name(body)
    model = catalog.resolve(body.mv)
    custom = body.custom_mode if body.custom_mode is not None else not body.gpt_description_prompt.strip()
    _limit(body.prompt, model.prompt_max, "prompt")
    _limit(body.tags, model.style_max, "tags")
    _limit(body.negative_tags, model.style_max, "negative_tags")
    _limit(body.gpt_description_prompt, DESCRIPTION_MAX, "gpt_description_prompt")
    _limit(body.title, TITLE_MAX, "title")
    if not custom and not body.gpt_description_prompt.strip() and task == "generate":
        raise InvalidRequest("gpt_description_prompt is required in inspiration mode",
                             field="gpt_description_prompt")
    if task == "generate" and custom and not body.make_instrumental and not body.prompt.strip():
        raise InvalidRequest("prompt (lyrics) is required in custom mode unless make_instrumental is true",
                             field="prompt")
    source = ""
    if task in ("extend", "upload_extend"):
        _require(body.continue_clip_id, "continue_clip_id", task)
        _require(body.continue_at, "continue_at", task)
        source = body.continue_clip_id
    elif task == "cover":
        _require(body.cover_clip_id or body.continue_clip_id, "cover_clip_id", task)
        source = body.cover_clip_id or body.continue_clip_id
    elif task == "infill":
        for name in ("continue_clip_id", "infill_start_s", "infill_end_s"):
            _require(getattr(body, name), name, task)
        assert body.infill_start_s is not None and body.infill_end_s is not None
        if not 0 <= body.infill_start_s < body.infill_end_s:
            raise InvalidRequest("infill_start_s must be >= 0 and below infill_end_s", field="infill_start_s")
        source = body.continue_clip_id
    elif task == "gen_stem":
        _require(body.continue_clip_id, "continue_clip_id", task)
        source = body.continue_clip_id
    elif task == "artist_consistency":
        _require(body.persona_id or body.artist_clip_id, "persona_id", task)
    if body.continue_at is not None and body.continue_at <= 0 and task in ("extend", "upload_extend"):
        raise InvalidRequest("continue_at must be greater than 0", field="continue_at")
    gender = body.vocal_gender.strip().lower()[:1] or None
    return GenerationRequest(
        action=Action.MUSIC, operation=task, custom_mode=custom,
        description=body.gpt_description_prompt.strip() if not custom else "",
        lyrics=body.prompt if custom else "", title=body.title if custom else "",
        tags=body.tags if custom else "", negative_tags=body.negative_tags, instrumental=body.make_instrumental,
        model=model.slug, model_alias=body.mv or model.slug, vocal_gender=gender if gender in ("m", "f") else None,
        style_weight=body.style_weight, weirdness=body.weirdness_constraint, audio_weight=body.audio_weight,
        persona_id=body.persona_id, artist_clip_id=body.artist_clip_id, source_clip_id=source,
        source_task_id=body.task_id, continue_at=body.continue_at, infill_start=body.infill_start_s,
        infill_end=body.infill_end_s, seed=body.seed, callback_url=body.notify_hook.strip(),
        options={"continued_aligned_prompt": body.continued_aligned_prompt} if body.continued_aligned_prompt else {})


def lyrics_request(body: SubmitLyrics) -> GenerationRequest:
    """POST /suno/submit/lyrics → core request."""
    if not body.prompt.strip():
        raise PromptEmpty("prompt is empty", field="prompt")
    _limit(body.prompt, LYRICS_PROMPT_MAX, "prompt")
    return GenerationRequest(action=Action.LYRICS, operation="lyrics", custom_mode=False,
                             description=body.prompt.strip(), n_clips=1, callback_url=body.notify_hook.strip())


def concat_request(body: SubmitConcat) -> GenerationRequest:
    """POST /suno/submit/concat → core request."""
    if not body.clip_id.strip():
        raise InvalidRequest("clip_id is required", field="clip_id")
    return GenerationRequest(action=Action.CONCAT, operation="concat", source_clip_id=body.clip_id.strip(),
                             n_clips=1, callback_url=body.notify_hook.strip(),
                             options={"is_infill": body.is_infill})
