"""User uploads: bytes that become a clip other tasks can build on."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from songforge.clock import utcnow
from songforge.db import Base


class Upload(Base):
    """An uploaded (or URL-fetched) audio or file."""

    __tablename__ = "uploads"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="audio")  # audio | file
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending|processing|complete|error
    extension: Mapped[str] = mapped_column(String(10), default="mp3")
    filename: Mapped[str] = mapped_column(Text, default="")
    blob_key: Mapped[str] = mapped_column(Text, default="")
    path: Mapped[str] = mapped_column(Text, default="")  # file API: uploadPath/fileName
    mime_type: Mapped[str] = mapped_column(String(100), default="")
    size: Mapped[int] = mapped_column(default=0)
    duration: Mapped[float | None] = mapped_column(nullable=True)
    has_vocal: Mapped[bool] = mapped_column(default=True)
    source_url: Mapped[str] = mapped_column(Text, default="")
    clip_id: Mapped[str] = mapped_column(String(64), default="")
    error_message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(nullable=True)
