"""Golden exchanges per route: request in, response (and callbacks) out, ids/times/URLs normalised."""

from __future__ import annotations

import asyncio
from typing import Any

from songforge.callback.sender import CallbackSender
from tests.conftest import run_jobs
from tests.dialects.apiinone.support import LYRICS, SONG, check_golden, task_id_of, wav_bytes, worker_running

MUSIC = "/api/v1/audio/music"


def post(client: Any, auth: dict[str, str], path: str, body: dict[str, Any]) -> dict[str, Any]:
    """One POST as a golden exchange."""
    resp = client.post(path, json=body, headers=auth)
    return {"request": {"method": "POST", "path": path, "body": body},
            "response": {"status": resp.status_code, "body": resp.json()}}


def get(client: Any, auth: dict[str, str], path: str, params: dict[str, str] | None = None) -> dict[str, Any]:
    """One GET as a golden exchange."""
    resp = client.get(path, params=params, headers=auth)
    return {"request": {"method": "GET", "path": path, "query": params or {}},
            "response": {"status": resp.status_code, "body": resp.json()}}


def callbacks(rt: Any, receiver: Any, count: int) -> list[dict[str, Any]]:
    """Deliver and return the callback bodies the receiver got."""
    sender = CallbackSender(rt.db, rt.settings.callbacks, rt.tasks.guard)

    async def go() -> None:
        for _ in range(200):
            await sender.run_once()
            if len(receiver.ok()) >= count:
                break
            await asyncio.sleep(0.05)
        await sender.close()

    asyncio.run(go())
    return [r.json() for r in receiver.wait_for(count)]


def finished(client: Any, auth: dict[str, str], app: Any, **body: Any) -> str:
    task_id = task_id_of(client.post(MUSIC, json=body, headers=auth))
    run_jobs(app.state.rt)
    return task_id


def test_golden_music_create_and_its_callbacks(client, auth, app, receiver):
    exchange = post(client, auth, MUSIC, {**SONG, "callback_url": receiver.url})
    run_jobs(app.state.rt)
    exchange["callbacks"] = callbacks(app.state.rt, receiver, 3)
    check_golden("music", exchange)


def test_golden_music_inspiration_create(client, auth):
    check_golden("music_inspiration", post(client, auth, MUSIC, {"gpt_description_prompt": "a song about rain",
                                                                 "make_instrumental": False, "model": "suno-v3-5"}))


def test_golden_feed_pending_and_success(client, auth, app):
    task_id = task_id_of(client.post(MUSIC, json=SONG, headers=auth))
    pending = get(client, auth, "/api/v1/audio/music/feed", {"task_id": task_id})
    run_jobs(app.state.rt)
    check_golden("feed", {"pending": pending,
                          "success": get(client, auth, "/api/v1/audio/music/feed", {"workId": task_id})})


def test_golden_extend_and_its_callbacks(client, auth, app, receiver):
    origin = finished(client, auth, app, **SONG)
    exchange = post(client, auth, "/api/v1/audio/music/extend",
                    {"origin_task_id": origin, "extend_audio_index": 1, "custom_mode": True,
                     "prompt": "[Outro]\nGoodbye summer", "extensionStartTime": 4, "callback_url": receiver.url})
    run_jobs(app.state.rt)
    exchange["callbacks"] = callbacks(app.state.rt, receiver, 3)
    check_golden("extend", exchange)


def test_golden_upload_cover_generate_and_status(client, auth, app):
    audio_id = client.get(f"/api/v1/tasks/{finished(client, auth, app, **SONG)}",
                          headers=auth).json()["data"]["response_data"][0]["id"]
    created = post(client, auth, "/api/v1/audio/music/upload-cover/generate",
                   {"audio_id": audio_id, "custom_mode": True, "prompt": LYRICS, "style": "acoustic pop"})
    check_golden("upload_cover_generate", created)
    run_jobs(app.state.rt)
    task_id = created["response"]["body"]["data"]["task_id"]
    check_golden("upload_cover_status", get(client, auth, "/api/v1/audio/music/upload-cover/status",
                                            {"task_id": task_id}))


def test_golden_upload_extension(client, auth, app):
    with worker_running(app.state.rt):
        resp = client.post("/api/v1/audio/upload", files={"file": ("take.wav", wav_bytes(7.0), "audio/wav")},
                           headers=auth)
    check_golden("upload", {"request": {"method": "POST", "path": "/api/v1/audio/upload",
                                        "multipart": {"file": "take.wav (7 s WAV)"}},
                            "response": {"status": resp.status_code, "body": resp.json()}})


def test_golden_task_object(client, auth, app):
    task_id = finished(client, auth, app, **SONG)
    check_golden("task", get(client, auth, f"/api/v1/tasks/{task_id}"))


def test_golden_errors(client, auth):
    check_golden("errors", {
        "invalid": post(client, auth, MUSIC, {"prompt": LYRICS, "title": "x" * 81}),
        "no_mode": post(client, auth, MUSIC, {"style": "pop"}),
        "not_found": get(client, auth, "/api/v1/tasks/" + "0" * 32),
        "unauthenticated": get(client, {}, "/api/v1/audio/music/feed", {"task_id": "0" * 32}),
        "bad_index": post(client, auth, "/api/v1/audio/music/extend", {"origin_task_id": "a" * 32,
                                                                       "extend_audio_index": 3}),
    })
