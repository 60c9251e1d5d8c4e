"""Queries on API keys and the ledger."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from songforge.account.models import ApiKey, LedgerEntry


def by_hash(session: Session, key_hash: str) -> ApiKey | None:
    """The key with this hash."""
    return session.scalar(select(ApiKey).where(ApiKey.key_hash == key_hash))


def by_id(session: Session, key_id: int) -> ApiKey | None:
    """The key with this id."""
    return session.get(ApiKey, key_id)


def all_keys(session: Session) -> list[ApiKey]:
    """Every key, oldest first."""
    return list(session.scalars(select(ApiKey).order_by(ApiKey.id)))


def take_credits(session: Session, key_id: int, amount: int) -> bool:
    """Atomically subtract ``amount`` if the key has that many; unlimited keys pass untouched."""
    result = session.execute(
        update(ApiKey)
        .where(ApiKey.id == key_id, ApiKey.unlimited.is_(False), ApiKey.credits >= amount)
        .values(credits=ApiKey.credits - amount)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount:  # type: ignore[attr-defined]
        return True
    return bool(session.scalar(select(ApiKey.unlimited).where(ApiKey.id == key_id)))


def give_credits(session: Session, key_id: int, amount: int) -> None:
    """Add ``amount`` credits (unlimited keys keep their balance)."""
    session.execute(update(ApiKey).where(ApiKey.id == key_id, ApiKey.unlimited.is_(False)).values(credits=ApiKey.credits + amount)
                    .execution_options(synchronize_session=False))


def ledger_entry(session: Session, task_id: str, reason: str) -> LedgerEntry | None:
    """The charge or refund row of a task."""
    return session.scalar(select(LedgerEntry).where(LedgerEntry.task_id == task_id, LedgerEntry.reason == reason))
