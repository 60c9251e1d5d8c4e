"""``media.run``: runs one task of the media queue (derivatives, concat, stem clips, uploads) to its end."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import structlog

from songforge.media import concat, cover_image, gen_stem, midi, mp4, stems, upload, wav
from songforge.media.ffmpeg import MediaError
from songforge.media.source import TaskInfo
from songforge.task.models import Action, Task, TaskStatus

if TYPE_CHECKING:
    from songforge.runtime import Runtime

log = structlog.get_logger(__name__)

# A handler returns the task's result (the job completes the task with it), or None when it made clips and
# finished them itself (the task completes with its last clip).
Handler = Callable[["Runtime", TaskInfo, Path], "dict[str, Any] | None"]
HANDLERS: dict[str, Handler] = {
    Action.WAV: wav.run, Action.STEMS: stems.run, Action.MIDI: midi.run, Action.MP4: mp4.run,
    Action.COVER_IMAGE: cover_image.run, Action.CONCAT: concat.run, Action.UPLOAD: upload.run,
}
OPERATION_HANDLERS: dict[str, Handler] = {"gen_stem": gen_stem.run}


def handler_for(task: TaskInfo) -> Handler | None:
    """The handler of a media task: by operation for music tasks, else by action."""
    if task.action == Action.MUSIC:
        return OPERATION_HANDLERS.get(task.operation)
    return HANDLERS.get(task.action)


def _start(rt: Runtime, task_id: str) -> TaskInfo | None:
    with rt.db.write() as s:
        task = s.get(Task, task_id)
        if task is None or TaskStatus(task.status).terminal:
            return None
        rt.tasks.start(s, task)
        return TaskInfo.of(task)


def _finish(rt: Runtime, task_id: str, result: dict[str, Any] | None) -> None:
    with rt.db.write() as s:
        task = s.get(Task, task_id)
        if task is None or TaskStatus(task.status).terminal:
            return
        if result is not None:
            rt.tasks.complete(s, task, result=result)
        else:  # a clip-making handler that returns without finishing every clip is a bug; never hang
            rt.tasks.fail(s, task, "media_incomplete", "the media job finished without delivering every clip")


def fail(rt: Runtime, task_id: str, code: str, message: str) -> None:
    """Fail the task (refund, error callback) in its own transaction."""
    with rt.db.write() as s:
        task = s.get(Task, task_id)
        if task is not None:
            rt.tasks.fail(s, task, code, message)


def run_sync(rt: Runtime, task_id: str) -> None:
    """Run the task in this thread; every failure ends as a failed task, nothing is raised."""
    work = Path(tempfile.mkdtemp(prefix=f"songforge-media-{task_id[:12]}-"))
    try:
        task = _start(rt, task_id)
        if task is None:
            return
        handler = handler_for(task)
        if handler is None:
            fail(rt, task_id, "unsupported", f"no media handler for {task.action}/{task.operation}")
            return
        log.info("media.start", task_id=task_id, action=task.action, operation=task.operation)
        _finish(rt, task_id, handler(rt, task, work))
        log.info("media.done", task_id=task_id)
    except MediaError as exc:
        log.info("media.failed", task_id=task_id, code=exc.code, error=exc.message)
        fail(rt, task_id, exc.code, exc.message)
    except Exception as exc:  # worker boundary: log with traceback, fail the task, keep the worker alive
        log.exception("media.crashed", task_id=task_id)
        fail(rt, task_id, "internal_error", f"internal error: {type(exc).__name__}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


async def run_media_task(rt: Runtime, task_id: str) -> None:
    """The worker's entry point for the ``media`` queue (blocking ffmpeg work runs in a thread)."""
    await asyncio.to_thread(run_sync, rt, task_id)
