"""The scale-out queue: procrastinate's job tables in the songforge PostgreSQL database, claimed with leases.

Why it looks like this (docs/scale-out.md has the long form):

* Transactional enqueue without an outbox. procrastinate's tables live in the same database as the tasks, so
  ``enqueue`` defers the job through procrastinate's ``JobManager.defer_job(connection=...)`` on the very
  connection of the caller's SQLAlchemy transaction: the job exists exactly when the task does.
* Songforge's claim / heartbeat / finish on procrastinate's own SQL (``procrastinate.sql.queries`` run through
  its sync connector on our pooled connections): ``fetch_job`` claims (``FOR UPDATE SKIP LOCKED``), and each
  claim registers a procrastinate *worker* row that stands for the lease. The heartbeat refreshes that row; a row
  not refreshed for ``lease_seconds`` is pruned and its job retried (procrastinate's stalled-job recovery), so a
  job comes back when its worker dies. The existing ``songforge.worker.Worker`` runs on it unchanged.
* One procrastinate queue per songforge queue name (engine name or ``media``): ``songforge worker --engines
  acestep`` consumes only the ``acestep`` queue. Jobs carry only ``{"task_id": ...}``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import psycopg
import structlog
from procrastinate import SyncPsycopgConnector, exceptions, sql
from procrastinate.jobs import Job
from procrastinate.manager import JobManager
from procrastinate.schema import SchemaManager
from sqlalchemy import text
from sqlalchemy.orm import Session

from songforge.clock import utcnow
from songforge.db import Database
from songforge.queue.base import ClaimedJob
from songforge.settings import Settings

log = structlog.get_logger(__name__)

TASK_NAME = "task.run"  # procrastinate's task_name of every songforge job; the handler is chosen by queue
SCHEMA_LOCK = 0x50F0_0001  # advisory lock serialising `songforge migrate` runs of several replicas


@dataclass(frozen=True)
class LeasedJob(ClaimedJob):
    """A claimed job plus the procrastinate worker row that stands for its lease."""

    lease_id: int = 0


class _NoJob(Exception):
    """Nothing to claim: roll the claim transaction back so the unused lease row is never written."""


def _raw(session: Session) -> psycopg.Connection[Any]:
    """The psycopg connection of the session's current transaction."""
    conn: psycopg.Connection[Any] = session.connection().connection.driver_connection  # type: ignore[assignment]
    return conn


def schema_installed(db: Database) -> bool:
    """True when procrastinate's tables exist in the database."""
    with db.read() as session:
        return session.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar() is not None


def apply_schema(db: Database) -> bool:
    """Install procrastinate's schema unless present (``songforge migrate``); True when it was installed."""
    with db.write() as session:
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SCHEMA_LOCK})
        if session.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar() is not None:
            return False
        _raw(session).execute(SchemaManager.get_schema())  # no parameters: the '%' in the SQL stay literal
    log.info("queue.procrastinate_schema_applied")
    return True


