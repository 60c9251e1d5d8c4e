"""KIE callback bodies per task family; ``sign_id`` is the task id as it appears in each body."""

from __future__ import annotations

from typing import Any

from songforge.callback.service import RenderedCallback
from songforge.dialects.kie import render_aux
from songforge.dialects.kie import render as music
from songforge.task.models import Action, Task
from songforge.task.view import RenderContext


def body(task: Task, event: str, ctx: RenderContext) -> dict[str, Any] | None:
    """The body the task's family sends for ``event``, or None when it sends nothing."""
    action = Action(task.action)
    if action == Action.MUSIC:
        return music.music_callback(task, event, ctx)
    if action == Action.LYRICS:
        return render_aux.lyrics_callback(task, event)
    if action == Action.WAV:
        return render_aux.wav_callback(task, event, ctx)
    if action == Action.STEMS:
        return render_aux.stems_callback(task, event, ctx)
    if action == Action.MIDI:
        return render_aux.midi_callback(task, event)
    if action == Action.MP4:
        return render_aux.mp4_callback(task, event, ctx)
    if action == Action.COVER_IMAGE:
        return render_aux.cover_callback(task, event, ctx)
    return None


def render(task: Task, event: str, ctx: RenderContext) -> RenderedCallback | None:
    """The callback for ``event`` of ``task``; every KIE family's signed id is the task id itself."""
    rendered = body(task, event, ctx)
    return None if rendered is None else RenderedCallback(body=rendered, sign_id=task.id)
