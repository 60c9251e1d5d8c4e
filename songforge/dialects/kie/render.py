"""Core music tasks rendered as KIE record-info data and callback items (exact names and values)."""

from __future__ import annotations

from typing import Any

import orjson

from songforge.clock import epoch_ms, plain
from songforge.task.models import Clip, Task, TaskStatus
from songforge.task.view import RenderContext

STATUS = {TaskStatus.QUEUED: "PENDING", TaskStatus.RUNNING: "PENDING", TaskStatus.TEXT: "TEXT_SUCCESS",
          TaskStatus.FIRST: "FIRST_SUCCESS", TaskStatus.COMPLETE: "SUCCESS"}
# Internal failure codes that mean "the task never got going" or "the content was refused".
NOT_STARTED = {"engine_unavailable", "worker_lost"}
SENSITIVE = {"content_policy", "sensitive_word", "moderation"}
DOWNLOAD = {"source_fetch_failed", "source_missing", "download_failed"}


def failure_status(task: Task, failed: str) -> str:
    """The failed-status word of a family (``failed`` = its generation-failed word)."""
    if task.error_code in SENSITIVE:
        return "SENSITIVE_WORD_ERROR"
    if task.error_code in NOT_STARTED:
        return "CREATE_TASK_FAILED"
    return failed


def music_status(task: Task) -> str:
    """PENDING … SUCCESS, or the failure word."""
    status = TaskStatus(task.status)
    if status == TaskStatus.FAILED:
        return failure_status(task, "GENERATE_AUDIO_FAILED")
    return STATUS[status]


def error_code(task: Task) -> int | None:
    """The numeric error of a failed task (spec §2 callback column); None otherwise."""
    if task.status != TaskStatus.FAILED:
        return None
    if task.error_code in SENSITIVE or task.error_code == "invalid_input":
        return 400
    if task.error_code in DOWNLOAD:
        return 451
    if task.error_code == "timeout":
        return 408
    if task.error_code in NOT_STARTED or task.error_code == "internal_error":
        return 500
    return 531 if task.params.get("_refunded") else 501


def param_string(task: Task) -> str:
    """The original request body as a JSON string (``param``)."""
    return orjson.dumps(task.request_body).decode()


def item(clip: Clip, ctx: RenderContext, *, snake: bool) -> dict[str, Any]:
    """One sunoData item (camelCase) or callback item (snake_case; ``createTime`` stays camelCase)."""
    audio, stream, image = ctx.audio_url(clip), ctx.stream_url(clip), ctx.image_url(clip)
    # source_* are the vendor's pre-mirroring URLs; we have one copy, so they equal the plain ones.
    values = [("id", "id", clip.id), ("audio_url", "audioUrl", audio), ("source_audio_url", "sourceAudioUrl", audio),
              ("stream_audio_url", "streamAudioUrl", stream),
              ("source_stream_audio_url", "sourceStreamAudioUrl", stream),
              ("image_url", "imageUrl", image), ("source_image_url", "sourceImageUrl", image),
              ("prompt", "prompt", clip.lyrics), ("model_name", "modelName", clip.model_name),
              ("title", "title", clip.title), ("tags", "tags", clip.tags),
              ("createTime", "createTime", plain(clip.created_at)), ("duration", "duration", clip.duration or 0)]
    return {(s if snake else c): v for s, c, v in values}


def parent_music_id(task: Task) -> str:
    """The source audioId for extend / replace-section, else ""."""
    if task.operation in ("extend", "replace_section"):
        return str(task.params.get("source_clip_id", ""))
    return ""


def record_info(task: Task, ctx: RenderContext) -> dict[str, Any]:
    """``data`` of GET /api/v1/generate/record-info."""
    status = music_status(task)
    response: dict[str, Any] | None
    if task.status == TaskStatus.FAILED:
        response = {"taskId": task.id, "sunoData": [], "errorMessage": task.error_message}
    elif status == "PENDING":
        response = None
    else:
        response = {"taskId": task.id, "sunoData": [item(c, ctx, snake=False) for c in task.clips]}
    failed = task.status == TaskStatus.FAILED
    return {"taskId": task.id, "parentMusicId": parent_music_id(task), "param": param_string(task),
            "response": response, "status": status, "type": task.model, "operationType": task.operation,
            "errorCode": error_code(task), "errorMessage": task.error_message if failed else None,
            "createTime": epoch_ms(task.created_at)}


MUSIC_MSG = {"text": "Text generated successfully.", "first": "First generated successfully.",
             "complete": "All generated successfully."}


def music_callback(task: Task, event: str, ctx: RenderContext) -> dict[str, Any] | None:
    """The snake_case music callback for ``event`` (text, first, complete, error)."""
    if event == "error":
        return {"code": error_code(task) or 500, "msg": task.error_message or "Audio generation failed",
                "data": {"callbackType": "error", "task_id": task.id, "data": None}}
    if event not in MUSIC_MSG:
        return None
    items = [] if event == "text" else [item(c, ctx, snake=True) for c in task.clips]
    return {"code": 200, "msg": MUSIC_MSG[event], "data": {"callbackType": event, "task_id": task.id, "data": items}}
