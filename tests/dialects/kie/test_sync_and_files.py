"""KIE synchronous routes (timestamped lyrics, style boost, personas, credits, download links) and file uploads."""

from __future__ import annotations

import base64
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from sqlalchemy import select

from songforge.task.models import Task
from songforge.upload.models import Upload
from tests.conftest import new_key, run_jobs
from tests.dialects.kie.helpers import LYRICS, fail, ok

SONG = {"prompt": LYRICS, "style": "pop", "title": "Night", "customMode": True, "instrumental": False,
        "model": "V4"}


def song(client, auth, app, **change):
    task_id = ok(client.post("/api/v1/generate", json={**SONG, **change}, headers=auth))["taskId"]
    run_jobs(app.state.rt)
    clips = ok(client.get(f"/api/v1/generate/record-info?taskId={task_id}", headers=auth))["response"]["sunoData"]
    return task_id, clips


def path_of(url: str) -> str:
    return httpx.URL(url).raw_path.decode()


def test_timestamped_lyrics_by_audio_id_or_music_index(client, auth, app):
    task_id, clips = song(client, auth, app)
    by_id = ok(client.post("/api/v1/generate/get-timestamped-lyrics",
                           json={"taskId": task_id, "audioId": clips[1]["id"]}, headers=auth))
    by_index = ok(client.post("/api/v1/generate/get-timestamped-lyrics", json={"taskId": task_id, "musicIndex": 1},
                              headers=auth))
    assert by_id == by_index and by_id["isStreamed"] is False
    words = by_id["alignedWords"]
    assert words[0]["word"] == "[Verse]" and all(w["endS"] > w["startS"] >= 0 and w["success"] for w in words)


def test_timestamped_lyrics_of_instrumentals_and_unfinished_clips(client, auth, app):
    task_id, clips = song(client, auth, app, instrumental=True)
    data = ok(client.post("/api/v1/generate/get-timestamped-lyrics",
                          json={"taskId": task_id, "audioId": clips[0]["id"]}, headers=auth))
    assert data["alignedWords"] == []
    pending = ok(client.post("/api/v1/generate", json=SONG, headers=auth))["taskId"]
    fail(client.post("/api/v1/generate/get-timestamped-lyrics", json={"taskId": pending, "musicIndex": 0},
                     headers=auth), 422, "not finished")
    fail(client.post("/api/v1/generate/get-timestamped-lyrics", json={"taskId": "a" * 32}, headers=auth), 404,
         "Task not found")


def test_style_boost_expands_words_and_is_synchronous(client, auth):
    data = ok(client.post("/api/v1/style/generate", json={"content": "Jazz, Sad"}, headers=auth))
    assert data["result"].startswith("Jazz, Sad, ") and "swinging rhythm" in data["result"]
    assert data["successFlag"] == "1" and data["creditsConsumed"] == 0 and data["creditsRemaining"] == 1000
    fail(client.post("/api/v1/style/generate", json={}, headers=auth), 422, "content is required")


def test_persona_is_made_once_per_clip_and_feeds_generate(client, auth, app):
    task_id, clips = song(client, auth, app)
    body = {"taskId": task_id, "audioId": clips[0]["id"], "name": "Nova", "description": "bright alto",
            " vocalStart": 1, " vocalEnd": 13}
    persona = ok(client.post("/api/v1/generate/generate-persona", json=body, headers=auth))
    assert persona["name"] == "Nova" and len(persona["personaId"]) == 32
    fail(client.post("/api/v1/generate/generate-persona", json=body, headers=auth), 409, "already exists")
    fail(client.post("/api/v1/generate/generate-persona", json={**body, "audioId": clips[1]["id"], " vocalEnd": 5},
                     headers=auth), 422, "between 10 and 30")
    new = ok(client.post("/api/v1/generate", json={**SONG, "personaId": persona["personaId"], "model": "V5"},
                         headers=auth))["taskId"]
    with app.state.rt.db.read() as s:
        params = s.get(Task, new).params
    assert params["persona_id"] == persona["personaId"] and params["artist_clip_id"] == clips[0]["id"]


def test_persona_refuses_v3_5_tasks(client, auth, app):
    task_id, clips = song(client, auth, app, model="V3_5")
    fail(client.post("/api/v1/generate/generate-persona", json={
        "taskId": task_id, "audioId": clips[0]["id"], "name": "n", "description": "d"}, headers=auth), 422, "V3_5")


def test_credit_routes_and_unlimited_keys(client, auth, app):
    for path in ("/api/v1/chat/credit", "/api/v1/generate/credit", "/api/v1/common/credit"):
        assert ok(client.get(path, headers=auth)) == 1000
    unlimited = {"Authorization": f"Bearer {new_key(app.state.rt, unlimited=True)}"}
    assert ok(client.get("/api/v1/chat/credit", headers=unlimited)) == 999_999_999


