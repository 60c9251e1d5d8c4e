"""POST /api/v1/audio/upload (our extension): a URL or a multipart file becomes an audio_id usable for covers."""

from __future__ import annotations

import pytest

from songforge.dialects.apiinone import uploads
from songforge.task.models import Clip, Task
from tests.conftest import run_jobs
from tests.dialects.apiinone.support import (
    LYRICS,
    SONG,
    create,
    error_of,
    task_id_of,
    wav_bytes,
    worker_running,
)

UPLOAD = "/api/v1/audio/upload"


def test_a_multipart_file_becomes_an_audio_id_with_its_duration_and_can_be_covered(client, auth, app):
    with worker_running(app.state.rt):
        resp = client.post(UPLOAD, files={"file": ("take.wav", wav_bytes(7.0), "audio/wav")}, headers=auth)
    assert resp.status_code == 200, resp.text
    data = resp.json()["data"]
    assert data["status"] == "complete" and data["duration"] == pytest.approx(7.0, abs=0.2)
    with app.state.rt.db.read() as s:
        clip = s.get(Clip, data["audio_id"])
        assert clip.clip_type == "upload" and clip.status == "complete"
    cover = task_id_of(create(client, auth, "/api/v1/audio/music/upload-cover/generate", audio_id=data["audio_id"],
                              custom_mode=True, prompt=LYRICS, style="jazz"))
    run_jobs(app.state.rt)
    status = client.get("/api/v1/audio/music/upload-cover/status", params={"task_id": cover}, headers=auth).json()
    assert status["data"]["status"] == "completed"


def test_an_audio_url_of_our_own_file_becomes_an_audio_id(client, auth, app):
    song = task_id_of(create(client, auth, **SONG))
    run_jobs(app.state.rt)
    url = client.get(f"/api/v1/tasks/{song}", headers=auth).json()["data"]["response_data"][0]["audio_url"]
    with worker_running(app.state.rt):
        data = client.post(UPLOAD, json={"audio_url": url}, headers=auth).json()["data"]
    assert data["status"] == "complete" and data["duration"] == pytest.approx(6.0, abs=0.2)


def test_audio_too_short_is_refused_with_the_reason(client, auth, app):
    with worker_running(app.state.rt):
        resp = client.post(UPLOAD, files={"file": ("short.wav", wav_bytes(2.0), "audio/wav")}, headers=auth)
    assert error_of(resp) == (400, "invalid_request_error") and "too short" in resp.json()["message"]


def test_slow_processing_answers_processing_and_the_task_route_reports_the_rest(client, auth, app, monkeypatch):
    monkeypatch.setattr(uploads, "WAIT_SECONDS", 0.0)
    data = client.post(UPLOAD, files={"file": ("take.wav", wav_bytes(6.5), "audio/wav")}, headers=auth).json()["data"]
    assert (data["status"], data["duration"]) == ("processing", None)
    run_jobs(app.state.rt)
    task = client.get(f"/api/v1/tasks/{data['audio_id']}", headers=auth).json()["data"]
    assert task["status"] == "completed" and task["response_data"][0]["duration"] == pytest.approx(6.5, abs=0.2)
    with app.state.rt.db.read() as s:
        assert s.get(Task, data["audio_id"]).dialect == "apiinone"


def test_neither_url_nor_file_is_a_bad_request(client, auth):
    assert error_of(client.post(UPLOAD, json={}, headers=auth)) == (400, "invalid_request_error")
    assert error_of(client.post(UPLOAD, files={"other": ("a.wav", b"x")}, headers=auth)) == (
        400, "invalid_request_error")
    assert error_of(client.post(UPLOAD, json={"audio_url": "ftp://example.com/a.mp3"}, headers=auth))[0] == 400


def test_an_uploaded_audio_id_can_be_extended_as_an_origin_task(client, auth, app):
    with worker_running(app.state.rt):
        audio_id = client.post(UPLOAD, files={"file": ("take.wav", wav_bytes(8.0), "audio/wav")},
                               headers=auth).json()["data"]["audio_id"]
    ext = task_id_of(create(client, auth, "/api/v1/audio/music/extend", origin_task_id=audio_id,
                            extend_audio_index=0, custom_mode=True, prompt="[Verse]\nMore", extensionStartTime=5))
    run_jobs(app.state.rt)
    with app.state.rt.db.read() as s:
        task = s.get(Task, ext)
        assert (task.status, task.parent_id, task.params["continue_at"]) == ("complete", audio_id, 5.0)
