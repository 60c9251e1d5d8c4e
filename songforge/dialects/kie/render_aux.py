"""Lyrics and derivative tasks (WAV, stems, MIDI, MP4, cover image) as KIE details and callback bodies."""

from __future__ import annotations

import uuid
from typing import Any

from songforge.clock import epoch_ms, iso_ms, plain
from songforge.dialects.kie.render import failure_status, param_string
from songforge.task.models import Task, TaskStatus
from songforge.task.view import RenderContext

# Stem group names (core result) → the vendor's key stem; record-info adds "Url", callbacks "_url" in snake case.
STEM_KEYS = {"Vocals": ("vocalUrl", "vocal_url"), "Instrumental": ("instrumentalUrl", "instrumental_url"),
             "Backing Vocals": ("backingVocalsUrl", "backing_vocals_url"), "Drums": ("drumsUrl", "drums_url"),
             "Bass": ("bassUrl", "bass_url"), "Guitar": ("guitarUrl", "guitar_url"), "Piano": ("pianoUrl", ""),
             "Keyboard": ("keyboardUrl", "keyboard_url"), "Percussion": ("percussionUrl", "percussion_url"),
             "Strings": ("stringsUrl", "strings_url"), "Synth": ("synthUrl", "synth_url"), "FX": ("fxUrl", "fx_url"),
             "Brass": ("brassUrl", "brass_url"), "Woodwinds": ("woodwindsUrl", "woodwinds_url")}
SEPARATE_CALLBACK_KEYS = ("instrumental_url", "vocal_url")
SPLIT_CALLBACK_KEYS = ("vocal_url", "backing_vocals_url", "drums_url", "bass_url", "guitar_url", "keyboard_url",
                       "percussion_url", "strings_url", "synth_url", "fx_url", "brass_url", "woodwinds_url")
STEM_NAMESPACE = uuid.UUID("5b0c1d0e-6a51-4c55-9f0b-6b1e0c2b7a11")


def done(task: Task) -> bool:
    """True once the task succeeded."""
    return task.status == TaskStatus.COMPLETE


def failed(task: Task) -> bool:
    """True once the task failed."""
    return task.status == TaskStatus.FAILED


def aux_error_code(task: Task) -> int | None:
    """400 bad input, 451 download, 500 other; None unless failed."""
    if not failed(task):
        return None
    if task.error_code in ("invalid_input", "content_policy"):
        return 400
    if task.error_code in ("source_fetch_failed", "source_missing", "download_failed"):
        return 451
    return 500


def flag(task: Task, generation_failed: str) -> str:
    """String successFlag (WAV, stems, MP4)."""
    if failed(task):
        return failure_status(task, generation_failed).replace("SENSITIVE_WORD_ERROR", generation_failed)
    return "SUCCESS" if done(task) else "PENDING"


def _common(task: Task, times: Any) -> dict[str, Any]:
    return {"taskId": task.id, "callbackUrl": task.callback_url, "createTime": times(task.created_at),
            "completeTime": times(task.finished_at) if task.finished_at else None,
            "errorCode": aux_error_code(task), "errorMessage": task.error_message if failed(task) else None}


def _opt(task: Task, name: str, default: Any = None) -> Any:
    return (task.params.get("options") or {}).get(name, default)


# ----- lyrics ---------------------------------------------------------------------------------------------
def lyrics_items(task: Task) -> list[dict[str, Any]]:
    """The two lyric variants."""
    return [{"text": v.get("text", ""), "title": v.get("title", ""), "status": "complete", "errorMessage": ""}
            for v in (task.result or {}).get("lyrics") or []]


def lyrics_info(task: Task) -> dict[str, Any]:
    """``data`` of GET /api/v1/lyrics/record-info."""
    if failed(task):
        status = failure_status(task, "GENERATE_LYRICS_FAILED")
        response: dict[str, Any] | None = {"taskId": task.id, "data": []}
    else:
        status = "SUCCESS" if done(task) else "PENDING"
        response = {"taskId": task.id, "data": lyrics_items(task)} if done(task) else None
    return {"taskId": task.id, "param": param_string(task), "response": response, "status": status,
            "type": "LYRICS", "errorCode": (400 if task.error_code == "invalid_input" else 500) if failed(task)
            else None, "errorMessage": task.error_message if failed(task) else None}


