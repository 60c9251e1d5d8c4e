"""Writes callback deliveries into the outbox, in the transaction of the state change they report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.orm import Session

from songforge.callback.models import Delivery
from songforge.task.models import Task
from songforge.task.view import RenderContext

# Stage order: a later stage is never delivered before an earlier one of the same task.
EVENT_SEQ = {"text": 1, "first": 2, "complete": 3, "error": 3}


@dataclass(frozen=True)
class RenderedCallback:
    """A callback body as a dialect renders it, and the id its KIE signature covers."""

    body: dict[str, Any]
    sign_id: str


class CallbackRenderer(Protocol):
    """A dialect's callback body for ``event`` of ``task``; None when the dialect sends nothing for it."""

    def __call__(self, task: Task, event: str, ctx: RenderContext) -> RenderedCallback | None: ...


class CallbackOutbox:
    """Renders and records callbacks with the dialect that accepted each task."""

    def __init__(self, renderers: dict[str, CallbackRenderer]) -> None:
        self.renderers = renderers

    def record(self, session: Session, task: Task, event: str, ctx: RenderContext) -> Delivery | None:
        """Add the delivery for ``event`` when the task has a callback URL and its dialect sends one."""
        if not task.callback_url:
            return None
        renderer = self.renderers.get(task.dialect)
        if renderer is None:
            return None
        rendered = renderer(task, event, ctx)
        if rendered is None:
            return None
        delivery = Delivery(task_id=task.id, key_id=task.key_id, seq=EVENT_SEQ.get(event, 3), event=event,
                            url=task.callback_url, body=rendered.body, sign_id=rendered.sign_id)
        session.add(delivery)
        return delivery
