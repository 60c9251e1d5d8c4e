"""Bad input on /suno/*: the dialect's error envelope, the right status, no charge, no half-written task."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from songforge.account.models import ApiKey, LedgerEntry
from songforge.task.models import Task
from tests.conftest import new_key, run_jobs


def counts(rt):
    with rt.db.read() as s:
        return (s.scalar(select(func.count()).select_from(Task)),
                s.scalar(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.reason == "charge")))


def assert_error(resp, status, code):
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body["code"] == code and body["data"] is None and body["message"]
    return body


def test_missing_and_wrong_keys_are_401(client):
    assert_error(client.post("/suno/submit/music", json={"prompt": "x"}), 401, "unauthorized")
    assert_error(client.get("/suno/fetch/abc", headers={"Authorization": "Bearer nope"}), 401, "unauthorized")
    assert_error(client.post("/suno/fetch", json={"ids": []}, headers={"Authorization": "Basic x"}), 401,
                 "unauthorized")


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b'"text"'])
def test_malformed_json_is_invalid_request(client, auth, app, raw):
    resp = client.post("/suno/submit/music", content=raw, headers={**auth, "Content-Type": "application/json"})
    assert_error(resp, 400, "invalid_request")
    assert counts(app.state.rt) == (0, 0)


@pytest.mark.parametrize("body, field", [
    ({"prompt": {"a": 1}}, "prompt"),
    ({"prompt": "x", "make_instrumental": "maybe"}, "make_instrumental"),
    ({"prompt": "x", "continue_at": "soon", "task": "extend", "continue_clip_id": "c"}, "continue_at"),
    ({"tags": "pop"}, "prompt"),
    ({"gpt_description_prompt": "", "custom_mode": False}, "gpt_description_prompt"),
    ({"prompt": "x", "task": "remix"}, "task"),
    ({"prompt": "x", "task": "extend"}, "continue_clip_id"),
    ({"prompt": "x" * 3001, "mv": "chirp-v4"}, "prompt"),
    ({"prompt": "x", "tags": "t" * 201, "mv": "chirp-v3-5"}, "tags"),
    ({"prompt": "x", "title": "t" * 201}, "title"),
    ({"gpt_description_prompt": "d" * 3001}, "gpt_description_prompt"),
])
def test_invalid_music_bodies_name_the_field_and_write_nothing(client, auth, app, body, field):
    resp = assert_error(client.post("/suno/submit/music", json=body, headers=auth), 400, "invalid_request")
    assert field in resp["message"]
    assert counts(app.state.rt) == (0, 0)


def test_longer_limits_apply_to_newer_models(client, auth):
    resp = client.post("/suno/submit/music", json={"prompt": "x" * 4000, "tags": "t" * 900, "mv": "chirp-auk"},
                       headers=auth)
    assert resp.status_code == 200


def test_unknown_fields_are_ignored_and_strings_coerced(client, auth, app):
    resp = client.post("/suno/submit/music", headers=auth, json={
        "prompt": "la", "make_instrumental": "false", "continue_at": None, "whatever": [1], "mv": "chirp-v9"})
    assert resp.status_code == 200
    with app.state.rt.db.read() as s:
        task = s.get(Task, resp.json()["data"])
        assert task.params["instrumental"] is False and task.model == "chirp-v4"


def test_unknown_action_and_empty_lyrics_prompt(client, auth):
    assert_error(client.post("/suno/submit/video", json={}, headers=auth), 400, "invalid_action")
    assert_error(client.post("/suno/submit/lyrics", json={"prompt": "  "}, headers=auth), 400, "prompt_empty")


def test_unknown_and_foreign_task_ids_do_not_exist(client, auth, app):
    other = {"Authorization": f"Bearer {new_key(app.state.rt)}"}
    task_id = client.post("/suno/submit/music", json={"prompt": "la"}, headers=other).json()["data"]
    assert_error(client.get("/suno/fetch/does-not-exist", headers=auth), 400, "task_not_exist")
    assert_error(client.get(f"/suno/fetch/{task_id}", headers=auth), 400, "task_not_exist")
    assert client.post("/suno/fetch", json={"ids": [task_id]}, headers=auth).json()["data"] == []
    assert client.get(f"/suno/fetch/{task_id}", headers=other).status_code == 200


def test_extending_another_keys_clip_is_refused(client, auth, app):
    other = {"Authorization": f"Bearer {new_key(app.state.rt)}"}
    task_id = client.post("/suno/submit/music", json={"prompt": "la"}, headers=other).json()["data"]
    run_jobs(app.state.rt)
    clip = client.get(f"/suno/fetch/{task_id}", headers=other).json()["data"]["data"][0]["id"]
    body = {"prompt": "more", "task": "extend", "continue_clip_id": clip, "continue_at": 2}
    assert_error(client.post("/suno/submit/music", json=body, headers=auth), 400, "task_not_exist")
    assert client.post("/suno/submit/music", json=body, headers=other).status_code == 200


def test_extend_point_outside_the_clip_is_refused(client, auth, app):
    task_id = client.post("/suno/submit/music", json={"prompt": "la"}, headers=auth).json()["data"]
    run_jobs(app.state.rt)
    clip = client.get(f"/suno/fetch/{task_id}", headers=auth).json()["data"]["data"][0]
    body = {"prompt": "more", "task": "extend", "continue_clip_id": clip["id"], "continue_at": clip["duration"] + 5}
    resp = assert_error(client.post("/suno/submit/music", json=body, headers=auth), 400, "invalid_request")
    assert "continue_at" in resp["message"]


def test_zero_credits_rejects_without_charging(client, app):
    rt = app.state.rt
    poor = {"Authorization": f"Bearer {new_key(rt, credits=5)}"}
    assert_error(client.post("/suno/submit/music", json={"prompt": "la"}, headers=poor), 403, "quota_not_enough")
    assert counts(rt) == (0, 0)
    with rt.db.read() as s:
        assert {k.credits for k in s.scalars(select(ApiKey))} >= {5}


def test_private_and_unresolvable_callback_urls_are_refused(client, auth, app):
    app.state.rt.tasks.guard.allowed = []  # as in production: no allow-list
    for url in ["http://127.0.0.1:9/hook", "http://10.1.2.3/hook", "http://169.254.169.254/latest",
                "http://[::1]/x", "ftp://example.com/x", "http://no-such-host.invalid/x"]:
        resp = client.post("/suno/submit/music", json={"prompt": "la", "notify_hook": url}, headers=auth)
        assert_error(resp, 400, "invalid_request")
    assert counts(app.state.rt) == (0, 0)


def test_unknown_routes_and_methods_use_the_envelope(client, auth):
    assert_error(client.get("/suno/nothing-here", headers=auth), 404, "not_found")
    assert_error(client.get("/suno/submit/music", headers=auth), 405, "method_not_allowed")


def test_rate_limit_answers_429(tmp_path, db_url):
    from fastapi.testclient import TestClient

    from songforge.app import create_app
    from tests.conftest import make_settings

    app = create_app(make_settings(tmp_path, db_url, rate_limit_per_10s=2), workers=0, background=False)
    with TestClient(app) as client:
        auth = {"Authorization": f"Bearer {new_key(app.state.rt)}"}
        codes = [client.post("/suno/submit/music", json={"prompt": "la"}, headers=auth).status_code
                 for _ in range(3)]
        assert codes == [200, 200, 429]
        assert counts(app.state.rt) == (2, 2)
