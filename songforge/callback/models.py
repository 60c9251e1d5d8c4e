"""The callback outbox: one row per delivery, written with the state change it reports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from songforge.clock import utcnow
from songforge.db import Base


class Delivery(Base):
    """One callback to send (and its attempts)."""

    __tablename__ = "callback_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[str] = mapped_column(String(64), index=True)
    key_id: Mapped[int] = mapped_column()
    seq: Mapped[int] = mapped_column(default=0)  # stage order within the task
    event: Mapped[str] = mapped_column(String(30))  # text | first | complete | error | ...
    url: Mapped[str] = mapped_column(Text)
    body: Mapped[dict[str, Any]] = mapped_column()
    sign_id: Mapped[str] = mapped_column(String(64), default="")  # the id string the KIE signature covers
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending | delivered | failed
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    last_status: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(nullable=True)


Index("ix_deliveries_due", Delivery.status, Delivery.next_attempt_at)
