"""The jobs table of the embedded queue: a job carries only a task id."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from songforge.clock import utcnow
from songforge.db import Base


class Job(Base):
    """One unit of work for a worker pool (``queue`` = engine or job family name)."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[str] = mapped_column(String(64), index=True)
    queue: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(20), default="todo")  # todo | doing | done | failed
    attempts: Mapped[int] = mapped_column(default=0)
    worker_id: Mapped[str] = mapped_column(String(100), default="")
    lease_until: Mapped[datetime | None] = mapped_column(nullable=True)
    run_after: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


Index("ix_jobs_claim", Job.status, Job.queue, Job.run_after)
