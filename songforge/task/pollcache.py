"""A per-process cache of rendered poll responses, checked against the task's version so it is never stale.

A task's version is its ``updated_at`` together with the newest ``updated_at`` of its clips (SQLAlchemy maintains
both on every ORM or Core update), read with one small indexed query. On SQLite there is a cheaper check first:
``PRAGMA data_version`` changes whenever any other connection commits, so while it has not changed since an
entry was last confirmed, nothing in the database has, and the entry is served without any query.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from songforge.db import Database

_VERSION_SQL = ("SELECT t.updated_at, (SELECT max(c.updated_at) FROM clips c WHERE c.task_id = t.id) "
                "FROM tasks t WHERE t.id = {p} AND t.key_id = {p} AND t.dialect = {p}")


@lru_cache(maxsize=4)
def _version_sql(placeholder: str) -> str:
    return _VERSION_SQL.format(p=placeholder)


def _query_one(raw: Any, sql: str, params: tuple[Any, ...]) -> tuple[Any, ...] | None:
    cur = raw.cursor()
    try:
        cur.execute(sql, params)
        row = cur.fetchone()
    finally:
        cur.close()
    return None if row is None else tuple(row)


@dataclass
class _Entry:
    version: tuple[Any, ...]
    body: bytes
    conn_id: int  # the connection whose data_version ``seen`` was read from
    seen: int | None


class PollCache:
    """An LRU of response bodies bounded in bytes (0 disables it)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def render(self, db: Database, key_id: int, task_id: str, dialect: str, variant: Hashable,
               make: Callable[[], tuple[tuple[Any, ...], bytes] | None]) -> bytes | None:
        """The body for the key's task; None when the key has no such task.

        ``make()`` loads and renders the task, returning its version (see ``readmodel``) and the body.
        """
        cache_key = (dialect, key_id, task_id, variant)
        with self._lock:
            entry = self._items.get(cache_key)
        with db.raw_read() as raw:
            conn_id = id(raw)
            seen = _query_one(raw, "PRAGMA data_version", ())[0] if db.is_sqlite else None  # type: ignore[index]
            if entry is not None and seen is not None and entry.conn_id == conn_id and entry.seen == seen:
                return self._hit(cache_key, entry)
            row = _query_one(raw, _version_sql(db.placeholder), (task_id, key_id, dialect)) if entry else None
        if entry is not None:
            if row is None:
                return None
            if entry.version == (str(row[0]), str(row[1])):
                entry.conn_id, entry.seen = conn_id, seen
                return self._hit(cache_key, entry)
        self.misses += 1
        made = make()
        if made is None:
            return None
        self._put(cache_key, _Entry(made[0], made[1], conn_id, seen))
        return made[1]

    def _hit(self, cache_key: Hashable, entry: _Entry) -> bytes:
        with self._lock:
            if cache_key in self._items:
                self._items.move_to_end(cache_key)
            self.hits += 1
        return entry.body

    def _put(self, cache_key: Hashable, entry: _Entry) -> None:
        if len(entry.body) > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(cache_key, None)
            if old is not None:
                self._size -= len(old.body)
            self._items[cache_key] = entry
            self._size += len(entry.body)
            while self._size > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._size -= len(dropped.body)
