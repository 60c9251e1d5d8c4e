"""POST /api/v1/audio/music/extend: inheriting from the origin task, custom continuations and their limits."""

from __future__ import annotations

import pytest

from songforge.task.models import Task
from tests.conftest import run_jobs
from tests.dialects.apiinone.support import SONG, create, error_of, feed, task_id_of

EXTEND = "/api/v1/audio/music/extend"


@pytest.fixture
def origin(client, auth, app) -> str:
    """A finished generate task of this dialect."""
    task_id = task_id_of(create(client, auth, **SONG))
    run_jobs(app.state.rt)
    return task_id


def test_extension_without_custom_mode_inherits_text_and_model_and_continues_from_the_end(client, auth, app, origin):
    clips = feed(client, auth, origin)["data"]["response_data"]
    ext = task_id_of(create(client, auth, EXTEND, origin_task_id=origin, extend_audio_index="1"))
    run_jobs(app.state.rt)
    with app.state.rt.db.read() as s:
        task = s.get(Task, ext)
        assert task.operation == "extend" and task.parent_id == clips[1]["id"]
        assert (task.model, task.model_alias) == ("chirp-auk", "chirp-v4-5")
        p = task.params
        assert (p["lyrics"], p["tags"], p["title"], p["negative_tags"]) == (SONG["prompt"], "pop", "Summer Dreams",
                                                                            "metal")
        assert p["continue_at"] is None  # "from the end": the engine continues after the last second
        assert all(c.meta["history"][0]["id"] == clips[1]["id"] for c in task.clips)
    data = feed(client, auth, ext)["data"]
    assert data["type"] == "SUCCESS" and {c["model_name"] for c in data["response_data"]} == {"chirp-v4-5"}
    assert data["request_body"] == {"origin_task_id": origin, "extend_audio_index": "1"}


def test_custom_extension_sings_new_lyrics_from_the_given_second(client, auth, app, origin):
    ext = task_id_of(create(client, auth, EXTEND, origin_task_id=origin, extend_audio_index=0, custom_mode=True,
                            prompt="[Bridge]\nOne more time", extensionStartTime="3.5", style="rock"))
    run_jobs(app.state.rt)
    with app.state.rt.db.read() as s:
        p = s.get(Task, ext).params
        assert (p["lyrics"], p["tags"], p["title"], p["continue_at"]) == ("[Bridge]\nOne more time", "rock",
                                                                          "Summer Dreams", 3.5)
    assert feed(client, auth, ext)["data"]["request_body"]["extensionStartTime"] == "3.5"


@pytest.mark.parametrize("start", [0, -1, 6.0, 30])
def test_extension_start_outside_the_clip_is_rejected(client, auth, origin, start):
    resp = create(client, auth, EXTEND, origin_task_id=origin, extend_audio_index=0, extensionStartTime=start)
    assert error_of(resp) == (400, "invalid_request_error") and "extensionStartTime" in resp.json()["message"]


@pytest.mark.parametrize("index", [2, -1, None, "x"])
def test_audio_index_other_than_0_or_1_is_rejected(client, auth, origin, index):
    assert error_of(create(client, auth, EXTEND, origin_task_id=origin, extend_audio_index=index)) == (
        400, "invalid_request_error")


def test_unknown_origin_is_not_found_and_unfinished_origin_is_a_bad_request(client, auth):
    assert error_of(create(client, auth, EXTEND, origin_task_id="0" * 32, extend_audio_index=0)) == (404, "not_found")
    running = task_id_of(create(client, auth, **SONG))
    resp = create(client, auth, EXTEND, origin_task_id=running, extend_audio_index=0)
    assert error_of(resp) == (400, "invalid_request_error") and "not finished" in resp.json()["message"]


def test_custom_extension_needs_a_prompt(client, auth, origin):
    resp = create(client, auth, EXTEND, origin_task_id=origin, extend_audio_index=0, custom_mode=True)
    assert error_of(resp) == (400, "invalid_request_error") and "prompt" in resp.json()["message"]


def test_rejected_extension_charges_nothing(client, auth, app, origin):
    from songforge.account.models import ApiKey
    from songforge.account.service import hash_key

    def credits() -> int:
        with app.state.rt.db.read() as s:
            return next(k.credits for k in s.query(ApiKey).all() if k.key_hash == hash_key(auth["Authorization"][7:]))

    before = credits()
    create(client, auth, EXTEND, origin_task_id=origin, extend_audio_index=0, extensionStartTime=99)
    assert credits() == before
