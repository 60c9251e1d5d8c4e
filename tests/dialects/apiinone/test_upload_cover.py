"""POST /api/v1/audio/music/upload-cover/generate and its status route: audio_id is any clip of the caller."""

from __future__ import annotations

import pytest

from songforge.task.models import Task
from tests.conftest import new_key, run_jobs
from tests.dialects.apiinone.support import LYRICS, SONG, create, error_of, feed, set_duration, task_id_of

COVER = "/api/v1/audio/music/upload-cover/generate"
STATUS = "/api/v1/audio/music/upload-cover/status"


@pytest.fixture
def audio_id(client, auth, app) -> str:
    """A finished 6 s clip made through the Suno dialect (clip ids are global)."""
    task_id = client.post("/suno/submit/music", json={"prompt": LYRICS, "tags": "folk"}, headers=auth).json()["data"]
    run_jobs(app.state.rt)
    return str(client.get(f"/suno/fetch/{task_id}", headers=auth).json()["data"]["data"][0]["id"])


def test_cover_of_a_six_second_clip_completes_and_the_status_route_says_completed(client, auth, app, audio_id):
    task_id = task_id_of(create(client, auth, COVER, audio_id=audio_id, custom_mode="true", prompt=LYRICS,
                                style="acoustic pop", title="Cover"))
    pending = client.get(STATUS, params={"task_id": task_id}, headers=auth).json()["data"]
    assert (pending["status"], pending["type"]) == ("pending", "PENDING")
    run_jobs(app.state.rt)
    done = client.get(STATUS, params={"task_id": task_id}, headers=auth).json()["data"]
    assert (done["status"], done["type"], done["task_id"]) == ("completed", "SUCCESS", task_id)
    assert done["request_body"]["audio_id"] == audio_id and len(done["response_data"]) == 2
    assert {k: v for k, v in done.items() if k != "status"} == feed(client, auth, task_id)["data"]
    with app.state.rt.db.read() as s:
        task = s.get(Task, task_id)
        assert (task.operation, task.parent_id, task.model) == ("upload_cover", audio_id, "chirp-v3-5")
        assert (task.params["tags"], task.params["title"], task.params["lyrics"]) == ("acoustic pop", "Cover", LYRICS)


def test_cover_without_custom_mode_uses_the_prompt_as_a_description(client, auth, app, audio_id):
    task_id = task_id_of(create(client, auth, COVER, audio_id=audio_id, prompt="make it jazzy", style="ignored"))
    with app.state.rt.db.read() as s:
        p = s.get(Task, task_id).params
        assert (p["custom_mode"], p["description"], p["tags"]) == (False, "make it jazzy", "")


@pytest.mark.parametrize("seconds", [5.99, 60.01, 180])
def test_audio_shorter_than_6_or_longer_than_60_seconds_is_rejected(client, auth, app, audio_id, seconds):
    set_duration(app.state.rt, audio_id, seconds)
    resp = create(client, auth, COVER, audio_id=audio_id, custom_mode=True, prompt=LYRICS)
    assert error_of(resp) == (400, "invalid_request_error") and "6–60 s" in resp.json()["message"]


def test_a_sixty_second_clip_is_still_accepted(client, auth, app, audio_id):
    set_duration(app.state.rt, audio_id, 60)
    assert create(client, auth, COVER, audio_id=audio_id).status_code == 200


def test_unknown_or_foreign_audio_is_not_found_and_missing_audio_id_is_a_bad_request(client, auth, app, audio_id):
    assert error_of(create(client, auth, COVER, audio_id="no-such-clip")) == (404, "not_found")
    other = {"Authorization": f"Bearer {new_key(app.state.rt)}"}
    assert error_of(create(client, other, COVER, audio_id=audio_id)) == (404, "not_found")
    assert error_of(create(client, auth, COVER, prompt="x")) == (400, "invalid_request_error")


def test_a_clip_still_being_made_cannot_be_covered(client, auth, app):
    task_id = task_id_of(create(client, auth, **SONG))
    with app.state.rt.db.read() as s:
        clip_id = s.get(Task, task_id).clips[0].id
    assert error_of(create(client, auth, COVER, audio_id=clip_id)) == (400, "invalid_request_error")


def test_status_without_a_task_id_is_a_bad_request(client, auth):
    assert error_of(client.get(STATUS, headers=auth)) == (400, "invalid_request_error")
