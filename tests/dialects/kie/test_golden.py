"""Golden JSON per KIE route: request in, response, record-info and callbacks out (volatile values normalised)."""

from __future__ import annotations

from typing import Any

from tests.conftest import run_jobs
from tests.dialects.kie.helpers import LYRICS, check_golden, ok, outbox

CB = "http://127.0.0.1:9/callback"


def _music(client: Any, app: Any, auth: dict[str, str], name: str, path: str, request: dict[str, Any]) -> str:
    resp = client.post(path, json=request, headers=auth)
    task_id = ok(resp)["taskId"]
    pending = client.get(f"/api/v1/generate/record-info?taskId={task_id}", headers=auth).json()
    run_jobs(app.state.rt)
    done = client.get(f"/api/v1/generate/record-info?taskId={task_id}", headers=auth).json()
    callbacks = [{"event": d.event, "sign_id_is_task_id": d.sign_id == task_id, "body": d.body}
                 for d in outbox(app.state.rt, task_id)]
    check_golden(name, {"request": request, "response": resp.json(), "record_info_pending": pending,
                        "record_info_done": done, "callbacks": callbacks})
    return task_id


def test_custom_generate_golden(client, auth, app):
    _music(client, app, auth, "generate_custom", "/api/v1/generate", {
        "prompt": LYRICS, "style": "Classical", "title": "Peaceful Piano Meditation", "customMode": True,
        "instrumental": False, "model": "V4", "callBackUrl": CB, "negativeTags": "Heavy Metal, Upbeat Drums",
        "vocalGender": "m", "styleWeight": 0.65, "weirdnessConstraint": 0.65, "audioWeight": 0.65})


def test_non_custom_instrumental_generate_golden(client, auth, app):
    _music(client, app, auth, "generate_non_custom", "/api/v1/generate", {
        "prompt": "A calm and relaxing piano track with soft melodies", "customMode": False,
        "instrumental": True, "model": "V4_5", "callBackUrl": CB})


def _done_music(client: Any, app: Any, auth: dict[str, str]) -> tuple[str, list[dict[str, Any]]]:
    task_id = ok(client.post("/api/v1/generate", json={"prompt": LYRICS, "style": "pop", "title": "Night",
                                                       "customMode": True, "instrumental": False,
                                                       "model": "V5"}, headers=auth))["taskId"]
    run_jobs(app.state.rt)
    info = ok(client.get(f"/api/v1/generate/record-info?taskId={task_id}", headers=auth))
    return task_id, info["response"]["sunoData"]


def test_extend_golden(client, auth, app):
    _task, clips = _done_music(client, app, auth)
    _music(client, app, auth, "extend", "/api/v1/generate/extend", {
        "defaultParamFlag": True, "audioId": clips[0]["id"], "prompt": LYRICS, "style": "pop",
        "title": "Night (extended)", "continueAt": 5, "model": "V5", "callBackUrl": CB})


def test_replace_section_golden(client, auth, app):
    task_id, clips = _done_music(client, app, auth)
    _music(client, app, auth, "replace_section", "/api/v1/generate/replace-section", {
        "taskId": task_id, "audioId": clips[1]["id"], "prompt": "[Verse]\nA brand new line", "tags": "pop",
        "title": "Night (edit)", "infillStartS": 1.5, "infillEndS": 7.5, "callBackUrl": CB})