def test_download_url_reissues_only_our_links(client, auth, app):
    _task, clips = song(client, auth, app)
    link = ok(client.post("/api/v1/common/download-url", json={"url": clips[0]["audioUrl"]}, headers=auth))
    expiry = int(parse_qs(urlparse(link).query)["e"][0])
    assert expiry <= time.time() + 20 * 60 + 3600  # 20 minutes, rounded up to the signer's hour bucket
    assert client.get(path_of(link)).status_code == 200
    fail(client.post("/api/v1/common/download-url", json={"url": "https://evil.example/files/x.mp3"},
                     headers=auth), 422, "not a file generated by this server")


def test_base64_upload_is_served_by_a_three_day_link_and_recorded(client, auth, app):
    data = b"ID3\x03\x00" + bytes(range(200))
    resp = client.post("/api/file-base64-upload", json={"base64Data": base64.b64encode(data).decode(),
                                                        "uploadPath": "/audio/in/"}, headers=auth).json()
    assert resp["success"] is True and resp["code"] == 200
    info = resp["data"]
    assert info["fileName"].endswith(".mp3") and info["filePath"].startswith("audio/in/")
    assert info["fileSize"] == len(data) and info["mimeType"] == "audio/mpeg"
    assert client.get(path_of(info["downloadUrl"])).content == data
    expiry = int(parse_qs(urlparse(info["downloadUrl"]).query)["e"][0])
    assert 3 * 86400 <= expiry - time.time() <= 3 * 86400 + 3600
    with app.state.rt.db.read() as s:
        row = s.scalars(select(Upload).where(Upload.kind == "file")).one()
        assert row.path == info["filePath"] and row.size == len(data) and row.expires_at is not None


@pytest.mark.parametrize(("body", "msg"), [
    ({"base64Data": "!!!", "uploadPath": "a"}, "not valid base64"),
    ({"base64Data": "aGk=", "uploadPath": ""}, "uploadPath is required"),
    ({"base64Data": "aGk=", "uploadPath": "a/../../etc"}, "invalid segments"),
])
def test_bad_uploads_answer_400_with_success_false(client, auth, body, msg):
    resp = client.post("/api/file-base64-upload", json=body, headers=auth)
    out = resp.json()
    assert resp.status_code == 200 and out["success"] is False and out["code"] == 400 and msg in out["msg"]
    unauth = client.post("/api/file-base64-upload", json=body).json()
    assert unauth["success"] is False and unauth["code"] == 401


@pytest.fixture
def file_server():
    """A loopback HTTP server with one file and one redirect."""
    payload = b"RIFF" + b"\x00" * 100

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server API)
            if self.path == "/moved":
                self.send_response(302)
                self.send_header("Location", "/song.wav")
                self.end_headers()
                return
            if self.path != "/song.wav":
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", payload
    server.shutdown()
    server.server_close()


def test_url_upload_downloads_follows_redirects_and_reports_failures(client, auth, file_server):
    base, payload = file_server
    out = client.post("/api/file-url-upload", json={"fileUrl": f"{base}/moved", "uploadPath": "u"},
                      headers=auth).json()
    assert out["success"] is True and out["data"]["fileSize"] == len(payload)
    assert client.get(path_of(out["data"]["downloadUrl"])).content == payload
    missing = client.post("/api/file-url-upload", json={"fileUrl": f"{base}/nope", "uploadPath": "u"},
                          headers=auth).json()
    assert missing["success"] is False and missing["code"] == 451


def test_multipart_upload_then_upload_cover_uses_the_download_url(client, auth, app):
    _task, clips = song(client, auth, app)  # its mp3 is a convenient valid audio file to upload
    audio = client.get(path_of(clips[0]["audioUrl"])).content
    up = client.post("/api/file-stream-upload", files={"file": ("mine.mp3", audio, "audio/mpeg")},
                     data={"uploadPath": "covers", "fileName": "mine.mp3"}, headers=auth).json()
    assert up["success"] is True and up["data"]["filePath"] == "covers/mine.mp3"
    cover = ok(client.post("/api/v1/generate/upload-cover", json={
        "uploadUrl": up["data"]["downloadUrl"], "prompt": "a jazz take", "customMode": False, "model": "V4"},
        headers=auth))["taskId"]
    with app.state.rt.db.read() as s:
        assert s.get(Task, cover).params["source_url"] == up["data"]["downloadUrl"]
    pytest.importorskip("songforge.media.jobs")  # the upload is turned into a clip by the media/upload code
    run_jobs(app.state.rt)
    info = ok(client.get(f"/api/v1/generate/record-info?taskId={cover}", headers=auth))
    assert info["status"] == "SUCCESS" and info["operationType"] == "upload_cover", info
    assert all(c["audioUrl"] for c in info["response"]["sunoData"])
