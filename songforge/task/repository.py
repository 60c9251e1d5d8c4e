"""Queries on tasks and clips."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from songforge.task.models import Clip, Task, TaskStatus


def task_for_key(session: Session, key_id: int, task_id: str) -> Task | None:
    """The task if it belongs to ``key_id``."""
    task = session.get(Task, task_id)
    return task if task is not None and task.key_id == key_id else None


def clip_for_key(session: Session, key_id: int, clip_id: str) -> Clip | None:
    """The clip if it belongs to ``key_id``."""
    clip = session.get(Clip, clip_id)
    return clip if clip is not None and clip.key_id == key_id else None


def count_recent(session: Session, key_id: int, since: datetime) -> int:
    """How many tasks the key created since ``since``."""
    return session.scalar(select(func.count()).select_from(Task)
                          .where(Task.key_id == key_id, Task.created_at >= since)) or 0


def overdue(session: Session, started_before: datetime) -> list[Task]:
    """Unfinished tasks that started before ``started_before``."""
    active = [TaskStatus.RUNNING, TaskStatus.TEXT, TaskStatus.FIRST]
    return list(session.scalars(select(Task).where(Task.status.in_(active), Task.started_at < started_before)))


def children(session: Session, parent_id: str, action: str) -> list[Task]:
    """Tasks of ``action`` made from ``parent_id`` (a clip or task id)."""
    return list(session.scalars(select(Task).where(Task.parent_id == parent_id, Task.action == action)))
