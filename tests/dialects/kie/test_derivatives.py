"""Derivative tasks (WAV, vocal removal, MIDI, MP4, cover image): validation, details and callbacks.

Results are written the way the media jobs write them (``task.result`` per docs/internals.md) so the rendering is
tested on its own; the end-to-end tests at the bottom run the real media jobs when ``songforge.media.jobs`` exists.
"""

from __future__ import annotations

from typing import Any

import pytest

from songforge.dialects.kie.render_aux import stem_audio_id
from songforge.task.models import Task
from tests.conftest import run_jobs
from tests.dialects.kie.helpers import LYRICS, balance, check_golden, fail, ok, outbox

CB = "http://127.0.0.1:9/cb"


def song(client, auth, app) -> tuple[str, list[dict[str, Any]]]:
    body = {"prompt": LYRICS, "style": "pop", "title": "Night", "customMode": True, "instrumental": False,
            "model": "V4", "callBackUrl": CB}
    task_id = ok(client.post("/api/v1/generate", json=body, headers=auth))["taskId"]
    run_jobs(app.state.rt)
    return task_id, ok(client.get(f"/api/v1/generate/record-info?taskId={task_id}", headers=auth))["response"][
        "sunoData"]


def finish(app, task_id: str, result: dict[str, Any] | None, blobs: dict[str, bytes] | None = None,
           error: str = "") -> None:
    """Complete (or fail) a derivative task the way the media job does."""
    rt = app.state.rt
    for key, data in (blobs or {}).items():
        rt.store.put_bytes(key, data)
    with rt.db.write() as s:
        task = s.get(Task, task_id)
        rt.tasks.start(s, task)
        if error:
            rt.tasks.fail(s, task, "media_failed", error)
        else:
            rt.tasks.complete(s, task, result=result)


def submit(client, auth, path: str, **body: Any) -> str:
    return ok(client.post(path, json={"callBackUrl": CB, **body}, headers=auth))["taskId"]


def test_wav_details_and_callback_follow_the_task_result(client, auth, app):
    music, clips = song(client, auth, app)
    task_id = submit(client, auth, "/api/v1/wav/generate", taskId=music, audioId=clips[1]["id"])
    pending = ok(client.get(f"/api/v1/wav/record-info?taskId={task_id}", headers=auth))
    assert pending["successFlag"] == "PENDING" and pending["response"] == {"audioWavUrl": None}
    assert pending["musicId"] == clips[1]["id"] and pending["completeTime"] is None
    finish(app, task_id, {"wav_key": "derived/x.wav"}, {"derived/x.wav": b"RIFFdata"})
    done = client.get(f"/api/v1/wav/record-info?taskId={task_id}", headers=auth).json()
    assert done["data"]["successFlag"] == "SUCCESS" and "/files/derived/x.wav" in done["data"]["response"]["audioWavUrl"]
    [cb] = outbox(app.state.rt, task_id)
    assert cb.sign_id == task_id and cb.body["data"]["task_id"] == task_id and cb.body["code"] == 200
    check_golden("wav", {"pending": pending, "done": done, "callback": cb.body})


def test_wav_twice_for_the_same_audio_is_a_409_conflict(client, auth, app):
    music, clips = song(client, auth, app)
    first = submit(client, auth, "/api/v1/wav/generate", taskId=music, audioId=clips[0]["id"])
    out = fail(client.post("/api/v1/wav/generate", json={"taskId": music, "audioId": clips[0]["id"]}, headers=auth),
               409, "already exists")
    assert out["data"] == {"taskId": first}
    finish(app, first, None, error="disk full")  # a failed WAV does not block a new attempt
    submit(client, auth, "/api/v1/wav/generate", taskId=music, audioId=clips[0]["id"])


def test_derivatives_need_a_known_finished_clip(client, auth, app):
    music, clips = song(client, auth, app)
    fail(client.post("/api/v1/wav/generate", json={"taskId": "f" * 32, "audioId": clips[0]["id"]}, headers=auth),
         404, "Task not found")
    fail(client.post("/api/v1/mp4/generate", json={"taskId": music, "audioId": "nope"}, headers=auth), 404)
    fail(client.post("/api/v1/mp4/generate", json={"taskId": music}, headers=auth), 422, "audioId is required")
    pending = ok(client.post("/api/v1/generate", json={"prompt": "x", "customMode": False, "model": "V4"},
                             headers=auth))["taskId"]
    pending_clip = client.get(f"/api/v1/generate/record-info?taskId={pending}", headers=auth).json()
    assert pending_clip["data"]["response"] is None  # nothing to derive from yet
    fail(client.post("/api/v1/vocal-removal/generate", json={"taskId": music, "audioId": clips[0]["id"],
                                                             "type": "karaoke"}, headers=auth), 422, "type")
    fail(client.post("/api/v1/mp4/generate", json={"taskId": music, "audioId": clips[0]["id"], "author": "a" * 51},
                     headers=auth), 422, "author exceeds maximum length of 50")


