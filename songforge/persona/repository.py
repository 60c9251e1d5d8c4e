"""Queries on personas."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from songforge.persona.models import Persona


def for_clip(session: Session, key_id: int, clip_id: str) -> Persona | None:
    """The key's persona made from ``clip_id``."""
    return session.scalar(select(Persona).where(Persona.key_id == key_id, Persona.clip_id == clip_id))


def for_key(session: Session, key_id: int, persona_id: str) -> Persona | None:
    """The persona if it belongs to ``key_id``."""
    persona = session.get(Persona, persona_id)
    return persona if persona is not None and persona.key_id == key_id else None
