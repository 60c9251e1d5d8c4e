"""POST /api/v1/audio/music → feed / tasks poll, through HTTP on both databases."""

from __future__ import annotations

import httpx
import pytest

from songforge.task.models import Task
from tests.conftest import run_jobs
from tests.dialects.apiinone.support import LYRICS, SONG, create, feed, task_id_of


def test_custom_song_goes_from_pending_to_success_with_two_playable_clips(client, auth, app):
    resp = create(client, auth, **SONG)
    body = resp.json()
    assert body["code"] == 200 and body["message"] == "success"
    data = body["data"]
    task_id = data["task_id"]
    assert len(task_id) == 32 and int(task_id, 16) >= 0
    assert data["status"] == "pending" and data["model"] == "chirp-v4-5" and data["created_at"].endswith("Z")

    pending = feed(client, auth, task_id)["data"]
    assert pending["type"] == "PENDING" and pending["response_data"] == [] and pending["task_id"] == task_id

    assert run_jobs(app.state.rt) == 1
    done = feed(client, auth, task_id)["data"]
    assert done["type"] == "SUCCESS" and done["created_at"] == data["created_at"]
    assert done["request_body"] == SONG
    assert len(done["response_data"]) == 2 and len({c["id"] for c in done["response_data"]}) == 2
    for clip in done["response_data"]:
        assert clip["status"] == "complete" and clip["title"] == "Summer Dreams"
        assert clip["model_name"] == "chirp-v4-5" and clip["duration"] == pytest.approx(6.0)
        assert clip["extra_message"] == "All generated successfully."
        assert clip["fail_message"] == clip["error_message"] == ""
        audio = client.get(httpx.URL(clip["audio_url"]).raw_path.decode())
        assert audio.status_code == 200 and audio.headers["content-type"] == "audio/mpeg"


def test_model_names_of_both_doc_generations_run_their_slug_and_are_echoed_as_spelled(client, auth, app):
    cases = {"chirp-v4-0": "chirp-v4", "suno-v4-0-vip": "chirp-v4", "suno-v4-5": "chirp-auk",
             "chirp-v4-5-plus": "chirp-bluejay", "suno-v5-0": "chirp-crow", "chirp-v5-5": "chirp-fenix",
             "suno-v3-5": "chirp-v3-5"}
    ids = {name: task_id_of(create(client, auth, **{**SONG, "model": name})) for name in cases}
    run_jobs(app.state.rt)
    with app.state.rt.db.read() as s:
        for name, slug in cases.items():
            task = s.get(Task, ids[name])
            assert (task.model, task.model_alias) == (slug, name)
            assert {c.model_name for c in task.clips} == {slug}
    for name, task_id in ids.items():
        assert {c["model_name"] for c in feed(client, auth, task_id)["data"]["response_data"]} == {name}


def test_unknown_or_missing_model_runs_and_reports_the_default_chirp_v3_5(client, auth, app):
    unknown = task_id_of(create(client, auth, **{**SONG, "model": "suno-v9-ultra"}))
    missing = task_id_of(create(client, auth, prompt=LYRICS))
    with app.state.rt.db.read() as s:
        for task_id in (unknown, missing):
            assert (s.get(Task, task_id).model, s.get(Task, task_id).model_alias) == ("chirp-v3-5", "chirp-v3-5")


def test_tags_are_negative_tags_and_style_is_the_style(client, auth, app):
    task_id = task_id_of(create(client, auth, **SONG))
    run_jobs(app.state.rt)
    with app.state.rt.db.read() as s:
        task = s.get(Task, task_id)
        assert task.params["tags"] == "pop" and task.params["negative_tags"] == "metal"
        assert {(c.tags, c.negative_tags) for c in task.clips} == {("pop", "metal")}


