"""Pure functions from KIE wire models to the core request, with every documented validation rule."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from songforge.dialects.kie import wire
from songforge.errors import InvalidRequest, TooLong
from songforge.task import catalog
from songforge.task.catalog import ModelInfo
from songforge.task.models import Action
from songforge.task.schemas import GenerationRequest

DOCUMENTED_MODELS = ("V3_5", "V4", "V4_5", "V4_5PLUS", "V4_5ALL", "V5", "V5_5")
ADD_MODELS = ("V4_5PLUS", "V5", "V5_5")  # add-instrumental / add-vocals
VOICE_PERSONA_MODELS = ("V5", "V5_5")
DESCRIPTION_MAX = 500  # non-custom prompt
LYRICS_WORDS_MAX = 200
REPLACE_MIN, REPLACE_MAX = 6.0, 60.0
MISSING_CALLBACK = "Please enter callBackUrl."  # the vendors' exact text


def require(value: object, field: str, why: str = "") -> None:
    """InvalidRequest naming ``field`` when ``value`` is empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InvalidRequest(f"{field} is required{why}", field=field)


def limit(value: str, maximum: int, field: str) -> None:
    """TooLong when ``value`` has more than ``maximum`` code points."""
    if len(value) > maximum:
        raise TooLong(f"{field} exceeds maximum length of {maximum} characters", field=field)


def callback(url: str, strict: bool) -> str:
    """The callback URL; missing → 422 only in strict mode (lenient default: no callback)."""
    url = url.strip()
    if not url and strict:
        raise InvalidRequest(MISSING_CALLBACK, field="callBackUrl")
    return url


def http_url(url: str, field: str) -> str:
    """A required http(s) URL."""
    require(url, field)
    if urlparse(url.strip()).scheme not in ("http", "https"):
        raise InvalidRequest(f"{field} must be an http(s) URL", field=field)
    return url.strip()


def model_for(name: str, *, allowed: tuple[str, ...] = DOCUMENTED_MODELS, extra: frozenset[str] = frozenset(),
              default: str = "V4") -> ModelInfo:
    """The KIE enum value → model; values outside the enum (plus routed extras such as V6) → 422."""
    value = name.strip() or default
    if value not in allowed and value not in extra:
        accepted = ", ".join(allowed + tuple(sorted(extra)))
        raise InvalidRequest(f"model: invalid value {value!r}; accepted: {accepted}", field="model")
    return catalog.BY_KIE[value]


def _slider(value: float | None, field: str) -> float | None:
    if value is None:
        return None
    if not 0.0 <= value <= 1.0:
        raise InvalidRequest(f"{field} must be between 0 and 1", field=field)
    return round(value, 2)  # the vendor wants multiples of 0.01; rounding is kinder than rejecting


def tuning(body: wire.Tuning, model: ModelInfo, custom: bool) -> dict[str, Any]:
    """Core fields of the shared tuning options (spec §4); persona and gender only count in custom mode."""
    gender = body.vocal_gender.strip().lower()
    gender = {"male": "m", "female": "f"}.get(gender, gender)
    if gender not in ("", "m", "f"):
        raise InvalidRequest("vocalGender: invalid value; accepted: m, f", field="vocalGender")
    persona_model = body.persona_model.strip() or "style_persona"
    if persona_model not in ("style_persona", "voice_persona"):
        raise InvalidRequest("personaModel: invalid value; accepted: style_persona, voice_persona",
                             field="personaModel")
    if persona_model == "voice_persona" and body.persona_id and model.kie not in VOICE_PERSONA_MODELS:
        raise InvalidRequest("voice_persona requires model V5 or V5_5", field="personaModel")
    limit(body.negative_tags, model.style_max, "negativeTags")
    options = {"persona_model": persona_model} if custom and body.persona_id else {}
    return {"negative_tags": body.negative_tags.strip(), "vocal_gender": (gender or None) if custom else None,
            "style_weight": _slider(body.style_weight, "styleWeight"),
            "weirdness": _slider(body.weirdness_constraint, "weirdnessConstraint"),
            "audio_weight": _slider(body.audio_weight, "audioWeight"),
            "persona_id": body.persona_id.strip() if custom else "", "options": options}


def _text_fields(custom: bool, instrumental: bool, prompt: str, style: str, title: str,
                 model: ModelInfo) -> dict[str, Any]:
    """Mode first, then assignment: custom prompt = lyrics, non-custom prompt = description."""
    if not custom:
        require(prompt, "prompt", " in non-custom mode")
        limit(prompt, DESCRIPTION_MAX, "prompt")
        return {"custom_mode": False, "description": prompt.strip()}
    require(style, "style", " in custom mode")
    require(title, "title", " in custom mode")
    if not instrumental:
        require(prompt, "prompt", " in custom mode unless instrumental is true")
    limit(prompt, model.prompt_max, "prompt")
    limit(style, model.style_max, "style")
    limit(title, model.kie_title_max, "title")
    return {"custom_mode": True, "lyrics": "" if instrumental else prompt, "tags": style.strip(),
            "title": title.strip()}


