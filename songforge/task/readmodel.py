"""Fast read path for polling: a task and its clips in two plain SQL queries, as light objects.

Each loaded task also carries ``version``: its ``updated_at`` and its clips' newest ``updated_at`` as stored,
the same pair the poll cache's version query returns.

Polling is the hottest path of the server. Building and compiling SQLAlchemy statements and running the ORM cost
several times more than the queries themselves, so poll routes send fixed SQL straight to the driver and read
rows shaped like ``Task``/``Clip`` (same attribute names, same Python types) instead.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

import orjson
from sqlalchemy import JSON

from songforge.clock import as_utc
from songforge.db import Database, UTCDateTime
from songforge.task.models import Clip, Task


def _columns(model: type[Any]) -> tuple[list[str], set[str], set[str]]:
    table = model.__table__
    names = [c.name for c in table.columns]
    json_cols = {c.name for c in table.columns if isinstance(c.type, JSON)}
    time_cols = {c.name for c in table.columns if isinstance(c.type, UTCDateTime)}
    return names, json_cols, time_cols


TASK_COLS, TASK_JSON, TASK_TIMES = _columns(Task)
CLIP_COLS, CLIP_JSON, CLIP_TIMES = _columns(Clip)
_TASK_UPDATED = TASK_COLS.index("updated_at")
_CLIP_UPDATED = CLIP_COLS.index("updated_at")


@lru_cache(maxsize=64)
def _sql(p: str, n_ids: int, with_dialect: bool) -> tuple[str, str]:
    ids = ", ".join([p] * n_ids)
    task_sql = f"SELECT {', '.join(TASK_COLS)} FROM tasks WHERE id IN ({ids}) AND key_id = {p}"
    if with_dialect:
        task_sql += f" AND dialect = {p}"
    clip_sql = f"SELECT {', '.join(CLIP_COLS)} FROM clips WHERE task_id IN ({ids}) ORDER BY task_id, idx"
    return task_sql, clip_sql


def _row(names: list[str], json_cols: set[str], time_cols: set[str], values: tuple[Any, ...]) -> SimpleNamespace:
    out: dict[str, Any] = {}
    for name, value in zip(names, values, strict=True):
        if name in json_cols and isinstance(value, (str, bytes)):
            value = orjson.loads(value)
        elif name in time_cols and value is not None:
            value = as_utc(datetime.fromisoformat(value) if isinstance(value, str) else value)
        out[name] = value
    return SimpleNamespace(**out)


def load_tasks(db: Database, key_id: int, task_ids: list[str], dialect: str | None = None) -> list[Any]:
    """The key's tasks among ``task_ids`` (any order), each with ``.clips`` sorted by index."""
    if not task_ids:
        return []
    with db.raw_read() as raw:
        return _load(raw, db.placeholder, key_id, list(dict.fromkeys(task_ids)), dialect)


def _load(raw: Any, p: str, key_id: int, ids: list[str], dialect: str | None) -> list[Any]:
    task_sql, _ = _sql(p, len(ids), dialect is not None)
    params: tuple[Any, ...] = (*ids, key_id) + ((dialect,) if dialect is not None else ())
    cur = raw.cursor()
    try:
        cur.execute(task_sql, params)
        tasks = {}
        for row in cur.fetchall():
            task = tasks[row[0]] = _row(TASK_COLS, TASK_JSON, TASK_TIMES, tuple(row))
            task.raw_updated_at = row[_TASK_UPDATED]  # as stored: the poll cache's version uses it
        raw_times: dict[str, list[Any]] = {}
        for task in tasks.values():
            task.clips = []
        if tasks:
            found = list(tasks)
            cur.execute(_sql(p, len(found), False)[1], tuple(found))
            for row in cur.fetchall():
                clip = _row(CLIP_COLS, CLIP_JSON, CLIP_TIMES, tuple(row))
                tasks[clip.task_id].clips.append(clip)
                raw_times.setdefault(clip.task_id, []).append(row[_CLIP_UPDATED])
        for task_id, task in tasks.items():
            clip_times = raw_times.get(task_id)
            task.version = (str(task.raw_updated_at), str(max(clip_times) if clip_times else None))
    finally:
        cur.close()
    return list(tasks.values())


def load_task(db: Database, key_id: int, task_id: str, dialect: str | None = None) -> Any | None:
    """One task of the key (with clips), or None."""
    found = load_tasks(db, key_id, [task_id], dialect)
    return found[0] if found else None
