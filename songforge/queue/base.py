"""The queue interface: it carries task ids to workers; the database stays the source of truth."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class ClaimedJob:
    """A job a worker now holds a lease on."""

    job_id: int
    task_id: str
    queue: str
    attempts: int


class Queue(Protocol):
    """Enqueue inside the caller's transaction; claim, renew, finish from workers."""

    def enqueue(self, session: Session, task_id: str, queue: str) -> None:
        """Add a job for ``task_id`` in the caller's transaction (it becomes visible on commit)."""
        ...

    def claim(self, queues: list[str] | None, worker_id: str) -> ClaimedJob | None:
        """Take the oldest due job (or one whose lease ran out); None when there is none."""
        ...

    def heartbeat(self, job: ClaimedJob, worker_id: str) -> bool:
        """Renew the lease; False when the job was taken away."""
        ...

    def finish(self, job: ClaimedJob, *, error: str = "", retry_in: float | None = None) -> None:
        """Mark the job done, failed, or (``retry_in``) due again later."""
        ...