def test_separate_vocal_details_and_callback(client, auth, app):
    music, clips = song(client, auth, app)
    before = balance(client, auth)
    task_id = submit(client, auth, "/api/v1/vocal-removal/generate", taskId=music, audioId=clips[0]["id"])
    assert balance(client, auth) == before - 5
    pending = ok(client.get(f"/api/v1/vocal-removal/record-info?taskId={task_id}", headers=auth))
    assert pending["successFlag"] == "PENDING" and pending["response"] is None and pending["musicIndex"] == 0
    stems = {"Vocals": "s/v.wav", "Instrumental": "s/i.wav"}
    finish(app, task_id, {"type": "separate_vocal", "stems": stems, "origin_key": "s/o.mp3"},
           {"s/v.wav": b"v", "s/i.wav": b"i", "s/o.mp3": b"o"})
    done = client.get(f"/api/v1/vocal-removal/record-info?taskId={task_id}", headers=auth).json()
    response = done["data"]["response"]
    assert response["vocalUrl"] and response["instrumentalUrl"] and response["drumsUrl"] is None
    assert [d["id"] for d in response["originData"]] == [stem_audio_id(task_id, "Vocals"),
                                                         stem_audio_id(task_id, "Instrumental")]
    [cb] = outbox(app.state.rt, task_id)
    assert set(cb.body["data"]["vocal_removal_info"]) == {"origin_url", "instrumental_url", "vocal_url"}
    check_golden("vocal_removal", {"pending": pending, "done": done, "callback": cb.body})


def test_midi_from_a_vocal_removal_task(client, auth, app):
    music, clips = song(client, auth, app)
    stems_id = submit(client, auth, "/api/v1/vocal-removal/generate", taskId=music, audioId=clips[0]["id"],
                      type="split_stem")
    fail(client.post("/api/v1/midi/generate", json={"taskId": stems_id}, headers=auth), 422, "not finished")
    fail(client.post("/api/v1/midi/generate", json={"taskId": music}, headers=auth), 404, "Task not found")
    finish(app, stems_id, {"type": "split_stem", "stems": {"Vocals": "m/v.wav", "Drums": "m/d.wav"},
                           "origin_key": "m/o.mp3"}, {"m/v.wav": b"v", "m/d.wav": b"d", "m/o.mp3": b"o"})
    split = ok(client.get(f"/api/v1/vocal-removal/record-info?taskId={stems_id}", headers=auth))["response"]
    assert split["instrumentalUrl"] is None and split["drumsUrl"]
    fail(client.post("/api/v1/midi/generate", json={"taskId": stems_id, "audioId": "zzz"}, headers=auth), 404)
    task_id = submit(client, auth, "/api/v1/midi/generate", taskId=stems_id, audioId=split["originData"][1]["id"])
    pending = ok(client.get(f"/api/v1/midi/record-info?taskId={task_id}", headers=auth))
    assert pending["successFlag"] == 0 and pending["midiData"] is None
    assert pending["audioId"] == split["originData"][1]["id"] and isinstance(pending["recordTaskId"], int)
    notes = [{"pitch": 60, "start": "1.2", "end": 1.5, "velocity": 0.8}]  # a string time is sent as a number
    finish(app, task_id, {"state": "complete", "instruments": [{"name": "Piano", "notes": notes}]})
    done = client.get(f"/api/v1/midi/record-info?taskId={task_id}", headers=auth).json()
    assert done["data"]["midiData"]["instruments"][0]["notes"][0]["start"] == 1.2
    [cb] = outbox(app.state.rt, task_id)
    assert cb.body["task_id"] == task_id and cb.body["data"]["taskId"] == task_id
    check_golden("midi", {"pending": pending, "done": done, "callback": cb.body})


