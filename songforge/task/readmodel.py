"""Fast read path for polling: tasks with their clips in two Core queries, as light objects.

Polling is the hottest path of the server; the ORM's identity map and lazy machinery cost more than the queries
themselves, so poll routes read plain rows shaped like ``Task``/``Clip`` (same attribute names) instead.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from songforge.task.models import Clip, Task

_TASKS = Task.__table__
_CLIPS = Clip.__table__


def load_tasks(conn: Connection, key_id: int, task_ids: list[str], dialect: str | None = None) -> list[Any]:
    """The key's tasks among ``task_ids`` (any order), each with ``.clips`` sorted by index."""
    if not task_ids:
        return []
    query = select(_TASKS).where(_TASKS.c.id.in_(task_ids), _TASKS.c.key_id == key_id)
    if dialect is not None:
        query = query.where(_TASKS.c.dialect == dialect)
    tasks = {row.id: SimpleNamespace(**row._mapping, clips=[]) for row in conn.execute(query)}
    if tasks:
        clips = conn.execute(select(_CLIPS).where(_CLIPS.c.task_id.in_(list(tasks))).order_by(_CLIPS.c.idx))
        for row in clips:
            tasks[row.task_id].clips.append(SimpleNamespace(**row._mapping))
    return list(tasks.values())


def load_task(conn: Connection, key_id: int, task_id: str, dialect: str | None = None) -> Any | None:
    """One task of the key (with clips), or None."""
    found = load_tasks(conn, key_id, [task_id], dialect)
    return found[0] if found else None
