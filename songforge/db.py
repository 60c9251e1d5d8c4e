"""Database engines, sessions and the declarative base; SQLite is tuned for many processes.

SQLite write transactions start with ``BEGIN IMMEDIATE`` so two writers never deadlock on a lock upgrade
(the second simply waits up to the busy timeout); reads use deferred transactions and never block in WAL mode.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Engine, MetaData, String, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import NullPool
from sqlalchemy.types import TypeDecorator

from songforge.clock import as_utc

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        return as_utc(value) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return as_utc(value) if value is not None else None


class Base(DeclarativeBase):
    """Declarative base of every table."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON(), list[Any]: JSON(), str: String()}


def _tune_sqlite(engine: Engine, busy_timeout_ms: int, immediate: bool) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """The engines and session factories of one database; built once per process."""

    def __init__(self, url: str, *, busy_timeout_ms: int = 30_000, pool_size: int = 10) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            kw: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": busy_timeout_ms / 1000}}
            self.write_engine = create_engine(url, pool_size=4, max_overflow=4, **kw)
            self.read_engine = create_engine(url, pool_size=16, max_overflow=16, **kw)
            # connections kept one per thread by raw_read(), outside the pools so threads never exhaust them
            self._raw_engine = create_engine(url, poolclass=NullPool, **kw)
            _tune_sqlite(self.write_engine, busy_timeout_ms, immediate=True)
            _tune_sqlite(self.read_engine, busy_timeout_ms, immediate=False)
            _tune_sqlite(self._raw_engine, busy_timeout_ms, immediate=False)
        else:
            self.write_engine = create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)
            self.read_engine = self.write_engine
        self._local = threading.local()
        self._write_lock = threading.RLock()
        self._write = sessionmaker(self.write_engine, expire_on_commit=False)
        self._read = sessionmaker(self.read_engine, expire_on_commit=False)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: committed on success, rolled back on error.

        On SQLite, threads of one process queue on a lock first: SQLite has one writer at a time anyway, and its
        busy handler waits by sleeping with back-off, which wastes most of the time when many threads submit.
        """
        if self.is_sqlite:
            with self._write_lock, self._write() as session, session.begin():
                yield session
            return
        with self._write() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session (never committed)."""
        with self._read() as session:
            try:
                yield session
            finally:
                session.rollback()

    @contextmanager
    def raw_read(self) -> Iterator[Any]:
        """A DBAPI connection for short, read-only queries (the polling path).

        SQLite: one connection per thread, kept open (pool checkout costs more than a point query).
        PostgreSQL: a pooled connection, rolled back on return.
        """
        if self.is_sqlite:
            conn = getattr(self._local, "conn", None)
            if conn is None:
                conn = self._local.conn = self._raw_engine.raw_connection()
            yield conn.driver_connection
            return
        with self.read_engine.connect() as sa_conn:
            yield sa_conn.connection.driver_connection

    @property
    def placeholder(self) -> str:
        """The driver's positional placeholder for raw SQL: "?" for SQLite, "%s" for psycopg."""
        return "?" if self.read_engine.dialect.paramstyle == "qmark" else "%s"

    def dispose(self) -> None:
        """Close every pooled connection (after fork, at shutdown)."""
        self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            self.read_engine.dispose()
