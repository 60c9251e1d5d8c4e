"""The /suno/* submit → fetch flow against real databases, driven through HTTP."""

from __future__ import annotations

import httpx

from tests.conftest import run_jobs

LYRICS = "[Verse]\nCity lights are calling me\n[Chorus]\nWe are young and we are free"


def submit(client, auth, **body):
    return client.post("/suno/submit/music", json={"prompt": LYRICS, "tags": "pop", "title": "Night", **body},
                       headers=auth)


def test_custom_song_goes_from_submitted_to_success_with_two_playable_clips(client, auth, app):
    resp = submit(client, auth)
    assert resp.status_code == 200
    body = resp.json()
    assert body["code"] == "success" and body["message"] == ""
    task_id = body["data"]
    first = client.get(f"/suno/fetch/{task_id}", headers=auth).json()["data"]
    assert first["status"] == "SUBMITTED" and first["progress"] == "0%" and first["start_time"] == 0
    assert len(first["data"]) == 2 and all(c["status"] == "submitted" for c in first["data"])

    assert run_jobs(app.state.rt) == 1
    task = client.get(f"/suno/fetch/{task_id}", headers=auth).json()["data"]
    assert task["status"] == "SUCCESS" and task["progress"] == "100%"
    assert task["finish_time"] >= task["start_time"] >= task["submit_time"] > 0
    ids = {c["id"] for c in task["data"]}
    assert len(ids) == 2
    for clip in task["data"]:
        assert clip["clip_id"] == clip["id"] and clip["status"] == "complete" and clip["state"] == "succeeded"
        assert clip["title"] == "Night" and clip["tags"] == "pop" and clip["metadata"]["prompt"] == LYRICS
        assert clip["model_name"] == "chirp-v4" and clip["major_model_version"] == "v4"
        assert clip["duration"] > 0 and clip["created_at"].endswith("Z")
        audio = client.get(httpx.URL(clip["audio_url"]).raw_path.decode())
        assert audio.status_code == 200 and audio.headers["content-type"] == "audio/mpeg"
        assert audio.content[:3] == b"ID3" or audio.content[0] == 0xFF


def test_fetch_serves_ranges_of_the_audio(client, auth, app):
    task_id = submit(client, auth).json()["data"]
    run_jobs(app.state.rt)
    clip = client.get(f"/suno/fetch/{task_id}", headers=auth).json()["data"]["data"][0]
    path = httpx.URL(clip["audio_url"]).raw_path.decode()
    full = client.get(path).content
    part = client.get(path, headers={"Range": "bytes=10-19"})
    assert part.status_code == 206 and part.content == full[10:20]


def test_batch_fetch_keeps_request_order_and_omits_unknown_ids(client, auth, app):
    a = submit(client, auth).json()["data"]
    b = submit(client, auth, title="Other").json()["data"]
    data = client.post("/suno/fetch", json={"ids": [b, "nope", a], "action": "MUSIC"}, headers=auth).json()["data"]
    assert [t["task_id"] for t in data] == [b, a]


def test_action_segment_is_case_insensitive_and_trailing_slash_optional(client, auth):
    resp = client.post("/suno/submit/MUSIC/", json={"prompt": LYRICS}, headers=auth)
    assert resp.status_code == 200 and resp.json()["code"] == "success"


def test_inspiration_mode_and_lyrics_task(client, auth, app):
    music = client.post("/suno/submit/music", json={"gpt_description_prompt": "a song about rain"},
                        headers=auth).json()["data"]
    lyrics = client.post("/suno/submit/lyrics", json={"prompt": "rain"}, headers=auth).json()["data"]
    run_jobs(app.state.rt)
    m = client.get(f"/suno/fetch/{music}", headers=auth).json()["data"]
    assert m["status"] == "SUCCESS" and m["data"][0]["metadata"]["gpt_description_prompt"] == "a song about rain"
    lyr = client.get(f"/suno/fetch/{lyrics}", headers=auth).json()["data"]
    assert lyr["action"] == "LYRICS" and lyr["status"] == "SUCCESS"
    assert lyr["data"]["status"] == "complete" and lyr["data"]["text"] and lyr["data"]["id"] == lyrics
