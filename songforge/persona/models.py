"""Personas: a voice/style taken from a finished clip, reused by later generations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from songforge.clock import utcnow
from songforge.db import Base


class Persona(Base):
    """One persona of a key, made from one clip (at most one per clip and key)."""

    __tablename__ = "personas"
    __table_args__ = (UniqueConstraint("key_id", "clip_id", name="uq_personas_key_clip"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(64))
    clip_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    style: Mapped[str] = mapped_column(Text, default="")
    vocal_start: Mapped[float] = mapped_column(default=0.0)
    vocal_end: Mapped[float] = mapped_column(default=30.0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
