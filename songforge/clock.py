"""UTC-aware time, in one place so tests and dialects agree on it."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time, UTC-aware."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Treat naive datetimes (as SQLite returns them) as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def epoch_s(value: datetime | None) -> int:
    """Unix seconds, 0 for None."""
    return int(as_utc(value).timestamp()) if value else 0


def epoch_ms(value: datetime | None) -> int:
    """Unix milliseconds, 0 for None."""
    return int(as_utc(value).timestamp() * 1000) if value else 0


def iso_ms(value: datetime | None) -> str:
    """ISO-8601 UTC with milliseconds and a Z suffix."""
    if value is None:
        return ""
    return as_utc(value).strftime("%Y-%m-%dT%H:%M:%S.") + f"{as_utc(value).microsecond // 1000:03d}Z"


def iso_s(value: datetime | None) -> str:
    """ISO-8601 UTC with seconds precision and a Z suffix."""
    return as_utc(value).strftime("%Y-%m-%dT%H:%M:%SZ") if value else ""


def plain(value: datetime | None) -> str:
    """'YYYY-MM-DD HH:MM:SS' in UTC (KIE item times)."""
    return as_utc(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""
