"""Request bodies of the KIE dialect: camelCase names exactly as clients send them (lenient on input)."""

from __future__ import annotations


from pydantic import AliasChoices, ConfigDict, Field
from pydantic.alias_generators import to_camel

from songforge.dialects.common import LenientModel

# callBackUrl as documented, the typo of one vendor page, and the other dialects' spellings.
CALLBACK = Field("", validation_alias=AliasChoices("callBackUrl", "calBackUrl", "callbackUrl", "callback_url",
                                                     "notify_hook"))


class Lenient(LenientModel):
    """camelCase aliases on top of the shared lenient rules."""

    model_config = ConfigDict(alias_generator=to_camel)


class Tuning(Lenient):
    """Optional tuning shared by the music routes (spec §4)."""

    negative_tags: str = ""
    vocal_gender: str = ""
    style_weight: float | None = None
    weirdness_constraint: float | None = None
    audio_weight: float | None = None
    persona_id: str = ""
    persona_model: str = ""


class Generate(Tuning):
    """POST /api/v1/generate."""

    custom_mode: bool | None = None
    instrumental: bool | None = None
    model: str = ""
    prompt: str = ""
    style: str = ""
    title: str = ""
    duration: float | None = None
    call_back_url: str = CALLBACK


class UploadCover(Generate):
    """POST /api/v1/generate/upload-cover."""

    upload_url: str = ""


class Extend(Tuning):
    """POST /api/v1/generate/extend."""

    default_param_flag: bool | None = None
    audio_id: str = ""
    model: str = ""
    prompt: str = ""
    style: str = ""
    title: str = ""
    instrumental: bool | None = None
    continue_at: float | None = None
    call_back_url: str = CALLBACK


class UploadExtend(Extend):
    """POST /api/v1/generate/upload-extend."""

    upload_url: str = ""


class AddInstrumental(Tuning):
    """POST /api/v1/generate/add-instrumental (style is ``tags`` here)."""

    upload_url: str = ""
    title: str = ""
    tags: str = ""
    model: str = ""
    call_back_url: str = CALLBACK


class AddVocals(Tuning):
    """POST /api/v1/generate/add-vocals (style is ``style`` here)."""

    upload_url: str = ""
    prompt: str = ""
    title: str = ""
    style: str = ""
    model: str = ""
    call_back_url: str = CALLBACK


class ReplaceSection(Lenient):
    """POST /api/v1/generate/replace-section (style is ``tags`` here)."""

    task_id: str = ""
    audio_id: str = ""
    prompt: str = ""
    tags: str = ""
    title: str = ""
    negative_tags: str = ""
    full_lyrics: str = ""
    infill_start_s: float | None = None
    infill_end_s: float | None = None
    call_back_url: str = CALLBACK


class Mashup(Tuning):
    """POST /api/v1/generate/mashup."""

    upload_url_list: list[str] = Field(default_factory=list)
    custom_mode: bool | None = None
    instrumental: bool | None = None
    model: str = ""
    prompt: str = ""
    style: str = ""
    title: str = ""
    call_back_url: str = CALLBACK


class Lyrics(Lenient):
    """POST /api/v1/lyrics."""

    prompt: str = ""
    call_back_url: str = CALLBACK


class Derivative(Lenient):
    """POST /api/v1/{wav,vocal-removal,midi,mp4}/generate and /api/v1/suno/cover/generate."""

    task_id: str = ""
    audio_id: str = ""
    type: str = ""
    author: str = ""
    domain_name: str = ""
    call_back_url: str = CALLBACK


class TimestampedLyrics(Lenient):
    """POST /api/v1/generate/get-timestamped-lyrics."""

    task_id: str = ""
    audio_id: str = ""
    music_index: int | None = None


class StyleBoost(Lenient):
    """POST /api/v1/style/generate."""

    content: str = ""


class PersonaBody(Lenient):
    """POST /api/v1/generate/generate-persona (the vendor schema has a leading space in two keys)."""

    task_id: str = ""
    audio_id: str = ""
    name: str = ""
    description: str = ""
    style: str = ""
    vocal_start: float | None = Field(None, validation_alias=AliasChoices("vocalStart", " vocalStart"))
    vocal_end: float | None = Field(None, validation_alias=AliasChoices("vocalEnd", " vocalEnd"))


class DownloadUrl(Lenient):
    """POST /api/v1/common/download-url."""

    url: str = ""


class Base64Upload(Lenient):
    """POST /api/file-base64-upload."""

    base64_data: str = ""
    upload_path: str = ""
    file_name: str = ""


class UrlUpload(Lenient):
    """POST /api/file-url-upload."""

    file_url: str = ""
    upload_path: str = ""
    file_name: str = ""
