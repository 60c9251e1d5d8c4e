"""Core tasks rendered as API in One feed, status and task objects (exact field names and values)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from songforge.clock import iso_s
from songforge.dialects.apiinone.wire import ExtendMusic, GenerateMusic, UploadCover, known_fields
from songforge.task.models import Clip, ClipStatus, Task, TaskStatus
from songforge.task.view import RenderContext

TYPES = {TaskStatus.QUEUED: "PENDING", TaskStatus.RUNNING: "PENDING", TaskStatus.TEXT: "TEXT_SUCCESS",
         TaskStatus.FIRST: "FIRST_SUCCESS", TaskStatus.COMPLETE: "SUCCESS", TaskStatus.FAILED: "FAILED"}
STATUSES = {"PENDING": "pending", "TEXT_SUCCESS": "processing", "FIRST_SUCCESS": "processing",
            "SUCCESS": "completed", "FAILED": "failed"}
ALL_DONE = "All generated successfully."
# The wire model whose fields the feed echoes in request_body, per core operation.
BODIES: dict[str, type[BaseModel]] = {"generate": GenerateMusic, "extend": ExtendMusic, "upload_cover": UploadCover}
KNOWN = {op: known_fields(model) for op, model in BODIES.items()}


def task_type(task: Task) -> str:
    """PENDING, TEXT_SUCCESS, FIRST_SUCCESS, SUCCESS or FAILED."""
    return TYPES[TaskStatus(task.status)]


def request_body(task: Task) -> dict[str, Any]:
    """The submitted body, known fields only, values as received."""
    known = KNOWN.get(task.operation)
    body = task.request_body or {}
    return {k: v for k, v in body.items() if known is None or k in known}


def failure(task: Task, clip: Clip | None = None) -> str:
    """Why the task (or this clip of it) failed; "" when it did not."""
    if clip is not None and clip.status == ClipStatus.ERROR:
        return clip.error_message or task.error_message or "generation failed"
    if clip is None and task.status == TaskStatus.FAILED:
        return task.error_message or "generation failed"
    return ""


def item(clip: Clip, task: Task, ctx: RenderContext) -> dict[str, Any]:
    """One response_data entry."""
    reason = failure(task, clip)
    return {
        "id": clip.id, "audio_url": ctx.playing_url(clip), "image_url": ctx.image_url(clip), "status": clip.status,
        "title": clip.title, "duration": clip.duration or 0, "model_name": task.model_alias or task.model,
        "extra_message": ALL_DONE if task.status == TaskStatus.COMPLETE else "",
        "fail_message": reason, "error_message": reason,
    }


def feed(task: Task, ctx: RenderContext) -> dict[str, Any]:
    """The `data` of GET /api/v1/audio/music/feed (and of every callback)."""
    kind = task_type(task)
    return {"task_id": task.id, "type": kind, "request_body": request_body(task),
            "response_data": [] if kind == "PENDING" else [item(c, task, ctx) for c in task.clips],
            "created_at": iso_s(task.created_at)}


def cover_status(task: Task, ctx: RenderContext) -> dict[str, Any]:
    """The `data` of GET /api/v1/audio/music/upload-cover/status: the feed plus a lower-case status."""
    data = feed(task, ctx)
    return {"task_id": task.id, "status": STATUSES[data["type"]], **data}


def task_object(task: Task, ctx: RenderContext) -> dict[str, Any]:
    """The `data` of GET /api/v1/tasks/{id}."""
    data = feed(task, ctx)
    reason = failure(task)
    return {"task_id": task.id, "status": STATUSES[data["type"]], "type": data["type"],
            "model": task.model_alias or task.model, "request_body": data["request_body"],
            "response_data": data["response_data"], "created_at": data["created_at"],
            "error": {"type": "generation_failed", "message": reason} if reason else None}


def accepted(task: Task) -> dict[str, Any]:
    """The `data` of a create response: the current form plus the older doc's keys (a superset)."""
    return {"task_id": task.id, "status": "pending", "model": task.model_alias or task.model,
            "created_at": iso_s(task.created_at)}
