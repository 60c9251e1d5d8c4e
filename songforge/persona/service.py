"""Creating personas from finished clips (validated; one per clip)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from songforge.errors import Conflict, InvalidRequest, NotReady, TaskNotFound
from songforge.ids import hex32
from songforge.persona import repository as repo
from songforge.persona.models import Persona
from songforge.task import repository as tasks
from songforge.task.models import Action, ClipStatus

# Operations whose clips may become personas (the vendor's list), and models too old for it.
SOURCE_OPERATIONS = {"generate", "extend", "upload_cover", "upload_extend"}
UNSUPPORTED_MODELS = {"chirp-v3-0", "chirp-v3-5"}
MIN_WINDOW, MAX_WINDOW = 10.0, 30.0


@dataclass(frozen=True)
class PersonaInput:
    """What a persona is made of."""

    task_id: str
    clip_id: str
    name: str
    description: str
    style: str = ""
    vocal_start: float = 0.0
    vocal_end: float = 30.0


def create(session: Session, key_id: int, spec: PersonaInput) -> Persona:
    """A new persona from a finished clip of one of the key's music tasks."""
    task = tasks.task_for_key(session, key_id, spec.task_id)
    if task is None or task.action != Action.MUSIC:
        raise TaskNotFound("Task not found", field="taskId")
    clip = next((c for c in task.clips if c.id == spec.clip_id), None)
    if clip is None:
        raise TaskNotFound("audioId not found in this task", field="audioId")
    if task.operation not in SOURCE_OPERATIONS:
        raise InvalidRequest(f"personas cannot be made from {task.operation} tasks", field="taskId")
    if task.model in UNSUPPORTED_MODELS:
        raise InvalidRequest("personas cannot be made from V3_5 tasks", field="taskId")
    if clip.status != ClipStatus.COMPLETE:
        raise NotReady("the music is not finished yet")
    window = spec.vocal_end - spec.vocal_start
    if spec.vocal_start < 0 or not MIN_WINDOW <= window <= MAX_WINDOW:
        raise InvalidRequest("vocalEnd - vocalStart must be between 10 and 30 seconds", field="vocalEnd")
    if clip.duration and spec.vocal_end > clip.duration + 0.01:
        raise InvalidRequest(f"vocalEnd is after the end of the clip ({clip.duration:.2f} s)", field="vocalEnd")
    if repo.for_clip(session, key_id, clip.id) is not None:
        raise Conflict("a persona already exists for this audioId")
    persona = Persona(id=hex32(), key_id=key_id, task_id=task.id, clip_id=clip.id, name=spec.name,
                      description=spec.description, style=spec.style, vocal_start=spec.vocal_start,
                      vocal_end=spec.vocal_end)
    session.add(persona)
    session.flush()
    return persona