def lyrics_callback(task: Task, event: str) -> dict[str, Any] | None:
    """Lyrics callback (``taskId`` camelCase; complete or error only)."""
    if event == "complete":
        return {"code": 200, "msg": "All generated successfully.",
                "data": {"callbackType": "complete", "taskId": task.id, "data": lyrics_items(task)}}
    if event == "error":
        return {"code": lyrics_info(task)["errorCode"], "msg": task.error_message or "Lyrics generation failed",
                "data": {"callbackType": "error", "taskId": task.id, "data": None}}
    return None


# ----- WAV ------------------------------------------------------------------------------------------------
def wav_url(task: Task, ctx: RenderContext) -> str | None:
    """The WAV file URL once done."""
    key = (task.result or {}).get("wav_key")
    return ctx.file_url(key) if done(task) and key else None


def wav_info(task: Task, ctx: RenderContext) -> dict[str, Any]:
    """``data`` of GET /api/v1/wav/record-info (times as plain strings)."""
    return {**_common(task, plain), "musicId": task.parent_id, "response": {"audioWavUrl": wav_url(task, ctx)},
            "successFlag": flag(task, "GENERATE_WAV_FAILED")}


def wav_callback(task: Task, event: str, ctx: RenderContext) -> dict[str, Any] | None:
    """WAV callback (``data.task_id``, no callbackType)."""
    if event == "complete":
        return {"code": 200, "msg": "success", "data": {"audioWavUrl": wav_url(task, ctx), "task_id": task.id}}
    if event == "error":
        return {"code": aux_error_code(task), "msg": task.error_message or "WAV generation failed",
                "data": {"audioWavUrl": None, "task_id": task.id}}
    return None


# ----- vocal removal / stems ------------------------------------------------------------------------------
def stem_audio_id(task_id: str, name: str) -> str:
    """The stable audioId of one stem of a stems task (what MIDI generation accepts)."""
    return str(uuid.uuid5(STEM_NAMESPACE, f"{task_id}:{name}"))


def stems_response(task: Task, ctx: RenderContext) -> dict[str, Any] | None:
    """record-info ``response`` of a stems task (camelCase), unused keys null; None until done."""
    if not done(task):
        return None
    result = task.result or {}
    stems: dict[str, str] = result.get("stems") or {}
    separate = result.get("type", "separate_vocal") == "separate_vocal"
    out: dict[str, Any] = {"id": task.id, "originUrl": ctx.file_url(result.get("origin_key")) or None}
    out["originData"] = [{"duration": _opt(task, "source_duration", 0), "audio_url": ctx.file_url(key),
                          "stem_type_group_name": name, "id": stem_audio_id(task.id, name)}
                         for name, key in stems.items()]
    for name, (camel, _snake) in STEM_KEYS.items():
        key = stems.get(name)
        out[camel] = ctx.file_url(key) if key and (name != "Instrumental" or separate) else None
    return out


def stems_info(task: Task, ctx: RenderContext) -> dict[str, Any]:
    """``data`` of GET /api/v1/vocal-removal/record-info (times epoch ms)."""
    return {**_common(task, epoch_ms), "musicId": task.parent_id, "musicIndex": _opt(task, "music_index", 0),
            "response": stems_response(task, ctx), "successFlag": flag(task, "GENERATE_AUDIO_FAILED")}


def stems_callback(task: Task, event: str, ctx: RenderContext) -> dict[str, Any] | None:
    """Vocal-removal callback (snake_case ``vocal_removal_info``)."""
    if event == "error":
        return {"code": aux_error_code(task), "msg": task.error_message or "vocal Removal generation failed",
                "data": {"task_id": task.id, "vocal_removal_info": None}}
    if event != "complete":
        return None
    result = task.result or {}
    stems: dict[str, str] = result.get("stems") or {}
    by_snake = {snake: stems.get(name) for name, (_c, snake) in STEM_KEYS.items() if snake}
    keys = SEPARATE_CALLBACK_KEYS if result.get("type", "separate_vocal") == "separate_vocal" else SPLIT_CALLBACK_KEYS
    info: dict[str, Any] = {"origin_url": ctx.file_url(result.get("origin_key"))}
    info.update({k: ctx.file_url(by_snake.get(k)) or None for k in keys})
    return {"code": 200, "msg": "vocal Removal generated successfully.",
            "data": {"task_id": task.id, "vocal_removal_info": info}}