def test_upload_routes_golden_submit_and_pending(client, auth, app):
    requests = {
        "upload_cover": ("/api/v1/generate/upload-cover", {
            "uploadUrl": "https://example.com/song.mp3", "prompt": "a jazz version", "customMode": False,
            "instrumental": False, "model": "V4_5PLUS", "callBackUrl": CB}),
        "upload_extend": ("/api/v1/generate/upload-extend", {
            "uploadUrl": "https://example.com/song.mp3", "defaultParamFlag": True, "instrumental": False,
            "prompt": LYRICS, "style": "rock", "title": "More", "continueAt": 30, "model": "V5",
            "callBackUrl": CB}),
        "add_instrumental": ("/api/v1/generate/add-instrumental", {
            "uploadUrl": "https://example.com/vocals.mp3", "title": "Backing", "tags": "acoustic, folk",
            "negativeTags": "metal", "callBackUrl": CB}),
        "add_vocals": ("/api/v1/generate/add-vocals", {
            "uploadUrl": "https://example.com/beat.mp3", "prompt": LYRICS, "title": "Sung", "style": "soul",
            "negativeTags": "screaming", "model": "V5", "callBackUrl": CB}),
    }
    out = {}
    for name, (path, request) in requests.items():
        resp = client.post(path, json=request, headers=auth)
        task_id = ok(resp)["taskId"]
        info = client.get(f"/api/v1/generate/record-info?taskId={task_id}", headers=auth).json()
        assert info["data"]["operationType"] == name and info["data"]["status"] == "PENDING"
        out[name] = {"request": request, "response": resp.json(), "record_info_pending": info}
    check_golden("upload_routes", out)


def test_lyrics_golden(client, auth, app):
    request = {"prompt": "A song about a lighthouse keeper", "callBackUrl": CB}
    resp = client.post("/api/v1/lyrics", json=request, headers=auth)
    task_id = ok(resp)["taskId"]
    pending = client.get(f"/api/v1/lyrics/record-info?taskId={task_id}", headers=auth).json()
    run_jobs(app.state.rt)
    done = client.get(f"/api/v1/lyrics/record-info?taskId={task_id}", headers=auth).json()
    assert len(done["data"]["response"]["data"]) == 2
    callbacks = [{"event": d.event, "body": d.body} for d in outbox(app.state.rt, task_id)]
    check_golden("lyrics", {"request": request, "response": resp.json(), "record_info_pending": pending,
                            "record_info_done": done, "callbacks": callbacks})


def test_sync_routes_golden(client, auth, app):
    task_id, clips = _done_music(client, app, auth)
    timed_req = {"taskId": task_id, "audioId": clips[0]["id"]}
    timed = client.post("/api/v1/generate/get-timestamped-lyrics", json=timed_req, headers=auth).json()
    style_req = {"content": "Pop, Mysterious"}
    style = client.post("/api/v1/style/generate", json=style_req, headers=auth).json()
    persona_req = {"taskId": task_id, "audioId": clips[0]["id"], "name": "Night Singer",
                   "description": "A warm baritone", "vocalStart": 0, "vocalEnd": 12}
    persona = client.post("/api/v1/generate/generate-persona", json=persona_req, headers=auth).json()
    credit = client.get("/api/v1/chat/credit", headers=auth).json()
    for resp in (timed, style, persona, credit):
        assert resp["code"] == 200, resp
    assert [w["word"] for w in timed["data"]["alignedWords"]][:3] == ["[Verse]", "Night", "city"]
    assert timed["data"]["waveformData"] and max(timed["data"]["waveformData"]) == 1.0
    check_golden("sync_routes", {
        "timestamped_lyrics": {"request": timed_req, "response": timed},
        "style_boost": {"request": style_req, "response": style},
        "persona": {"request": persona_req, "response": persona}, "credit": credit})


def test_file_upload_golden(client, auth):
    b64_req = {"base64Data": "data:image/png;base64,iVBORw0KGgo=", "uploadPath": "images/user-uploads",
               "fileName": "uploaded-image.png"}
    b64 = client.post("/api/file-base64-upload", json=b64_req, headers=auth).json()
    stream = client.post("/api/file-stream-upload", files={"file": ("a.mp3", b"ID3\x03\x00rest", "audio/mpeg")},
                         data={"uploadPath": "audio"}, headers=auth).json()
    bad = client.post("/api/file-base64-upload", json={"uploadPath": "x"}, headers=auth).json()
    check_golden("file_upload", {"base64": {"request": b64_req, "response": b64},
                                 "stream": {"request": "multipart file=a.mp3 uploadPath=audio", "response": stream},
                                 "missing_base64": bad})