def _custom_flag(value: bool | None, body: wire.Generate | wire.Mashup) -> bool:
    # customMode is required by the vendors; without it we infer: style or title given means custom.
    return value if value is not None else bool(body.style.strip() or body.title.strip())


def _duration(value: float | None, model: ModelInfo, custom: bool) -> float | None:
    if value is None:
        return None
    if model.kie != "V5_5" or not custom:
        raise InvalidRequest("duration is only supported with model V5_5 in custom mode", field="duration")
    if not 10 <= value <= 360:
        raise InvalidRequest("duration must be between 10 and 360 seconds", field="duration")
    return value


def _request(operation: str, model: ModelInfo, alias: str, instrumental: bool, cb: str,
             fields: dict[str, Any], tune: dict[str, Any], **extra: Any) -> GenerationRequest:
    options = {**tune.pop("options"), **fields.pop("options", {}), **extra.pop("options", {})}
    return GenerationRequest(action=Action.MUSIC, operation=operation, model=model.slug, model_alias=alias,
                             instrumental=instrumental, callback_url=cb, options=options,
                             **fields, **tune, **extra)


def generate_request(body: wire.Generate, *, strict: bool, extra: frozenset[str] = frozenset(),
                     operation: str = "generate", source_url: str = "") -> GenerationRequest:
    """POST /api/v1/generate (and upload-cover with ``source_url``)."""
    cb = callback(body.call_back_url, strict)
    model = model_for(body.model, extra=extra)
    custom = _custom_flag(body.custom_mode, body)
    instrumental = bool(body.instrumental)
    fields = _text_fields(custom, instrumental, body.prompt, body.style, body.title, model)
    return _request(operation, model, model.kie, instrumental, cb, fields, tuning(body, model, custom),
                    duration=_duration(body.duration, model, custom), source_url=source_url)


def upload_cover_request(body: wire.UploadCover, *, strict: bool,
                         extra: frozenset[str] = frozenset()) -> GenerationRequest:
    """POST /api/v1/generate/upload-cover."""
    url = http_url(body.upload_url, "uploadUrl")
    return generate_request(body, strict=strict, extra=extra, operation="upload_cover", source_url=url)


def _continue_at(value: float | None, needed: bool) -> float | None:
    if needed:
        require(value, "continueAt", " when defaultParamFlag is true")
    if value is not None and value <= 0:
        raise InvalidRequest("continueAt must be greater than 0", field="continueAt")
    return value


def _extend_fields(body: wire.Extend, model: ModelInfo) -> dict[str, Any]:
    instrumental = bool(body.instrumental)
    if not body.default_param_flag:  # inherit title, style and lyrics from the source clip
        return {"custom_mode": True, "options": {"inherit_params": True}}
    fields = _text_fields(True, instrumental, body.prompt, body.style, body.title, model)
    return fields


def extend_request(body: wire.Extend, *, strict: bool, extra: frozenset[str] = frozenset()) -> GenerationRequest:
    """POST /api/v1/generate/extend: continue one of our clips (``audioId``)."""
    cb = callback(body.call_back_url, strict)
    require(body.audio_id, "audioId")
    model = model_for(body.model, extra=extra)
    fields = _extend_fields(body, model)
    at = _continue_at(body.continue_at, bool(body.default_param_flag))
    return _request("extend", model, model.kie, bool(body.instrumental), cb, fields,
                    tuning(body, model, True), source_clip_id=body.audio_id.strip(), continue_at=at)


def upload_extend_request(body: wire.UploadExtend, *, strict: bool,
                          extra: frozenset[str] = frozenset()) -> GenerationRequest:
    """POST /api/v1/generate/upload-extend: continue uploaded audio (``uploadUrl``)."""
    cb = callback(body.call_back_url, strict)
    url = http_url(body.upload_url, "uploadUrl")
    model = model_for(body.model, extra=extra)
    fields = _extend_fields(body, model)
    at = _continue_at(body.continue_at, bool(body.default_param_flag))
    return _request("upload_extend", model, model.kie, bool(body.instrumental), cb, fields,
                    tuning(body, model, True), source_url=url, continue_at=at)