def test_inspiration_mode_ignores_custom_fields_and_lets_the_engine_write(client, auth, app):
    task_id = task_id_of(create(client, auth, gpt_description_prompt="a song about rain", prompt="ignored",
                                title="ignored", style="ignored"))
    run_jobs(app.state.rt)
    with app.state.rt.db.read() as s:
        task = s.get(Task, task_id)
        assert task.params["custom_mode"] is False and task.params["description"] == "a song about rain"
        assert task.params["lyrics"] == task.params["title"] == task.params["tags"] == ""
    assert feed(client, auth, task_id)["data"]["type"] == "SUCCESS"


def test_instrumental_with_a_style_needs_no_lyrics(client, auth, app):
    task_id = task_id_of(create(client, auth, make_instrumental="true", style="lofi piano", title="Rain"))
    run_jobs(app.state.rt)
    with app.state.rt.db.read() as s:
        task = s.get(Task, task_id)
        assert task.params["instrumental"] is True
        assert all(not c.has_vocal and c.lyrics == "" for c in task.clips)


@pytest.mark.parametrize("param", ["task_id", "workId"])
def test_feed_accepts_the_current_and_the_older_query_name(client, auth, param):
    task_id = task_id_of(create(client, auth, **SONG))
    assert feed(client, auth, task_id, param=param)["data"]["task_id"] == task_id


def test_generic_task_route_reports_status_words_model_and_no_error(client, auth, app):
    task_id = task_id_of(create(client, auth, **SONG))
    before = client.get(f"/api/v1/tasks/{task_id}", headers=auth).json()["data"]
    assert (before["status"], before["type"], before["response_data"]) == ("pending", "PENDING", [])
    run_jobs(app.state.rt)
    after = client.get(f"/api/v1/tasks/{task_id}/", headers=auth).json()["data"]
    assert (after["status"], after["type"], after["model"], after["error"]) == ("completed", "SUCCESS",
                                                                                  "chirp-v4-5", None)
    assert after["response_data"] == feed(client, auth, task_id)["data"]["response_data"]


def test_a_failed_task_reports_failed_with_the_reason_and_refunds(client, auth, app):
    rt = app.state.rt
    task_id = task_id_of(create(client, auth, **SONG))
    with rt.db.write() as s:
        rt.tasks.fail(s, s.get(Task, task_id), "engine_error", "the GPU caught fire")
    data = client.get(f"/api/v1/tasks/{task_id}", headers=auth).json()["data"]
    assert (data["status"], data["type"]) == ("failed", "FAILED")
    assert data["error"] == {"type": "generation_failed", "message": "the GPU caught fire"}
    assert {(c["status"], c["fail_message"], c["error_message"]) for c in data["response_data"]} == {
        ("error", "the GPU caught fire", "the GPU caught fire")}
    with rt.db.read() as s:
        assert s.get(Task, task_id).params["_refunded"] is True


@pytest.mark.parametrize("key_name", ["callback_url", "callBackUrl", "notify_hook"])
def test_every_callback_key_spelling_is_accepted(client, auth, app, key_name):
    task_id = task_id_of(create(client, auth, **SONG, **{key_name: "http://127.0.0.1:9/hook"}))
    with app.state.rt.db.read() as s:
        assert s.get(Task, task_id).callback_url == "http://127.0.0.1:9/hook"


def test_a_task_is_polled_only_through_this_dialect_and_only_by_its_key(client, auth, app):
    from tests.conftest import new_key

    suno_task = client.post("/suno/submit/music", json={"prompt": LYRICS}, headers=auth).json()["data"]
    assert client.get(f"/api/v1/tasks/{suno_task}", headers=auth).status_code == 404
    mine = task_id_of(create(client, auth, **SONG))
    other = {"Authorization": f"Bearer {new_key(app.state.rt)}"}
    resp = client.get("/api/v1/audio/music/feed", params={"task_id": mine}, headers=other)
    assert resp.status_code == 404 and resp.json()["error"] == {"type": "not_found",
                                                                "message": "Task not found or expired."}
