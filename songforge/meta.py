"""Server-wide values kept in the database (the generated URL-signing secret)."""

from __future__ import annotations

import secrets

from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from songforge.db import Base


class ServerMeta(Base):
    """A key/value row shared by every replica."""

    __tablename__ = "server_meta"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


def get_or_create_secret(session: Session, name: str = "url_secret") -> str:
    """The named secret, generated on first use."""
    row = session.scalar(select(ServerMeta).where(ServerMeta.key == name))
    if row is None:
        row = ServerMeta(key=name, value=secrets.token_hex(32))
        session.add(row)
        session.flush()
    return row.value