def add_instrumental_request(body: wire.AddInstrumental, *, strict: bool) -> GenerationRequest:
    """POST /api/v1/generate/add-instrumental: backing music for an uploaded vocal track."""
    cb = callback(body.call_back_url, strict)
    url = http_url(body.upload_url, "uploadUrl")
    model = model_for(body.model, allowed=ADD_MODELS, default="V4_5PLUS")
    require(body.title, "title")
    require(body.tags, "tags")
    limit(body.title, model.kie_title_max, "title")
    limit(body.tags, model.style_max, "tags")
    fields = {"custom_mode": True, "title": body.title.strip(), "tags": body.tags.strip()}
    return _request("add_instrumental", model, model.kie, False, cb, fields, tuning(body, model, True),
                    source_url=url)


def add_vocals_request(body: wire.AddVocals, *, strict: bool) -> GenerationRequest:
    """POST /api/v1/generate/add-vocals: vocals over an uploaded instrumental."""
    cb = callback(body.call_back_url, strict)
    url = http_url(body.upload_url, "uploadUrl")
    model = model_for(body.model, allowed=ADD_MODELS, default="V4_5PLUS")
    fields = _text_fields(True, False, body.prompt, body.style, body.title, model)
    return _request("add_vocals", model, model.kie, False, cb, fields, tuning(body, model, True),
                    source_url=url)


def replace_section_request(body: wire.ReplaceSection, model: ModelInfo) -> GenerationRequest:
    """POST /api/v1/generate/replace-section (callBackUrl optional here even in strict mode).

    ``model`` is the parent task's; the window against the song length is checked by the route.
    """
    for value, field in ((body.task_id, "taskId"), (body.audio_id, "audioId"), (body.prompt, "prompt"),
                         (body.tags, "tags"), (body.title, "title"), (body.infill_start_s, "infillStartS"),
                         (body.infill_end_s, "infillEndS")):
        require(value, field)
    start, end = round(body.infill_start_s or 0.0, 2), round(body.infill_end_s or 0.0, 2)
    if start < 0 or start >= end:
        raise InvalidRequest("infillStartS must be >= 0 and less than infillEndS", field="infillStartS")
    if not REPLACE_MIN <= end - start <= REPLACE_MAX:
        raise InvalidRequest("the replaced section must be between 6 and 60 seconds long", field="infillEndS")
    limit(body.prompt, model.prompt_max, "prompt")
    limit(body.tags, model.style_max, "tags")
    limit(body.title, model.kie_title_max, "title")
    limit(body.negative_tags, model.style_max, "negativeTags")
    options = {"full_lyrics": body.full_lyrics} if body.full_lyrics.strip() else {}
    return GenerationRequest(
        action=Action.MUSIC, operation="replace_section", custom_mode=True, lyrics=body.prompt,
        tags=body.tags.strip(), title=body.title.strip(), negative_tags=body.negative_tags.strip(),
        model=model.slug, model_alias=model.kie, source_clip_id=body.audio_id.strip(),
        source_task_id=body.task_id.strip(), infill_start=start, infill_end=end,
        callback_url=body.call_back_url.strip(), options=options)


def mashup_request(body: wire.Mashup, *, strict: bool, extra: frozenset[str] = frozenset()) -> GenerationRequest:
    """POST /api/v1/generate/mashup: two uploaded tracks blended (the first one is the source)."""
    cb = callback(body.call_back_url, strict)
    if len(body.upload_url_list) != 2:
        raise InvalidRequest("uploadUrlList must contain exactly 2 URLs", field="uploadUrlList")
    urls = [http_url(u, "uploadUrlList") for u in body.upload_url_list]
    model = model_for(body.model, extra=extra)
    custom = _custom_flag(body.custom_mode, body)
    instrumental = bool(body.instrumental)
    if custom:
        fields = _text_fields(True, True, body.prompt, body.style, body.title, model)
        fields["lyrics"] = "" if instrumental else body.prompt
    else:
        limit(body.prompt, DESCRIPTION_MAX, "prompt")
        fields = {"custom_mode": False, "description": body.prompt.strip()}
    return _request("mashup", model, model.kie, instrumental, cb, fields, tuning(body, model, custom),
                    source_url=urls[0], options={"mashup_urls": urls})


def lyrics_request(body: wire.Lyrics, *, strict: bool) -> GenerationRequest:
    """POST /api/v1/lyrics: two lyric variants from a description."""
    cb = callback(body.call_back_url, strict)
    require(body.prompt, "prompt")
    if len(body.prompt.split()) > LYRICS_WORDS_MAX:
        raise TooLong(f"prompt exceeds maximum length of {LYRICS_WORDS_MAX} words", field="prompt")
    return GenerationRequest(action=Action.LYRICS, operation="lyrics", custom_mode=False,
                             description=body.prompt.strip(), n_clips=2, callback_url=cb)
