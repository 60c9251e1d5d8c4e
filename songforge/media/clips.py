"""Media jobs that make clips (concat, stems, uploads) add them to their task and finish them here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from songforge.ids import dashed_uuid
from songforge.media.ffmpeg import MediaError
from songforge.task.models import Clip, ClipStatus, Task

if TYPE_CHECKING:
    from songforge.runtime import Runtime


def ensure_clips(rt: Runtime, task_id: str, specs: list[dict[str, Any]]) -> list[str]:
    """Give the task one clip per spec unless it already has them (a retried job); returns the clip ids."""
    with rt.db.write() as s:
        task = s.get(Task, task_id)
        if task is None:
            raise MediaError(f"task vanished: {task_id}")
        for idx, spec in enumerate(specs):
            if idx < len(task.clips):
                continue
            fields = {"id": dashed_uuid(), **spec}
            task.clips.append(Clip(task_id=task.id, key_id=task.key_id, idx=idx, status=ClipStatus.QUEUED,
                                   **fields))
        s.flush()
        return [c.id for c in task.clips]


def update_clip(rt: Runtime, task_id: str, idx: int, **fields: Any) -> None:
    """Set plain fields of clip ``idx`` (titles of stem clips, which depend on the source)."""
    with rt.db.write() as s:
        task = s.get(Task, task_id)
        if task is not None and idx < len(task.clips):
            for name, value in fields.items():
                setattr(task.clips[idx], name, value)


def finish(rt: Runtime, task_id: str, idx: int, files: dict[str, Any], duration: float,
           words: list[dict[str, Any]] | None = None) -> None:
    """Clip ``idx`` is final (the task completes with its last clip, callbacks included)."""
    with rt.db.write() as s:
        task = s.get(Task, task_id)
        if task is None:
            raise MediaError(f"task vanished: {task_id}")
        rt.tasks.clip_finished(s, task, idx, files=files, duration=duration, aligned_words=words or [],
                               engine_data={})
