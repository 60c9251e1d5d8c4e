"""Core tasks and clips rendered as /suno/* task and song objects (exact field names and values)."""

from __future__ import annotations

from typing import Any

from songforge.clock import epoch_s, iso_ms
from songforge.task.catalog import BY_SLUG
from songforge.task.models import Action, Clip, ClipStatus, Task, TaskStatus
from songforge.task.view import RenderContext

STATE = {ClipStatus.COMPLETE: "succeeded", ClipStatus.ERROR: "failed"}
CLIP_TASK_STATUS = {"submitted": "SUBMITTED", "queued": "QUEUED", "streaming": "IN_PROGRESS",
                    "complete": "SUCCESS", "error": "FAILURE"}


def task_status(task: Task) -> str:
    """NOT_START … FAILURE, from the task state and its clips (the Suno-API aggregation rule)."""
    status = TaskStatus(task.status)
    if status == TaskStatus.FAILED:
        return "FAILURE"
    if status == TaskStatus.COMPLETE:
        return "SUCCESS"
    if status in (TaskStatus.TEXT, TaskStatus.FIRST):
        return "IN_PROGRESS"
    clips = [c.status for c in task.clips]
    if not clips:
        return "IN_PROGRESS" if status == TaskStatus.RUNNING else "SUBMITTED"
    if any(c == ClipStatus.ERROR for c in clips):
        return "FAILURE"
    pending = [c for c in clips if c != ClipStatus.COMPLETE] or clips
    return CLIP_TASK_STATUS.get(pending[0], "IN_PROGRESS")


def song(clip: Clip, task: Task, ctx: RenderContext) -> dict[str, Any]:
    """One song object."""
    meta = clip.meta or {}
    stem = clip.clip_type == "stem"
    duration = clip.duration
    params = task.params
    metadata: dict[str, Any] = {
        "tags": clip.tags, "negative_tags": clip.negative_tags, "prompt": clip.lyrics,
        "gpt_description_prompt": clip.description or None,
        "audio_prompt_id": meta.get("audio_prompt_id"), "history": meta.get("history"),
        "concat_history": meta.get("concat_history"), "type": clip.clip_type, "duration": duration,
        "refund_credits": bool(params.get("_refunded", False)), "stream": True,
        "infill": bool(meta.get("infill", False)), "has_vocal": clip.has_vocal,
        "error_type": "generation_failed" if clip.status == ClipStatus.ERROR else None,
        "error_message": clip.error_message or None,
    }
    for extra in ("task", "persona_id", "artist_clip_id", "stem_from_id"):
        if meta.get(extra):
            metadata[extra] = meta[extra]
    info = BY_SLUG.get(clip.model_name)
    return {
        "id": clip.id, "clip_id": clip.id, "title": clip.title, "status": clip.status,
        "state": STATE.get(ClipStatus(clip.status), "running"),
        "audio_url": ctx.playing_url(clip), "video_url": ctx.clip_file(clip, "mp4"),
        "image_url": ctx.image_url(clip), "image_large_url": ctx.image_url(clip),
        "is_video_pending": False, "model_name": "" if stem else clip.model_name,
        "major_model_version": "" if stem or info is None else info.version,
        "tags": clip.tags, "prompt": clip.lyrics, "duration": duration, "created_at": iso_ms(clip.created_at),
        "metadata": metadata, "is_liked": False, "user_id": f"key-{task.key_id}", "display_name": "",
        "handle": "", "is_handle_updated": False, "avatar_image_url": "", "is_trashed": False, "reaction": None,
        "play_count": 0, "upvote_count": 0, "is_public": False,
    }


def lyrics_object(task: Task) -> dict[str, Any]:
    """The `data` of a LYRICS task."""
    variants = (task.result or {}).get("lyrics") or []
    first = variants[0] if variants else {}
    status = {TaskStatus.COMPLETE: "complete", TaskStatus.FAILED: "error", TaskStatus.QUEUED: "submitted"}
    return {"id": task.id, "text": first.get("text", ""), "title": first.get("title", ""),
            "status": status.get(TaskStatus(task.status), "running")}


def task_object(task: Task, ctx: RenderContext) -> dict[str, Any]:
    """The full task object of GET /suno/fetch/{id}."""
    status = task_status(task)
    progress = "100%" if status in ("SUCCESS", "FAILURE") else f"{min(99, task.progress)}%"
    if status in ("NOT_START", "SUBMITTED", "QUEUED"):
        progress = "0%"
    data: Any
    if task.action == Action.LYRICS:
        data = lyrics_object(task)
    else:
        data = [song(c, task, ctx) for c in task.clips]
    started = task.started_at if status not in ("NOT_START", "SUBMITTED", "QUEUED") else None
    return {
        "task_id": task.id, "notify_hook": task.callback_url, "action": "LYRICS" if task.action == Action.LYRICS
        else "MUSIC", "status": status, "fail_reason": task.error_message if status == "FAILURE" else "",
        "submit_time": epoch_s(task.created_at), "start_time": epoch_s(started),
        "finish_time": epoch_s(task.finished_at), "progress": progress, "data": data,
    }
