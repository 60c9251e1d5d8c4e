"""One contract for every Queue: LocalQueue on SQLite and PostgreSQL, ProcrastinateQueue on PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from songforge.db import Database
from songforge.migrate import upgrade
from songforge.queue.base import ClaimedJob, Queue
from songforge.queue.local import LocalQueue
from tests.conftest import make_settings

LEASE = 0.5  # seconds; short so that lease expiry is observable quickly

pytestmark = pytest.mark.parametrize(("impl", "db_url"), [("local", "sqlite"), ("local", "postgres"),
                                                          ("procrastinate", "postgres")], indirect=True)


@pytest.fixture
def impl(request: pytest.FixtureRequest) -> str:
    """Which Queue implementation is under test."""
    return str(request.param)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """The migrated database the queue runs on."""
    database = Database(db_url)
    upgrade(database.write_engine)
    yield database
    database.dispose()


@pytest.fixture
def queue(impl: str, db: Database, db_url: str, tmp_path: Path) -> Queue:
    """A queue with a short lease."""
    settings = make_settings(tmp_path, db_url, queue={"backend": impl, "lease_seconds": LEASE})
    if impl == "local":
        return LocalQueue(db, settings.queue.lease_seconds)
    from songforge.queue.procrastinate import ProcrastinateQueue, apply_schema

    apply_schema(db)
    return ProcrastinateQueue(db, settings)


def enqueue(db: Database, queue: Queue, *jobs: tuple[str, str]) -> None:
    """Commit jobs ``(task_id, queue_name)`` in one transaction."""
    with db.write() as session:
        for task_id, name in jobs:
            queue.enqueue(session, task_id, name)


def claim(queue: Queue, queues: list[str] | None = None, worker: str = "w1") -> ClaimedJob | None:
    return queue.claim(queues, worker)


def test_job_enqueued_in_a_rolled_back_transaction_never_exists(db: Database, queue: Queue) -> None:
    with pytest.raises(RuntimeError), db.write() as session:
        queue.enqueue(session, "task-rolled-back", "composer")
        raise RuntimeError("the task could not be written")
    assert claim(queue) is None
    enqueue(db, queue, ("task-committed", "composer"))
    job = claim(queue)
    assert job is not None and job.task_id == "task-committed"


def test_jobs_are_claimed_oldest_first_and_only_from_the_asked_queues(db: Database, queue: Queue) -> None:
    enqueue(db, queue, ("a", "composer"), ("b", "media"), ("c", "composer"), ("d", "acestep"))
    first = claim(queue, ["media"])
    assert first is not None and (first.task_id, first.queue, first.attempts) == ("b", "media", 1)
    assert [j.task_id for j in (claim(queue, ["composer", "acestep"]), claim(queue, ["composer"]))
            if j is not None] == ["a", "c"]
    assert claim(queue, ["composer", "media"]) is None
    last = claim(queue)  # None: every queue
    assert last is not None and last.task_id == "d"
    assert claim(queue) is None


def test_two_workers_never_claim_the_same_job(db: Database, queue: Queue) -> None:
    enqueue(db, queue, *[(f"task-{i}", "composer") for i in range(40)])
    claimed: list[list[str]] = [[] for _ in range(6)]
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def work(n: int) -> None:
        try:
            start.wait()
            while (job := claim(queue, ["composer"], worker=f"w{n}")) is not None:
                claimed[n].append(job.task_id)
        except BaseException as exc:  # surfaced below: a thread's exception would otherwise vanish
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    everything = [task for per_worker in claimed for task in per_worker]
    assert len(everything) == 40 and len(set(everything)) == 40


def test_job_whose_lease_runs_out_is_claimed_again_and_the_old_holder_loses_it(db: Database, queue: Queue) -> None:
    enqueue(db, queue, ("task-x", "composer"))
    first = claim(queue, worker="dies")
    assert first is not None and first.attempts == 1
    assert claim(queue, worker="other") is None  # leased
    time.sleep(LEASE + 0.5)
    second = claim(queue, worker="other")
    assert second is not None and second.task_id == "task-x" and second.attempts == 2
    assert queue.heartbeat(first, "dies") is False
    assert queue.heartbeat(second, "other") is True


def test_heartbeat_keeps_the_lease_past_its_length(db: Database, queue: Queue) -> None:
    enqueue(db, queue, ("task-y", "composer"))
    job = claim(queue)
    assert job is not None
    deadline = time.monotonic() + 2 * LEASE
    while time.monotonic() < deadline:
        time.sleep(LEASE / 4)
        assert queue.heartbeat(job, "w1") is True
        assert claim(queue, worker="other") is None
    queue.finish(job)
    assert claim(queue, worker="other") is None


def test_finish_with_retry_in_makes_the_job_due_again_later(db: Database, queue: Queue) -> None:
    enqueue(db, queue, ("task-z", "composer"))
    job = claim(queue)
    assert job is not None
    queue.finish(job, error="engine busy", retry_in=0.4)
    assert claim(queue) is None
    time.sleep(0.6)
    again = claim(queue)
    assert again is not None and again.task_id == "task-z" and again.attempts == 2


def test_finished_and_failed_jobs_are_never_claimed_again(db: Database, queue: Queue) -> None:
    enqueue(db, queue, ("ok", "composer"), ("bad", "composer"))
    ok, bad = claim(queue), claim(queue)
    assert ok is not None and bad is not None
    queue.finish(ok)
    queue.finish(bad, error="RuntimeError: boom")
    time.sleep(LEASE + 0.3)  # not even once their leases would have run out
    assert claim(queue) is None
