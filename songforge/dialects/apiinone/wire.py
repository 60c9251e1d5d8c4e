"""Request bodies and query names of the API in One dialect, exactly as its clients send them (lenient on input)."""

from __future__ import annotations


from pydantic import AliasChoices, BaseModel, Field

from songforge.dialects.common import LenientModel

# Every dialect accepts the three callback keys (spec README §3).
CALLBACK_KEYS = AliasChoices("callback_url", "callBackUrl", "notify_hook")


Lenient = LenientModel


class GenerateMusic(Lenient):
    """POST /api/v1/audio/music."""

    model: str = ""
    make_instrumental: bool = False
    callback_url: str = Field("", validation_alias=CALLBACK_KEYS)
    gpt_description_prompt: str = ""
    prompt: str = ""
    style: str = ""
    title: str = ""
    tags: str = ""  # negative tags on this route


class ExtendMusic(Lenient):
    """POST /api/v1/audio/music/extend."""

    origin_task_id: str = ""
    extend_audio_index: int | None = None
    custom_mode: bool = False
    callback_url: str = Field("", validation_alias=CALLBACK_KEYS)
    prompt: str = ""
    style: str = ""
    title: str = ""
    tags: str = ""
    model: str = ""  # not documented on extend; honoured when given
    extension_start_time: float | None = Field(
        None, validation_alias=AliasChoices("extensionStartTime", "extension_start_time"))


class UploadCover(Lenient):
    """POST /api/v1/audio/music/upload-cover/generate."""

    audio_id: str = ""
    custom_mode: bool = False
    prompt: str = ""
    style: str = ""
    title: str = ""
    tags: str = ""
    model: str = ""  # not documented on upload-cover; honoured when given
    make_instrumental: bool = False
    callback_url: str = Field("", validation_alias=CALLBACK_KEYS)


class UploadAudio(Lenient):
    """POST /api/v1/audio/upload (our extension) with a JSON body."""

    audio_url: str = Field("", validation_alias=AliasChoices("audio_url", "url", "audioUrl"))


class TaskQuery(Lenient):
    """?task_id= on the poll routes (older docs: ?workId=)."""

    task_id: str = Field("", validation_alias=AliasChoices("task_id", "workId", "taskId"))


UPLOAD_FILE_FIELD = "file"  # multipart field name of POST /api/v1/audio/upload


def known_fields(model: type[BaseModel]) -> frozenset[str]:
    """Every body key ``model`` reads (field names and their aliases): what the feed echoes in request_body."""
    names: set[str] = set()
    for name, field in model.model_fields.items():
        names.add(name)
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names.update(str(choice) for choice in alias.choices)
        elif isinstance(alias, str):
            names.add(alias)
    return frozenset(names)
