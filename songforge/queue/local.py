"""The embedded queue: a jobs table in the same SQL database (SQLite or PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import bindparam, text, update
from sqlalchemy.orm import Session

from songforge.clock import utcnow
from songforge.db import Database, UTCDateTime
from songforge.queue.base import ClaimedJob
from songforge.queue.models import Job

_CLAIM = """
UPDATE jobs SET status = 'doing', worker_id = :worker, lease_until = :lease, attempts = attempts + 1,
       updated_at = :now
WHERE id = (
    SELECT id FROM jobs
    WHERE {queue_filter}
      ((status = 'todo' AND run_after <= :now) OR (status = 'doing' AND lease_until < :now))
    ORDER BY id LIMIT 1 {lock}
)
RETURNING id, task_id, queue, attempts
"""


class LocalQueue:
    """Jobs in the ``jobs`` table; leases make abandoned work come back."""

    def __init__(self, db: Database, lease_seconds: float) -> None:
        self.db = db
        self.lease = timedelta(seconds=lease_seconds)

    def enqueue(self, session: Session, task_id: str, queue: str) -> None:
        session.add(Job(task_id=task_id, queue=queue))

    def claim(self, queues: list[str] | None, worker_id: str) -> ClaimedJob | None:
        now = utcnow()
        params: dict[str, object] = {"worker": worker_id, "lease": now + self.lease, "now": now}
        queue_filter = ""
        if queues:
            names = ", ".join(f":q{i}" for i in range(len(queues)))
            queue_filter = f"queue IN ({names}) AND"
            params.update({f"q{i}": q for i, q in enumerate(queues)})
        lock = "" if self.db.is_sqlite else "FOR UPDATE SKIP LOCKED"
        sql = text(_CLAIM.format(queue_filter=queue_filter, lock=lock)).bindparams(
            bindparam("now", type_=UTCDateTime()), bindparam("lease", type_=UTCDateTime()))
        with self.db.write() as session:
            row = session.execute(sql, params).first()
        if row is None:
            return None
        return ClaimedJob(job_id=row[0], task_id=row[1], queue=row[2], attempts=row[3])

    def heartbeat(self, job: ClaimedJob, worker_id: str) -> bool:
        with self.db.write() as session:
            result = session.execute(
                update(Job).where(Job.id == job.job_id, Job.worker_id == worker_id, Job.status == "doing")
                .values(lease_until=utcnow() + self.lease))
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def finish(self, job: ClaimedJob, *, error: str = "", retry_in: float | None = None) -> None:
        values: dict[str, object] = {"last_error": error[:2000], "lease_until": None}
        if retry_in is not None:
            values.update(status="todo", run_after=utcnow() + timedelta(seconds=retry_in))
        else:
            values["status"] = "failed" if error else "done"
        with self.db.write() as session:
            session.execute(update(Job).where(Job.id == job.job_id).values(**values))
