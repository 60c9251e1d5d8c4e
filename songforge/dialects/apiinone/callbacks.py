"""callback_url bodies of the API in One dialect: the feed response of that moment."""

from __future__ import annotations

from songforge.callback.service import RenderedCallback
from songforge.dialects.apiinone.render import failure, feed
from songforge.task.models import Task
from songforge.task.view import RenderContext


def render(task: Task, event: str, ctx: RenderContext) -> RenderedCallback | None:
    """The feed envelope at ``event``; a failure carries code 500 and the reason (spec §8)."""
    reason = failure(task)
    if reason:
        body = {"code": 500, "message": reason, "data": feed(task, ctx)}
    else:
        body = {"code": 200, "message": "success", "data": feed(task, ctx)}
    # sign_id: KIE-style X-Webhook-Signature covers task_id + "." + timestamp.
    return RenderedCallback(body=body, sign_id=task.id)
