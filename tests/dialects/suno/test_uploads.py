"""/suno/uploads/*: the six-step flow over real HTTP (multipart and PUT), audio-url, and every refusal."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from songforge.clock import utcnow
from songforge.upload.models import Upload
from tests.conftest import run_jobs
from tests.upload.audio import file_server, make_audio


def _path(url: str) -> str:
    u = httpx.URL(url)
    return u.raw_path.decode()


def _start(client, auth, **body):
    resp = client.post("/suno/uploads/audio", json=body or {"extension": "mp3"}, headers=auth)
    assert resp.status_code == 200, resp.text
    return resp.json()


def _post_form(client, start, data: bytes):
    fields = dict(start["fields"])
    return client.post(_path(start["url"]), data=fields, files={"file": ("song.mp3", data, "audio/mpeg")})


def test_six_step_upload_ends_in_a_clip_that_can_be_extended(client, auth, app, tmp_path):
    start = _start(client, auth)
    assert start["code"] == "success" and start["data"]["id"] == start["id"] == start["upload_id"]
    assert start["is_file_uploaded"] is False and start["url"] == start["upload_url"]
    assert start["fields"]["key"] == f"raw_uploads/{start['id']}.mp3"
    assert _post_form(client, start, make_audio(tmp_path / "song.mp3").read_bytes()).status_code == 204
    pending = client.get(f"/suno/uploads/audio/{start['id']}", headers=auth).json()
    assert pending["status"] == "pending"
    early = client.post(f"/suno/uploads/audio/{start['id']}/initialize-clip", json={}, headers=auth)
    assert early.status_code == 400 and early.json()["code"] == "upload_not_ready" and early.json()["data"] is None

    fin = client.post(f"/suno/uploads/audio/{start['id']}/upload-finish",
                      json={"upload_type": "file_upload", "upload_filename": "Summer Demo.mp3"}, headers=auth).json()
    assert fin["status"] == "processing" and fin["id"] == start["id"]
    run_jobs(app.state.rt)
    done = client.get(f"/suno/uploads/audio/{start['id']}", headers=auth).json()
    assert done["status"] == "complete" and done["title"] == "Summer Demo" and done["error_message"] is None
    assert done["s3_id"].startswith("m_") and done["image_url"].startswith("http") and done["has_vocal"] is True
    clip_id = client.post(f"/suno/uploads/audio/{start['id']}/initialize-clip", json={}, headers=auth).json()["clip_id"]
    again = client.post(f"/suno/uploads/audio/{start['id']}/initialize-clip", json={}, headers=auth).json()
    assert again["clip_id"] == again["data"]["clip_id"] == clip_id and done["s3_id"] == f"m_{clip_id}"

    ext = client.post("/suno/submit/music", json={"task": "upload_extend", "continue_clip_id": clip_id,
                                                  "continue_at": 4.5, "prompt": "[Verse]\nmore", "tags": "pop"},
                      headers=auth)
    assert ext.status_code == 200, ext.text
    run_jobs(app.state.rt)
    task = client.get(f"/suno/fetch/{ext.json()['data']}", headers=auth).json()["data"]
    assert task["status"] == "SUCCESS"
    assert task["data"][0]["metadata"]["history"][0] == {"id": clip_id, "continue_at": 4.5, "type": "upload",
                                                         "source": "web", "infill": False}


def test_raw_put_upload_answers_200_and_works_under_the_sunoi_prefix(client, auth, app, tmp_path):
    start = client.post("/sunoi/uploads/audio", json={"extension": "wav"}, headers=auth).json()
    put = client.put(_path(start["upload_url"]), content=make_audio(tmp_path / "a.wav").read_bytes())
    assert put.status_code == 200 and put.content == b""
    client.post(f"/sunoi/uploads/audio/{start['id']}/upload-finish", json={"upload_filename": "a.wav"}, headers=auth)
    run_jobs(app.state.rt)
    assert client.get(f"/sunoi/uploads/audio/{start['id']}", headers=auth).json()["status"] == "complete"


def test_upload_target_refuses_a_wrong_signature_with_403(client, auth):
    start = _start(client, auth)
    bad = _path(start["url"]).split("signature=")[0] + "signature=" + "0" * 40
    resp = client.put(bad, content=b"abc")
    assert resp.status_code == 403 and resp.json()["code"] == "forbidden" and resp.json()["data"] is None


def test_upload_target_refuses_an_expired_link_with_403(client, auth, app):
    start = _start(client, auth)
    with app.state.rt.db.write() as s:
        s.get(Upload, start["id"]).expires_at = utcnow() - timedelta(seconds=1)
    resp = client.put(_path(start["url"]), content=b"abc")
    assert resp.status_code == 403 and "expired" in resp.json()["message"]


def test_upload_target_refuses_oversize_bodies_with_400(client, auth, app):
    app.state.rt.settings.storage.max_upload_bytes = 1000
    start = _start(client, auth)
    resp = client.put(_path(start["url"]), content=b"x" * 5000)
    assert resp.status_code == 400 and resp.json()["code"] == "upload_too_large"
    form = _post_form(client, start, b"y" * 5000)
    assert form.status_code == 400 and form.json()["code"] == "upload_too_large"


def test_upload_target_refuses_a_form_key_for_another_upload(client, auth, tmp_path):
    start = _start(client, auth)
    fields = {**start["fields"], "key": "raw_uploads/someone-else.mp3"}
    resp = client.post(_path(start["url"]), data=fields, files={"file": ("a.mp3", b"abc", "audio/mpeg")})
    assert resp.status_code == 400 and resp.json()["code"] == "invalid_request"


def test_finishing_before_any_bytes_arrived_is_a_clear_400(client, auth):
    start = _start(client, auth)
    resp = client.post(f"/suno/uploads/audio/{start['id']}/upload-finish", json={}, headers=auth)
    assert resp.status_code == 400 and "no file" in resp.json()["message"]


def test_short_audio_ends_the_upload_in_error_with_a_message(client, auth, app, tmp_path):
    start = _start(client, auth)
    client.put(_path(start["url"]), content=make_audio(tmp_path / "s.mp3", 2.0).read_bytes())
    client.post(f"/suno/uploads/audio/{start['id']}/upload-finish", json={"upload_filename": "s.mp3"}, headers=auth)
    run_jobs(app.state.rt)
    body = client.get(f"/suno/uploads/audio/{start['id']}", headers=auth).json()
    assert body["status"] == "error" and "too short" in body["error_message"] and body["error_type"]
    init = client.post(f"/suno/uploads/audio/{start['id']}/initialize-clip", json={}, headers=auth)
    assert init.status_code == 400 and init.json()["code"] == "upload_not_ready"


def test_non_audio_bytes_end_the_upload_in_error(client, auth, app):
    start = _start(client, auth)
    client.put(_path(start["url"]), content=b"<html>not audio</html>" * 50)
    client.post(f"/suno/uploads/audio/{start['id']}/upload-finish", json={}, headers=auth)
    run_jobs(app.state.rt)
    body = client.get(f"/suno/uploads/audio/{start['id']}", headers=auth).json()
    assert body["status"] == "error" and "not a readable audio file" in body["error_message"]


@pytest.mark.parametrize("path", ["/suno/uploads/audio/nope", "/suno/uploads/audio/nope/initialize-clip",
                                  "/suno/uploads/audio/nope/upload-finish"])
def test_unknown_upload_ids_are_task_not_exist(client, auth, path):
    resp = client.get(path, headers=auth) if path.endswith("nope") else client.post(path, json={}, headers=auth)
    assert resp.status_code == 400 and resp.json() == {"code": "task_not_exist", "message": resp.json()["message"],
                                                       "data": None}


def test_another_keys_upload_is_invisible(client, auth, app):
    from tests.conftest import new_key

    start = _start(client, auth)
    other = {"Authorization": f"Bearer {new_key(app.state.rt)}"}
    assert client.get(f"/suno/uploads/audio/{start['id']}", headers=other).json()["code"] == "task_not_exist"


def test_upload_routes_need_a_key_but_the_target_does_not(client, auth):
    assert client.post("/suno/uploads/audio", json={}).status_code == 401
    assert client.post("/suno/uploads/audio-url", json={"url": "http://x"}).status_code == 401


def test_audio_url_id_is_a_pollable_task_and_the_clip_id(client, auth, app, tmp_path):
    with file_server() as srv:
        srv.files["/v.mp3"] = make_audio(tmp_path / "v.mp3").read_bytes()
        resp = client.post("/suno/uploads/audio-url", json={"url": srv.url("/v.mp3")}, headers=auth).json()
        assert resp["code"] == "success" and resp["message"] == ""
        run_jobs(app.state.rt)
    task = client.get(f"/suno/fetch/{resp['data']}", headers=auth).json()["data"]
    assert task["status"] == "SUCCESS" and task["action"] == "MUSIC" and len(task["data"]) == 1
    clip = task["data"][0]
    assert clip["id"] == resp["data"] and clip["metadata"]["type"] == "upload" and clip["audio_url"]
    cover = client.post("/suno/submit/music", json={"task": "cover", "cover_clip_id": clip["id"], "prompt": "la",
                                                    "tags": "jazz"}, headers=auth)
    assert cover.status_code == 200


def test_audio_url_refuses_private_targets_and_bad_urls(client, auth):
    for url in ("http://169.254.169.254/x.mp3", "file:///etc/passwd", "", "http://[::1", "http://a:port/x", 123):
        resp = client.post("/suno/uploads/audio-url", json={"url": url}, headers=auth)
        assert resp.status_code == 400 and resp.json()["data"] is None, url


def test_step_one_with_a_url_fetches_the_bytes_server_side(client, auth, app, tmp_path):
    with file_server() as srv:
        srv.files["/w.wav"] = make_audio(tmp_path / "w.wav").read_bytes()
        start = _start(client, auth, url=srv.url("/w.wav"), name="w")
    assert start["is_file_uploaded"] is True and start["fields"]["key"].endswith(".wav")
    client.post(f"/suno/uploads/audio/{start['id']}/upload-finish", json={"upload_filename": "w.wav"}, headers=auth)
    run_jobs(app.state.rt)
    assert client.get(f"/suno/uploads/audio/{start['id']}", headers=auth).json()["status"] == "complete"


def test_malformed_bodies_get_the_dialect_envelope(client, auth):
    resp = client.post("/suno/uploads/audio", content=b"{nope", headers={**auth, "Content-Type": "application/json"})
    assert resp.status_code == 400 and resp.json()["code"] == "invalid_request"


def test_a_broken_multipart_body_is_a_dialect_400(client, auth):
    start = _start(client, auth)
    resp = client.post(_path(start["url"]), content=b"--xx\r\nbroken",
                       headers={"Content-Type": "multipart/form-data"})
    assert resp.status_code == 400 and resp.json()["code"] == "invalid_request"


def test_unsupported_extensions_are_refused_at_step_one(client, auth):
    resp = client.post("/suno/uploads/audio", json={"extension": "exe"}, headers=auth)
    assert resp.status_code == 400 and resp.json()["code"] == "invalid_request" and "mp3" in resp.json()["message"]


def test_finishing_twice_queues_one_processing_job(client, auth, app, tmp_path):
    start = _start(client, auth)
    client.put(_path(start["url"]), content=make_audio(tmp_path / "a.mp3").read_bytes())
    for _ in range(2):
        fin = client.post(f"/suno/uploads/audio/{start['id']}/upload-finish", json={}, headers=auth).json()
        assert fin["status"] == "processing"
    assert run_jobs(app.state.rt) == 1
    again = client.post(f"/suno/uploads/audio/{start['id']}/upload-finish", json={}, headers=auth).json()
    assert again["status"] == "complete"
    late = client.put(_path(start["url"]), content=b"new bytes")
    assert late.status_code == 400 and "already complete" in late.json()["message"]
