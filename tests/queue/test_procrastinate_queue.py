"""Behaviour of the procrastinate queue beyond the shared contract: visibility, late finishers, job rows."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from songforge.db import Database
from songforge.queue.procrastinate import TASK_NAME, ProcrastinateQueue, apply_schema
from tests.conftest import make_settings

LEASE = 0.5


@pytest.fixture
def db(pg_template: Any) -> Iterator[Database]:
    """A fresh PostgreSQL database with songforge's and procrastinate's schemas."""
    server, template = pg_template
    database = Database(server.create_database(f"q_{uuid.uuid4().hex[:16]}", template=template))
    apply_schema(database)
    yield database
    database.dispose()


@pytest.fixture
def queue(db: Database, tmp_path: Path) -> ProcrastinateQueue:
    """A procrastinate queue with a short lease."""
    return ProcrastinateQueue(db, make_settings(tmp_path, db.url, queue={"backend": "procrastinate",
                                                                        "lease_seconds": LEASE}))


def test_job_deferred_in_an_open_transaction_is_invisible_until_commit(db: Database,
                                                                       queue: ProcrastinateQueue) -> None:
    with db.write() as session:
        queue.enqueue(session, "task-1", "composer")
        assert queue.claim(None, "other-connection") is None
    job = queue.claim(None, "w")
    assert job is not None and job.task_id == "task-1"


def test_job_row_is_a_procrastinate_job_in_the_engine_queue_carrying_only_the_task_id(
        db: Database, queue: ProcrastinateQueue) -> None:
    with db.write() as session:
        queue.enqueue(session, "task-2", "acestep")
    with db.read() as session:
        row = session.execute(text("SELECT queue_name, task_name, args, status FROM procrastinate_jobs")).one()
    assert tuple(row) == ("acestep", TASK_NAME, {"task_id": "task-2"}, "todo")
    job = queue.claim(["acestep"], "w")
    assert job is not None
    queue.finish(job)
    with db.read() as session:
        assert session.execute(text("SELECT status FROM procrastinate_jobs")).scalar() == "succeeded"
        assert session.execute(text("SELECT count(*) FROM procrastinate_workers")).scalar() == 0  # lease released


def test_a_worker_that_lost_its_lease_cannot_finish_the_job_of_its_successor(
        db: Database, queue: ProcrastinateQueue) -> None:
    with db.write() as session:
        queue.enqueue(session, "task-3", "composer")
    late = queue.claim(None, "slow")
    assert late is not None
    time.sleep(LEASE + 0.4)
    successor = queue.claim(None, "fresh")
    assert successor is not None and successor.task_id == "task-3"
    queue.finish(late, error="RuntimeError: too late")  # ignored: the job is no longer the late worker's
    assert queue.heartbeat(successor, "fresh") is True
    queue.finish(successor)
    with db.read() as session:
        assert session.execute(text("SELECT status FROM procrastinate_jobs")).scalar() == "succeeded"
