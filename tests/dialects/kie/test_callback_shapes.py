"""Which events each KIE family sends (pure rendering, no database)."""

from __future__ import annotations

import pytest

from songforge.dialects.kie.callbacks import render
from songforge.storage.urls import UrlSigner
from songforge.task.models import Action, Task, TaskStatus
from songforge.task.view import RenderContext

CTX = RenderContext(UrlSigner("secret", 3600), "http://host")


def task(action: Action, status: TaskStatus = TaskStatus.COMPLETE) -> Task:
    return Task(id="a" * 32, key_id=1, dialect="kie", action=action, operation=str(action), status=status,
                params={"options": {}}, result={}, callback_url="http://cb", parent_id="p", error_code="",
                error_message="", request_body={})


@pytest.mark.parametrize("action", [Action.LYRICS, Action.WAV, Action.STEMS, Action.MIDI, Action.MP4,
                                    Action.COVER_IMAGE])
def test_non_music_families_send_only_complete_and_error(action):
    t = task(action)
    assert render(t, "text", CTX) is None and render(t, "first", CTX) is None
    done = render(t, "complete", CTX)
    assert done is not None and done.body["code"] == 200 and done.sign_id == t.id
    failed = task(action, TaskStatus.FAILED)
    error = render(failed, "error", CTX)
    assert error is not None and error.body["code"] in (400, 451, 500, 501) and error.sign_id == t.id


def test_music_sends_every_stage_and_nothing_else():
    t = task(Action.MUSIC, TaskStatus.TEXT)
    assert [render(t, e, CTX).body["data"]["callbackType"] for e in ("text", "first", "complete")] == [
        "text", "first", "complete"]
    assert render(t, "progress", CTX) is None


def test_concat_and_upload_tasks_send_nothing_in_this_dialect():
    assert render(task(Action.CONCAT), "complete", CTX) is None
    assert render(task(Action.UPLOAD), "complete", CTX) is None
