"""/suno/act/*: wav, mp4, midi, timing and tags over HTTP, with a real worker converting in the background."""

from __future__ import annotations

import httpx
import pytest

from songforge.dialects.suno import act
from tests.conftest import run_jobs
from tests.media.conftest import ffprobe
from tests.media.worker_thread import background_worker

LYRICS = "[Verse]\nCity lights are calling me\n[Chorus]\nWe are young and we are free"


def _song(client, auth, app, **body):
    task_id = client.post("/suno/submit/music", json={"prompt": LYRICS, "tags": "pop", "title": "Night", **body},
                          headers=auth).json()["data"]
    run_jobs(app.state.rt)
    return client.get(f"/suno/fetch/{task_id}", headers=auth).json()["data"]["data"][0]


def _get(client, url):
    return client.get(httpx.URL(url).raw_path.decode())


def _superset(body):
    raw = {k: v for k, v in body.items() if k not in ("code", "message", "data")}
    assert body["code"] == "success" and body["message"] == "" and body["data"] == raw
    return raw


def test_wav_of_an_engine_clip_is_served_at_once(client, auth, app):
    clip = _song(client, auth, app)
    raw = _superset(client.get(f"/suno/act/wav/{clip['id']}", headers=auth).json())
    wav = _get(client, raw["wav_file_url"])
    assert wav.status_code == 200 and wav.content[:4] == b"RIFF"


def test_wav_is_converted_on_first_call_while_the_request_waits(client, auth, app):
    clip = _song(client, auth, app)
    from songforge.task.models import Clip

    with app.state.rt.db.write() as s:
        row = s.get(Clip, clip["id"])
        row.files = {k: v for k, v in row.files.items() if k != "wav"}
    with background_worker(app.state.rt):
        first = _superset(client.get(f"/suno/act/wav/{clip['id']}", headers=auth).json())
    assert _get(client, first["wav_file_url"]).content[:4] == b"RIFF"
    second = client.get(f"/suno/act/wav/{clip['id']}", headers=auth).json()
    assert second["wav_file_url"] == first["wav_file_url"]


def test_wav_answers_null_when_the_conversion_takes_too_long(client, auth, app, monkeypatch):
    clip = _song(client, auth, app)
    from songforge.task.models import Clip

    with app.state.rt.db.write() as s:
        row = s.get(Clip, clip["id"])
        row.files = {k: v for k, v in row.files.items() if k != "wav"}
    monkeypatch.setattr(act, "ACT_WAIT", 0.3)  # no worker runs: the wait times out
    body = client.get(f"/suno/act/wav/{clip['id']}", headers=auth).json()
    assert body["wav_file_url"] is None and body["data"] == {"wav_file_url": None}


def test_mp4_renders_a_video_on_first_call_and_the_song_links_it(client, auth, app, tmp_path):
    clip = _song(client, auth, app)
    with background_worker(app.state.rt):
        raw = _superset(client.get(f"/suno/act/mp4/{clip['id']}", headers=auth).json())
    assert raw["mp4_file_url"] == raw["video_url"]
    video = tmp_path / "v.mp4"
    video.write_bytes(_get(client, raw["video_url"]).content)
    kinds = {s["codec_type"] for s in ffprobe(video)["streams"]}
    assert kinds == {"video", "audio"}
    feed = client.get(f"/suno/feed/{clip['id']}", headers=auth).json()
    assert feed[0]["video_url"]


def test_midi_is_running_until_the_job_ran_then_complete(client, auth, app):
    clip = _song(client, auth, app)
    first = _superset(client.get(f"/suno/act/midi/{clip['id']}", headers=auth).json())
    assert first == {"state": "running", "instruments": []}
    assert client.get(f"/suno/act/midi/{clip['id']}", headers=auth).json()["state"] == "running"
    assert run_jobs(app.state.rt) == 1  # one MIDI task, however often it was asked for
    done = _superset(client.get(f"/suno/act/midi/{clip['id']}", headers=auth).json())
    assert done["state"] == "complete"
    note = done["instruments"][0]["notes"][0]
    assert note["pitch"] == 60 and isinstance(note["start"], float) and 0 < note["velocity"] <= 1


def test_timing_gives_words_and_a_waveform(client, auth, app):
    clip = _song(client, auth, app)
    raw = _superset(client.get(f"/suno/act/timing/{clip['id']}", headers=auth).json())
    assert raw["aligned_words"][0] == {"word": "[Verse]", "success": True, "start_s": 0.0, "end_s": 0.4,
                                       "p_align": 1.0}
    assert len(raw["waveform_data"]) == 200 and max(raw["waveform_data"]) == 1.0
    assert raw["hoot_cer"] == 0.0 and raw["is_streamed"] is False


def test_timing_of_an_instrumental_has_no_words(client, auth, app):
    clip = _song(client, auth, app, make_instrumental=True, prompt="")
    assert client.get(f"/suno/act/timing/{clip['id']}", headers=auth).json()["aligned_words"] == []


def test_tags_are_upsampled_synchronously_and_deterministically(client, auth):
    a = _superset(client.post("/suno/act/tags", json={"original_tags": "student"}, headers=auth).json())
    b = client.post("/suno/act/tags", json={"original_tags": "student"}, headers=auth).json()
    assert "student" in a["upsampled_tags"] and a["upsampled_tags"] == b["upsampled_tags"]
    assert a["request_id"] != b["request_id"]
    empty = client.post("/suno/act/tags", json={}, headers=auth)
    assert empty.status_code == 400 and empty.json()["code"] == "invalid_request"


@pytest.mark.parametrize("kind", ["wav", "timing", "mp4", "midi"])
def test_unknown_clip_is_task_not_exist(client, auth, kind):
    resp = client.get(f"/suno/act/{kind}/does-not-exist", headers=auth)
    assert resp.status_code == 400 and resp.json()["code"] == "task_not_exist" and resp.json()["data"] is None