# ----- MIDI -----------------------------------------------------------------------------------------------
def midi_data(task: Task) -> dict[str, Any] | None:
    """``midiData`` with numeric note times; None until done."""
    if not done(task):
        return None
    result = task.result or {}
    instruments = [{"name": i.get("name", ""), "notes": [
        {"pitch": int(n["pitch"]), "start": float(n["start"]), "end": float(n["end"]),
         "velocity": float(n.get("velocity", 0.8))} for n in i.get("notes") or []]}
        for i in result.get("instruments") or []]
    return {"state": result.get("state", "complete"), "instruments": instruments}


def midi_flag(task: Task) -> int:
    """0 pending, 1 success, 2 create failed, 3 generation failed."""
    if failed(task):
        return 2 if failure_status(task, "") == "CREATE_TASK_FAILED" else 3
    return 1 if done(task) else 0


def midi_info(task: Task) -> dict[str, Any]:
    """``data`` of GET /api/v1/midi/record-info."""
    code = aux_error_code(task)
    return {**_common(task, epoch_ms), "recordTaskId": int(task.id[:8], 16) if _is_hex(task.id) else 0,
            "audioId": _opt(task, "audio_id", ""), "midiData": midi_data(task), "successFlag": midi_flag(task),
            "errorCode": None if code is None else str(code)}


def _is_hex(value: str) -> bool:
    return all(c in "0123456789abcdef" for c in value[:8]) and len(value) >= 8


def midi_callback(task: Task, event: str) -> dict[str, Any] | None:
    """MIDI callback: the superset of the vendors' variants (top-level and nested ids)."""
    if event == "complete":
        data = midi_data(task) or {}
        return {"code": 200, "msg": "success", "task_id": task.id,
                "data": {"task_id": task.id, "taskId": task.id, **data}}
    if event == "error":
        return {"code": 500, "msg": task.error_message or "MIDI generation failed", "task_id": task.id,
                "data": {"task_id": task.id, "taskId": task.id, "state": "failed", "instruments": []}}
    return None


# ----- MP4 ------------------------------------------------------------------------------------------------
def video_url(task: Task, ctx: RenderContext) -> str | None:
    """The MP4 URL once done."""
    key = (task.result or {}).get("mp4_key")
    return ctx.file_url(key) if done(task) and key else None


def mp4_info(task: Task, ctx: RenderContext) -> dict[str, Any]:
    """``data`` of GET /api/v1/mp4/record-info."""
    return {**_common(task, epoch_ms), "musicId": task.parent_id, "musicIndex": _opt(task, "music_index", 0),
            "response": {"videoUrl": video_url(task, ctx)}, "successFlag": flag(task, "GENERATE_MP4_FAILED")}


def mp4_callback(task: Task, event: str, ctx: RenderContext) -> dict[str, Any] | None:
    """MP4 callback."""
    if event == "complete":
        return {"code": 200, "msg": "MP4 generated successfully.",
                "data": {"task_id": task.id, "video_url": video_url(task, ctx)}}
    if event == "error":
        return {"code": aux_error_code(task), "msg": task.error_message or "MP4 generation failed",
                "data": {"task_id": task.id, "video_url": None}}
    return None


# ----- cover image ----------------------------------------------------------------------------------------
def cover_images(task: Task, ctx: RenderContext) -> list[str] | None:
    """Image URLs once done."""
    if not done(task):
        return None
    return [ctx.file_url(k) for k in (task.result or {}).get("image_keys") or []]


def cover_flag(task: Task) -> int:
    """0 pending, 1 success, 2 generating, 3 failed."""
    if failed(task):
        return 3
    if done(task):
        return 1
    return 0 if task.status == TaskStatus.QUEUED else 2


def cover_info(task: Task, ctx: RenderContext) -> dict[str, Any]:
    """``data`` of GET /api/v1/suno/cover/record-info (ISO-8601 times)."""
    images = cover_images(task, ctx)
    return {**_common(task, iso_ms), "parentTaskId": task.parent_id,
            "response": {"images": images} if images is not None else None, "successFlag": cover_flag(task),
            "errorCode": 500 if failed(task) else (200 if done(task) else None)}


def cover_callback(task: Task, event: str, ctx: RenderContext) -> dict[str, Any] | None:
    """Cover-image callback (``data.taskId`` camelCase)."""
    if event == "complete":
        return {"code": 200, "msg": "success", "data": {"taskId": task.id, "images": cover_images(task, ctx)}}
    if event == "error":
        return {"code": 501, "msg": task.error_message or "Cover generation failed",
                "data": {"taskId": task.id, "images": None}}
    return None
