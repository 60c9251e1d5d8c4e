"""Spec §9: every validation rule answers the right HTTP status and {"error": {"type", "message"}} (+ code/message)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from songforge.app import create_app
from songforge.task.models import Task
from tests.conftest import make_settings, new_key
from tests.dialects.apiinone.support import LYRICS, SONG, create, error_of

MUSIC = "/api/v1/audio/music"
V3 = {"model": "chirp-v3-5"}
V45 = {"model": "chirp-v4-5"}

BAD_BODIES = {
    "description_over_400": {"gpt_description_prompt": "x" * 401},
    "v3_lyrics_over_3000": {**V3, "prompt": "x" * 3001},
    "v45_lyrics_over_5000": {**V45, "prompt": "x" * 5001},
    "v3_style_over_200": {**V3, "prompt": LYRICS, "style": "x" * 201},
    "v45_style_over_1000": {**V45, "prompt": LYRICS, "style": "x" * 1001},
    "title_over_80": {"prompt": LYRICS, "title": "x" * 81},
    "no_mode_usable": {"style": "pop", "title": "t"},
    "instrumental_without_style": {"make_instrumental": True},
    "wrong_type": {"prompt": LYRICS, "make_instrumental": {"no": 1}},
}


@pytest.mark.parametrize("name", BAD_BODIES)
def test_invalid_music_request_is_400_and_charges_nothing(client, auth, app, name):
    resp = client.post(MUSIC, json=BAD_BODIES[name], headers=auth)
    assert error_of(resp) == (400, "invalid_request_error")
    with app.state.rt.db.read() as s:
        assert s.query(Task).count() == 0


def test_limits_are_inclusive_and_grow_with_the_model(client, auth):
    ok = [{"gpt_description_prompt": "x" * 400}, {**V3, "prompt": "x" * 3000, "style": "s" * 200, "title": "t" * 80},
          {**V45, "prompt": "x" * 5000, "style": "s" * 1000}]
    for body in ok:
        assert client.post(MUSIC, json=body, headers=auth).status_code == 200, body


def test_wrong_json_types_are_coerced_not_rejected(client, auth, app):
    resp = client.post(MUSIC, json={"prompt": LYRICS, "make_instrumental": "false", "title": 1999}, headers=auth)
    with app.state.rt.db.read() as s:
        task = s.get(Task, resp.json()["data"]["task_id"])
        assert task.params["instrumental"] is False and task.params["title"] == "1999"


def test_unknown_fields_are_ignored_and_not_echoed_in_request_body(client, auth):
    resp = client.post(MUSIC, json={**SONG, "mood": "sunny", "seed": [1]}, headers=auth)
    assert resp.status_code == 200
    task_id = resp.json()["data"]["task_id"]
    echoed = client.get("/api/v1/audio/music/feed", params={"task_id": task_id}, headers=auth).json()["data"]
    assert echoed["request_body"] == SONG


@pytest.mark.parametrize("header", [None, "Bearer ", "Bearer nope", "Token abc"])
def test_missing_or_unknown_key_is_401_authentication_error(client, header):
    headers = {"Authorization": header} if header is not None else {}
    for resp in (client.post(MUSIC, json=SONG, headers=headers),
                 client.get("/api/v1/audio/music/feed", params={"task_id": "x"}, headers=headers),
                 client.get("/api/v1/tasks/abc", headers=headers)):
        assert error_of(resp) == (401, "authentication_error")


def test_no_credits_is_402_insufficient_credits(client, app):
    broke = {"Authorization": f"Bearer {new_key(app.state.rt, credits=0)}"}
    assert error_of(create(client, broke, **SONG)) == (402, "insufficient_credits")


def test_too_many_tasks_is_429_rate_limit_error(tmp_path, db_url):
    with TestClient(create_app(make_settings(tmp_path, db_url, rate_limit_per_10s=2), workers=0,
                               background=False)) as c:
        auth = {"Authorization": f"Bearer {new_key(c.app.state.rt)}"}
        codes = [c.post(MUSIC, json=SONG, headers=auth) for _ in range(3)]
        assert [r.status_code for r in codes[:2]] == [200, 200]
        assert error_of(codes[2]) == (429, "rate_limit_error")


def test_unknown_task_is_404_with_the_documented_message(client, auth):
    for resp in (client.get("/api/v1/tasks/" + "f" * 32, headers=auth),
                 client.get("/api/v1/audio/music/feed", params={"workId": "nope"}, headers=auth)):
        assert error_of(resp) == (404, "not_found") and resp.json()["message"] == "Task not found or expired."


def test_feed_without_any_task_id_is_400(client, auth):
    assert error_of(client.get("/api/v1/audio/music/feed", headers=auth)) == (400, "invalid_request_error")


def test_unknown_paths_and_methods_under_the_dialect_prefixes_use_this_envelope(client, auth):
    assert error_of(client.get("/api/v1/audio/nothing-here", headers=auth)) == (404, "not_found")
    assert error_of(client.get("/api/v1/tasks", headers=auth))[0] == 404
    status, kind = error_of(client.get(MUSIC, headers=auth))
    assert status == 405 and kind == "invalid_request_error"


def test_body_that_is_not_a_json_object_is_400(client, auth):
    for raw in (b"{not json", b"[1, 2]"):
        resp = client.post(MUSIC, content=raw, headers={**auth, "Content-Type": "application/json"})
        assert error_of(resp) == (400, "invalid_request_error")


def test_callback_to_a_private_network_is_refused_with_400(client, auth):
    resp = create(client, auth, **SONG, callback_url="http://10.1.2.3/hook")
    assert error_of(resp) == (400, "invalid_request_error")
