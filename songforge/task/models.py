"""Tasks and their clips: the core state every dialect renders."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from songforge.clock import utcnow
from songforge.db import Base


class TaskStatus(StrEnum):
    """Internal task state; each dialect maps it to its own words."""

    QUEUED = "queued"  # accepted, waiting for a worker
    RUNNING = "running"  # a worker has it, nothing to show yet
    TEXT = "text"  # title / tags / lyrics known
    FIRST = "first"  # clip 0 playable (streaming or final)
    COMPLETE = "complete"
    FAILED = "failed"

    @property
    def terminal(self) -> bool:
        """True for complete and failed."""
        return self in (TaskStatus.COMPLETE, TaskStatus.FAILED)


class ClipStatus(StrEnum):
    """Suno clip lifecycle words, used internally as-is."""

    SUBMITTED = "submitted"
    QUEUED = "queued"
    STREAMING = "streaming"
    COMPLETE = "complete"
    ERROR = "error"


class Action(StrEnum):
    """The family of a task: what it makes and which poll/callback shapes apply."""

    MUSIC = "music"
    LYRICS = "lyrics"
    CONCAT = "concat"
    UPLOAD = "upload"
    WAV = "wav"
    STEMS = "stems"
    MIDI = "midi"
    MP4 = "mp4"
    COVER_IMAGE = "cover_image"


class Task(Base):
    """One asynchronous job with a public id."""

    __tablename__ = "tasks"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"))
    dialect: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(20))  # Action
    operation: Mapped[str] = mapped_column(String(30), default="generate")  # generate, extend, cover, ...
    engine: Mapped[str] = mapped_column(String(50), default="")
    model: Mapped[str] = mapped_column(String(50), default="")  # Suno slug
    model_alias: Mapped[str] = mapped_column(String(50), default="")  # as the caller spelled it
    status: Mapped[str] = mapped_column(String(20), default=TaskStatus.QUEUED)
    progress: Mapped[int] = mapped_column(default=0)
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)  # core request (GenerationRequest dump)
    request_body: Mapped[dict[str, Any]] = mapped_column(default=dict)  # wire body as received
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)  # lyrics variants, derivative URLs/keys ...
    callback_url: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[str] = mapped_column(String(64), default="")  # source clip / task id
    error_code: Mapped[str] = mapped_column(String(40), default="")
    error_message: Mapped[str] = mapped_column(Text, default="")
    credits_charged: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    clips: Mapped[list[Clip]] = relationship(back_populates="task", order_by="Clip.idx", lazy="selectin")


class Clip(Base):
    """One generated (or uploaded) track."""

    __tablename__ = "clips"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id"), index=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"))
    idx: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(20), default=ClipStatus.SUBMITTED)
    title: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[str] = mapped_column(Text, default="")
    negative_tags: Mapped[str] = mapped_column(Text, default="")
    lyrics: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    model_name: Mapped[str] = mapped_column(String(50), default="")
    clip_type: Mapped[str] = mapped_column(String(20), default="gen")  # gen | concat | stem | upload
    has_vocal: Mapped[bool] = mapped_column(default=True)
    duration: Mapped[float | None] = mapped_column(nullable=True)
    files: Mapped[dict[str, Any]] = mapped_column(default=dict)  # role -> blob key ("mp3", "wav", "stream"...)
    aligned_words: Mapped[list[Any]] = mapped_column(default=list)
    engine_data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)  # history, concat_history, persona_id ...
    error_message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    task: Mapped[Task] = relationship(back_populates="clips")


Index("ix_tasks_key_created", Task.key_id, Task.created_at)
Index("ix_tasks_status_started", Task.status, Task.started_at)
