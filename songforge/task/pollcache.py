"""A per-process cache of rendered poll responses, keyed by the task's version so it is never stale.

A task's version is its ``updated_at`` together with the newest ``updated_at`` of its clips (both maintained by
SQLAlchemy on every ORM or Core update), read with one small indexed query. A poll whose version, URL-expiry
bucket and base URL match a cached entry sends the cached bytes instead of loading and rendering the task again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from functools import lru_cache
from typing import Any

from songforge.db import Database

_VERSION_SQL = ("SELECT t.updated_at, (SELECT max(c.updated_at) FROM clips c WHERE c.task_id = t.id) "
                "FROM tasks t WHERE t.id = {p} AND t.key_id = {p} AND t.dialect = {p}")


@lru_cache(maxsize=4)
def _version_sql(paramstyle: str) -> str:
    return _VERSION_SQL.format(p="?" if paramstyle == "qmark" else "%s")


def task_version(db: Database, key_id: int, task_id: str, dialect: str) -> tuple[Any, ...] | None:
    """The task's current version, or None when the key has no such task in that dialect."""
    with db.raw_read() as raw:
        cur = raw.cursor()
        try:
            cur.execute(_version_sql(db.paramstyle), (task_id, key_id, dialect))
            row = cur.fetchone()
        finally:
            cur.close()
    return None if row is None else (str(row[0]), str(row[1]))


class PollCache:
    """An LRU of response bodies bounded in bytes (0 disables it)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> bytes | None:
        """The cached body, refreshed as most recently used."""
        with self._lock:
            body = self._items.get(key)
            if body is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return body

    def put(self, key: Hashable, body: bytes) -> None:
        """Remember ``body``; the least recently used entries make room."""
        if len(body) > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= len(old)
            self._items[key] = body
            self._size += len(body)
            while self._size > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._size -= len(dropped)
