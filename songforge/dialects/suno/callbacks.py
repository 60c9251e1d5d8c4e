"""notify_hook bodies of the /suno/* dialect: the task object, no envelope."""

from __future__ import annotations

from songforge.callback.service import RenderedCallback
from songforge.dialects.suno.render import task_object
from songforge.task.models import Task
from songforge.task.view import RenderContext


def render(task: Task, event: str, ctx: RenderContext) -> RenderedCallback | None:
    """The task object as it stands at ``event`` (text, first, complete, error)."""
    return RenderedCallback(body=task_object(task, ctx), sign_id=task.id)