class ProcrastinateQueue:
    """Implements ``songforge.queue.base.Queue`` on procrastinate (PostgreSQL with psycopg 3 only)."""

    def __init__(self, db: Database, settings: Settings) -> None:
        if db.is_sqlite or db.write_engine.dialect.driver != "psycopg":
            raise ValueError("the procrastinate queue needs PostgreSQL through psycopg 3 "
                             "(database.url = postgresql+psycopg://...)")
        if not schema_installed(db):
            raise RuntimeError("procrastinate's tables are missing: run `songforge migrate` with "
                               "SONGFORGE_QUEUE__BACKEND=procrastinate")
        self.db = db
        self.lease_seconds = settings.queue.lease_seconds
        # Never opened: every query runs on a connection of our SQLAlchemy pool (one pool per process).
        self.connector = SyncPsycopgConnector()
        self.manager = JobManager(self.connector)
        self._sweep_every = max(0.1, self.lease_seconds / 4)
        self._next_sweep = 0.0
        self._sweep_lock = threading.Lock()

    def _one(self, session: Session, query: str, **params: Any) -> dict[str, Any]:
        return self.connector.execute_query_one_with_connection(_raw(session), sql.queries[query], **params)

    def _all(self, session: Session, query: str, **params: Any) -> list[dict[str, Any]]:
        return self.connector.execute_query_all_with_connection(_raw(session), sql.queries[query], **params)

    def enqueue(self, session: Session, task_id: str, queue: str) -> None:
        job = Job(queue=queue, task_name=TASK_NAME, lock=None, queueing_lock=None, task_kwargs={"task_id": task_id})
        self.manager.defer_job(job, connection=_raw(session))

    def claim(self, queues: list[str] | None, worker_id: str) -> ClaimedJob | None:
        self._sweep_if_due()
        try:
            with self.db.write() as session:
                lease = int(self._one(session, "register_worker")["worker_id"])
                row = self._one(session, "fetch_job", queues=queues or None, worker_id=lease)
                if row["id"] is None:
                    raise _NoJob
        except _NoJob:
            return None
        log.debug("queue.claimed", job_id=row["id"], lease_id=lease, worker=worker_id)
        # procrastinate counts finished tries; songforge counts this one too (as LocalQueue does at claim)
        return LeasedJob(job_id=int(row["id"]), task_id=str(row["args"]["task_id"]), queue=str(row["queue_name"]),
                         attempts=int(row["attempts"]) + 1, lease_id=lease)

    def heartbeat(self, job: ClaimedJob, worker_id: str) -> bool:
        lease = _lease_of(job)
        with self.db.write() as session:
            self._all(session, "update_heartbeat", worker_id=lease)
            return self._owns(session, job.job_id, lease, lock=False)

    def finish(self, job: ClaimedJob, *, error: str = "", retry_in: float | None = None) -> None:
        lease = _lease_of(job)
        with self.db.write() as session:
            if not self._owns(session, job.job_id, lease, lock=True):
                # Our lease ran out and the job was handed to another worker: the result is theirs to record.
                log.warning("queue.finish_after_lease_lost", job_id=job.job_id, error=error[:200])
            elif retry_in is not None:
                self._all(session, "retry_job", job_id=job.job_id, retry_at=utcnow() + timedelta(seconds=retry_in),
                          new_priority=None, new_queue_name=None, new_lock=None)
            else:
                self._all(session, "finish_job", job_id=job.job_id, status="failed" if error else "succeeded",
                          delete_job=False)
            self._all(session, "unregister_worker", worker_id=lease)
        if error:
            log.info("queue.job_finished_with_error", job_id=job.job_id, error=error[:200], retry_in=retry_in)

    def _owns(self, session: Session, job_id: int, lease: int, *, lock: bool) -> bool:
        query = "SELECT 1 FROM procrastinate_jobs WHERE id = :id AND status = 'doing' AND worker_id = :lease"
        row = session.execute(text(query + (" FOR UPDATE" if lock else "")), {"id": job_id, "lease": lease}).first()
        return row is not None

    def _sweep_if_due(self) -> None:
        """Give jobs of dead workers back to the queue, at most every quarter lease per process."""
        now = time.monotonic()
        if now < self._next_sweep or not self._sweep_lock.acquire(blocking=False):
            return
        try:
            self._next_sweep = now + self._sweep_every
            self.recover_stalled()
        finally:
            self._sweep_lock.release()

    def recover_stalled(self) -> int:
        """Retry every job whose lease was not renewed for ``lease_seconds``; returns how many."""
        with self.db.write() as session:
            self._all(session, "prune_stalled_workers", seconds_since_heartbeat=self.lease_seconds)
            stalled = self._all(session, "select_stalled_jobs_by_heartbeat", queue=None, task_name=TASK_NAME,
                                seconds_since_heartbeat=self.lease_seconds)
        recovered = 0
        for row in stalled:
            try:
                with self.db.write() as session:
                    self._all(session, "retry_job", job_id=row["id"], retry_at=utcnow(), new_priority=None,
                              new_queue_name=None, new_lock=None)
                recovered += 1
            except exceptions.ConnectorException:  # another sweeper (or the late owner) got there first
                continue
        if recovered:
            log.info("queue.stalled_jobs_recovered", count=recovered)
        return recovered


def _lease_of(job: ClaimedJob) -> int:
    if not isinstance(job, LeasedJob):
        raise TypeError("the job was not claimed from a ProcrastinateQueue")
    return job.lease_id
