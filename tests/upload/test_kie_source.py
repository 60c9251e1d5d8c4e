"""KIE's file-upload downloadUrl used as uploadUrl: resolved from our own store, end to end over HTTP."""

from __future__ import annotations

from tests.conftest import run_jobs
from tests.upload.audio import make_audio


def test_kie_download_url_becomes_the_source_of_an_upload_cover(client, auth, app, tmp_path):
    audio = make_audio(tmp_path / "hum.mp3").read_bytes()
    up = client.post("/api/file-stream-upload", headers=auth, data={"uploadPath": "audio/mine", "fileName": "hum.mp3"},
                     files={"file": ("hum.mp3", audio, "audio/mpeg")}).json()
    assert up["code"] == 200, up
    body = {"uploadUrl": up["data"]["downloadUrl"], "customMode": True, "instrumental": False, "model": "V4_5",
            "style": "jazz", "title": "Hum Cover", "prompt": "[Verse]\nla la", "callBackUrl": ""}
    created = client.post("/api/v1/generate/upload-cover", json=body, headers=auth).json()
    assert created["code"] == 200, created
    run_jobs(app.state.rt)
    info = client.get(f"/api/v1/generate/record-info?taskId={created['data']['taskId']}", headers=auth).json()
    assert info["data"]["status"] == "SUCCESS", info
    clips = info["data"]["response"]["sunoData"]
    assert len(clips) == 2 and all(c["audioUrl"] for c in clips)
