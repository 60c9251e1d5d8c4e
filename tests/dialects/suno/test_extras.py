"""Relay extras: /suno/feed, /suno/persona/create, raw /suno/generate* — shapes, ownership and bad input."""

from __future__ import annotations

import pytest

from tests.conftest import make_settings, new_key, run_jobs

LYRICS = "[Verse]\nCity lights are calling me\n[Chorus]\nWe are young and we are free"


@pytest.fixture
def settings(tmp_path, db_url):
    """12-second testtone clips: long enough for a persona (10 s minimum)."""
    return make_settings(tmp_path, db_url, engines={"testtone": {"seconds": 12}})


def _clips(client, auth, app, **body):
    task_id = client.post("/suno/submit/music", json={"prompt": LYRICS, "tags": "pop", "title": "Night", **body},
                          headers=auth).json()["data"]
    run_jobs(app.state.rt)
    return client.get(f"/suno/fetch/{task_id}", headers=auth).json()["data"]["data"]


def test_feed_lists_song_objects_in_request_order_without_an_envelope(client, auth, app):
    a, b = _clips(client, auth, app)
    feed = client.get(f"/suno/feed/{b['id']},nope,{a['id']}", headers=auth)
    assert feed.status_code == 200
    body = feed.json()
    assert isinstance(body, list) and [s["id"] for s in body] == [b["id"], a["id"]]
    assert body[0] == b  # the same song object /suno/fetch renders


def test_feed_hides_other_keys_clips(client, auth, app):
    a, _ = _clips(client, auth, app)
    other = {"Authorization": f"Bearer {new_key(app.state.rt)}"}
    assert client.get(f"/suno/feed/{a['id']}", headers=other).json() == []


def test_persona_from_a_clip_can_be_used_for_artist_consistency(client, auth, app):
    a, b = _clips(client, auth, app)
    resp = client.post("/suno/persona/create/", json={"root_clip_id": a["id"], "name": "Nova", "description": "airy",
                                                      "clips": [a["id"], b["id"]], "is_public": True}, headers=auth)
    assert resp.status_code == 200, resp.text
    persona = resp.json()
    assert persona["name"] == "Nova" and persona["root_clip_id"] == a["id"] and persona["clip"]["id"] == a["id"]
    assert [p["id"] for p in persona["persona_clips"]] == [1, 2]
    assert [p["clip"]["id"] for p in persona["persona_clips"]] == [a["id"], b["id"]]
    again = client.post("/suno/persona/create", json={"root_clip_id": a["id"], "name": "Other"}, headers=auth).json()
    assert again["id"] == persona["id"]
    sung = client.post("/suno/submit/music", json={"task": "artist_consistency", "persona_id": persona["id"],
                                                   "artist_clip_id": a["id"], "prompt": LYRICS}, headers=auth)
    assert sung.status_code == 200, sung.text


def test_persona_needs_a_known_finished_clip(client, auth):
    resp = client.post("/suno/persona/create/", json={"root_clip_id": "nope", "name": "x"}, headers=auth)
    assert resp.status_code == 400 and resp.json()["code"] == "task_not_exist"
    empty = client.post("/suno/persona/create/", json={"name": "x"}, headers=auth)
    assert empty.status_code == 400 and empty.json()["code"] == "invalid_request"


def test_raw_generate_answers_with_the_batch_and_its_two_clips(client, auth, app):
    resp = client.post("/suno/generate", json={"prompt": LYRICS, "tags": "rock", "title": "Go", "mv": "chirp-auk"},
                       headers=auth)
    assert resp.status_code == 200, resp.text
    batch = resp.json()
    assert batch["batch_size"] == 2 and len(batch["clips"]) == 2 and batch["status"] == "complete"
    assert batch["major_model_version"] == "v4.5" and batch["created_at"].endswith("Z")
    assert all(c["status"] == "submitted" for c in batch["clips"])
    run_jobs(app.state.rt)
    feed = client.get(f"/suno/feed/{batch['clips'][0]['id']}", headers=auth).json()
    assert feed[0]["status"] == "complete" and feed[0]["title"] == "Go"


def test_raw_description_mode_writes_from_the_description(client, auth, app):
    batch = client.post("/suno/generate/description-mode", json={"gpt_description_prompt": "a song about rain",
                                                                 "make_instrumental": False, "mv": "chirp-v4",
                                                                 "prompt": ""}, headers=auth).json()
    assert batch["metadata"]["gpt_description_prompt"] == "a song about rain"
    bad = client.post("/suno/generate/description-mode", json={"prompt": ""}, headers=auth)
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_request"


def test_raw_concat_returns_the_song_that_becomes_the_full_song(client, auth, app):
    source = _clips(client, auth, app)[0]
    ext_id = client.post("/suno/submit/music", json={"task": "extend", "continue_clip_id": source["id"],
                                                     "continue_at": 5, "prompt": "[Verse]\nmore"},
                         headers=auth).json()["data"]
    run_jobs(app.state.rt)
    ext = client.get(f"/suno/fetch/{ext_id}", headers=auth).json()["data"]["data"][0]
    song = client.post("/suno/generate/concat", json={"clip_id": ext["id"]}, headers=auth).json()
    assert song["status"] == "submitted" and song["metadata"]["type"] == "concat"
    run_jobs(app.state.rt)
    [full] = client.get(f"/suno/feed/{song['id']}", headers=auth).json()
    assert full["status"] == "complete" and abs(full["duration"] - (5 + ext["duration"])) < 0.3
    assert [h["id"] for h in full["metadata"]["concat_history"]] == [source["id"], ext["id"]]


def test_submit_concat_makes_one_concat_clip(client, auth, app):
    source = _clips(client, auth, app)[0]
    ext_id = client.post("/suno/submit/music", json={"task": "extend", "continue_clip_id": source["id"],
                                                     "continue_at": 3, "prompt": "x"}, headers=auth).json()["data"]
    run_jobs(app.state.rt)
    ext = client.get(f"/suno/fetch/{ext_id}", headers=auth).json()["data"]["data"][0]
    task_id = client.post("/suno/submit/concat", json={"clip_id": ext["id"]}, headers=auth).json()["data"]
    run_jobs(app.state.rt)
    task = client.get(f"/suno/fetch/{task_id}", headers=auth).json()["data"]
    assert task["status"] == "SUCCESS" and len(task["data"]) == 1
    assert task["data"][0]["metadata"]["type"] == "concat" and task["data"][0]["audio_url"]


def test_gen_stem_gives_vocals_and_instrumental_clips(client, auth, app):
    source = _clips(client, auth, app)[0]
    task_id = client.post("/suno/submit/music", json={"task": "gen_stem", "continue_clip_id": source["id"],
                                                      "make_instrumental": True, "mv": "chirp-auk"},
                          headers=auth).json()["data"]
    run_jobs(app.state.rt)
    task = client.get(f"/suno/fetch/{task_id}", headers=auth).json()["data"]
    assert task["status"] == "SUCCESS"
    assert [c["title"] for c in task["data"]] == ["Night - Vocals", "Night - Instrumental"]
    assert all(c["metadata"]["type"] == "stem" and c["metadata"]["stem_from_id"] == source["id"]
               and c["model_name"] == "" for c in task["data"])


def test_raw_concat_of_an_unknown_clip_is_task_not_exist(client, auth):
    resp = client.post("/suno/generate/concat", json={"clip_id": "nope"}, headers=auth)
    assert resp.status_code == 400 and resp.json()["code"] == "task_not_exist"
