"""The default engine behind the API: a real song through /suno/*, streamed while it is being made."""

from __future__ import annotations

import asyncio
import subprocess
import threading
import time

import httpx
import pytest

from songforge.worker import Worker

pytestmark = pytest.mark.slow
LYRICS = "[Verse]\nCity lights are calling me\nI can hear the night\n[Chorus]\nWe are young and we are free\nHold on"


@pytest.fixture
def settings(tmp_path):
    from tests.conftest import make_settings

    return make_settings(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", default_engine="composer")


def probe_seconds(data: bytes, tmp_path) -> float:
    path = tmp_path / "probe.mp3"
    path.write_bytes(data)
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
                         capture_output=True, text=True, check=True).stdout
    return float(out.strip())


def test_composer_song_streams_then_completes_through_the_suno_dialect(client, auth, app, tmp_path):
    rt = app.state.rt
    task_id = client.post("/suno/submit/music", headers=auth, json={
        "prompt": LYRICS, "tags": "synth pop, upbeat", "title": "City Lights"}).json()["data"]
    worker = threading.Thread(target=lambda: asyncio.run(Worker(rt, worker_id="e2e").run_one()))
    worker.start()
    streamed = b""
    seen = set()
    deadline = time.monotonic() + 240
    while worker.is_alive() and time.monotonic() < deadline:
        data = client.get(f"/suno/fetch/{task_id}", headers=auth).json()["data"]
        seen.add(data["status"])
        clip = data["data"][0]
        if clip["status"] == "streaming" and not streamed:
            streamed = client.get(httpx.URL(clip["audio_url"]).raw_path.decode()).content
        time.sleep(0.05)
    worker.join(5)
    task = client.get(f"/suno/fetch/{task_id}", headers=auth).json()["data"]
    assert task["status"] == "SUCCESS", task["fail_reason"]
    assert "IN_PROGRESS" in seen
    assert len(streamed) > 10_000 and probe_seconds(streamed, tmp_path) > 1.0
    clips = task["data"]
    assert len({c["id"] for c in clips}) == 2 and clips[0]["title"] == "City Lights"
    for clip in clips:
        audio = client.get(httpx.URL(clip["audio_url"]).raw_path.decode()).content
        assert abs(probe_seconds(audio, tmp_path) - clip["duration"]) < 1.0 and clip["duration"] > 15
        image = client.get(httpx.URL(clip["image_url"]).raw_path.decode())
        assert image.status_code == 200 and image.content[:8] == b"\x89PNG\r\n\x1a\n"
    a, b = (client.get(httpx.URL(c["audio_url"]).raw_path.decode()).content for c in clips)
    assert a != b  # two distinct songs
