"""API keys and the credit ledger."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from songforge.clock import utcnow
from songforge.db import Base


class ApiKey(Base):
    """A caller. Only the SHA-256 of the key is stored."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    key_prefix: Mapped[str] = mapped_column(String(12), default="")
    credits: Mapped[int] = mapped_column(default=0)
    unlimited: Mapped[bool] = mapped_column(default=False)
    webhook_secret: Mapped[str] = mapped_column(String(100), default="")  # Standard Webhooks "whsec_..."
    kie_hmac_key: Mapped[str] = mapped_column(String(100), default="")  # KIE webhookHmacKey
    disabled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LedgerEntry(Base):
    """One change of a key's credits. A task is charged once and refunded at most once."""

    __tablename__ = "ledger"
    __table_args__ = (UniqueConstraint("task_id", "reason", name="uq_ledger_task_reason"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"), index=True)
    task_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    delta: Mapped[int] = mapped_column()
    reason: Mapped[str] = mapped_column(String(20))  # grant | charge | refund
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


Index("ix_ledger_key_created", LedgerEntry.key_id, LedgerEntry.created_at)