def test_mp4_details_and_failure_callback(client, auth, app):
    music, clips = song(client, auth, app)
    task_id = submit(client, auth, "/api/v1/mp4/generate", taskId=music, audioId=clips[1]["id"],
                     author="DJ Test", domainName="music.example.com")
    with app.state.rt.db.read() as s:
        assert s.get(Task, task_id).params["options"]["domainName"] == "music.example.com"
    pending = ok(client.get(f"/api/v1/mp4/record-info?taskId={task_id}", headers=auth))
    assert pending["musicIndex"] == 1 and pending["successFlag"] == "PENDING"
    finish(app, task_id, None, error="ffmpeg exploded")
    failed = client.get(f"/api/v1/mp4/record-info?taskId={task_id}", headers=auth).json()
    assert failed["data"]["successFlag"] == "GENERATE_MP4_FAILED" and failed["data"]["errorCode"] == 500
    [cb] = outbox(app.state.rt, task_id)
    assert cb.body == {"code": 500, "msg": "ffmpeg exploded", "data": {"task_id": task_id, "video_url": None}}
    ok_id = submit(client, auth, "/api/v1/mp4/generate", taskId=music, audioId=clips[0]["id"])
    finish(app, ok_id, {"mp4_key": "v/x.mp4"}, {"v/x.mp4": b"mp4"})
    done = client.get(f"/api/v1/mp4/record-info?taskId={ok_id}", headers=auth).json()
    [cb_ok] = outbox(app.state.rt, ok_id)
    check_golden("mp4", {"pending": pending, "failed": failed, "failed_callback": cb.body, "done": done,
                         "callback": cb_ok.body})


def test_cover_image_once_per_music_task(client, auth, app):
    music, _clips = song(client, auth, app)
    task_id = submit(client, auth, "/api/v1/suno/cover/generate", taskId=music)
    again = fail(client.post("/api/v1/suno/cover/generate", json={"taskId": music}, headers=auth), 400)
    assert again["data"] == {"taskId": task_id}
    pending = ok(client.get(f"/api/v1/suno/cover/record-info?taskId={task_id}", headers=auth))
    assert pending["parentTaskId"] == music and pending["successFlag"] == 0 and pending["response"] is None
    finish(app, task_id, {"image_keys": ["c/a.png", "c/b.png"]}, {"c/a.png": b"a", "c/b.png": b"b"})
    done = client.get(f"/api/v1/suno/cover/record-info?taskId={task_id}", headers=auth).json()
    assert done["data"]["successFlag"] == 1 and len(done["data"]["response"]["images"]) == 2
    [cb] = outbox(app.state.rt, task_id)
    assert cb.body["data"]["taskId"] == task_id and cb.sign_id == task_id
    check_golden("cover_image", {"pending": pending, "done": done, "callback": cb.body})


# ----- end to end through the real media jobs (run once songforge.media.jobs exists) ----------------------
def test_derivatives_end_to_end_through_the_media_jobs(client, auth, app):
    pytest.importorskip("songforge.media.jobs")
    music, clips = song(client, auth, app)
    wav = submit(client, auth, "/api/v1/wav/generate", taskId=music, audioId=clips[0]["id"])
    stems = submit(client, auth, "/api/v1/vocal-removal/generate", taskId=music, audioId=clips[0]["id"])
    cover = submit(client, auth, "/api/v1/suno/cover/generate", taskId=music)
    run_jobs(app.state.rt)
    w = ok(client.get(f"/api/v1/wav/record-info?taskId={wav}", headers=auth))
    assert w["successFlag"] == "SUCCESS" and w["response"]["audioWavUrl"], w
    s = ok(client.get(f"/api/v1/vocal-removal/record-info?taskId={stems}", headers=auth))
    assert s["successFlag"] == "SUCCESS" and s["response"]["vocalUrl"] and s["response"]["instrumentalUrl"], s
    c = ok(client.get(f"/api/v1/suno/cover/record-info?taskId={cover}", headers=auth))
    assert c["successFlag"] == 1 and c["response"]["images"], c
    midi = submit(client, auth, "/api/v1/midi/generate", taskId=stems)
    mp4 = submit(client, auth, "/api/v1/mp4/generate", taskId=music, audioId=clips[1]["id"], author="Me")
    run_jobs(app.state.rt)
    m = ok(client.get(f"/api/v1/midi/record-info?taskId={midi}", headers=auth))
    assert m["successFlag"] == 1 and m["midiData"]["state"] == "complete", m
    v = ok(client.get(f"/api/v1/mp4/record-info?taskId={mp4}", headers=auth))
    assert v["successFlag"] == "SUCCESS" and v["response"]["videoUrl"], v
