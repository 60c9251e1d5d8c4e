"""Plain snapshots of the task and clip a media job works on, read outside any long transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from songforge.media.ffmpeg import MediaError
from songforge.task.models import Clip, ClipStatus, Task

if TYPE_CHECKING:
    from songforge.runtime import Runtime


@dataclass(frozen=True)
class ClipInfo:
    """The fields of a clip the media handlers read (a copy: safe after the session is gone)."""

    id: str
    task_id: str
    key_id: int
    title: str
    tags: str
    lyrics: str
    model_name: str
    clip_type: str
    has_vocal: bool
    duration: float
    files: dict[str, Any] = field(default_factory=dict)
    aligned_words: list[Any] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, clip: Clip) -> ClipInfo:
        """Copy ``clip``."""
        return cls(id=clip.id, task_id=clip.task_id, key_id=clip.key_id, title=clip.title, tags=clip.tags,
                   lyrics=clip.lyrics, model_name=clip.model_name, clip_type=clip.clip_type,
                   has_vocal=clip.has_vocal, duration=float(clip.duration or 0.0), files=dict(clip.files or {}),
                   aligned_words=list(clip.aligned_words or []), meta=dict(clip.meta or {}))


@dataclass(frozen=True)
class TaskInfo:
    """The fields of a task the media handlers read."""

    id: str
    key_id: int
    action: str
    operation: str
    parent_id: str
    params: dict[str, Any]

    @property
    def options(self) -> dict[str, Any]:
        """The request's free-form options."""
        return dict(self.params.get("options") or {})

    @classmethod
    def of(cls, task: Task) -> TaskInfo:
        """Copy ``task``."""
        return cls(id=task.id, key_id=task.key_id, action=task.action, operation=task.operation,
                   parent_id=task.parent_id, params=dict(task.params or {}))


def load_clip(rt: Runtime, clip_id: str, key_id: int | None = None) -> ClipInfo:
    """The finished clip ``clip_id`` (of ``key_id`` when given); MediaError when missing or unfinished."""
    with rt.db.read() as s:
        clip = s.get(Clip, clip_id) if clip_id else None
        if clip is None or (key_id is not None and clip.key_id != key_id):
            raise MediaError(f"source clip not found: {clip_id}", code="source_missing")
        if clip.status != ClipStatus.COMPLETE:
            raise MediaError(f"source clip {clip_id} is not finished", code="source_missing")
        return ClipInfo.of(clip)


def fetch(rt: Runtime, key: str, work: Path, name: str) -> Path:
    """A local path holding blob ``key``."""
    try:
        return rt.store.fetch(key, work / name)
    except KeyError as exc:  # BlobNotFound
        raise MediaError(f"a stored file is missing: {key}", code="source_missing") from exc


def fetch_audio(rt: Runtime, clip: ClipInfo, work: Path, *, lossless: bool = False) -> Path:
    """The clip's final audio (mp3, else wav; wav first when ``lossless``) as a local file."""
    roles = ("wav", "mp3") if lossless else ("mp3", "wav")
    key = clip.files.get(roles[0]) or clip.files.get(roles[1])
    if not key:
        raise MediaError("the source clip has no audio", code="source_missing")
    return fetch(rt, str(key), work, f"{clip.id}{Path(str(key)).suffix}")


def set_clip_files(rt: Runtime, clip_id: str, files: dict[str, Any]) -> None:
    """Merge ``files`` into a clip's file roles (its own short write transaction)."""
    with rt.db.write() as s:
        clip = s.get(Clip, clip_id)
        if clip is not None:
            clip.files = {**(clip.files or {}), **files}
