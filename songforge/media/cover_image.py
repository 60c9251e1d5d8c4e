"""COVER_IMAGE: two cover images for a music task, from its title and style on seed-derived artwork."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from songforge.media import artwork
from songforge.media.ffmpeg import MediaError
from songforge.media.source import TaskInfo
from songforge.task.models import Task

if TYPE_CHECKING:
    from songforge.runtime import Runtime

COUNT = 2


def run(rt: Runtime, task: TaskInfo, work: Path) -> dict[str, Any]:
    """``{"image_keys": [key, key]}`` for the source music task (``parent_id``, else ``source_task_id``)."""
    source_id = task.parent_id or str(task.params.get("source_task_id") or "")
    with rt.db.read() as s:
        source = s.get(Task, source_id) if source_id else None
        if source is None or source.key_id != task.key_id:
            raise MediaError(f"source task not found: {source_id}", code="source_missing")
        first = source.clips[0] if source.clips else None
        title = first.title if first else str(source.params.get("title", ""))
        style = first.tags if first else str(source.params.get("tags", ""))
    keys = []
    for i in range(COUNT):
        path = artwork.save(title, style, artwork.seed_of(source_id, str(i)), work / f"cover-{i}.png")
        key = f"covers/{task.id}/cover-{i + 1}.png"
        rt.store.put_file(key, path)
        keys.append(key)
    return {"image_keys": keys}
