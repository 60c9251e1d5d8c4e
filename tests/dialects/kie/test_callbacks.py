"""KIE callbacks end to end: a real HTTP receiver gets text → first → complete, signed, retried on failure."""

from __future__ import annotations

import asyncio
import time

from songforge.callback.sender import CallbackSender
from songforge.callback.signing import kie_signature, verify_standard_webhook
from tests.conftest import run_jobs
from tests.dialects.kie.helpers import LYRICS, key_row, ok

BODY = {"prompt": LYRICS, "style": "pop", "title": "Night", "customMode": True, "instrumental": False, "model": "V4"}


def deliver(app, receiver, count: int, timeout: float = 20.0) -> list:
    """Run the callback sender until the receiver accepted ``count`` callbacks."""
    rt = app.state.rt
    sender = CallbackSender(rt.db, rt.settings.callbacks, rt.tasks.guard)

    async def loop() -> None:
        deadline = time.monotonic() + timeout
        try:
            while len(receiver.ok()) < count and time.monotonic() < deadline:
                if not await sender.run_once():
                    await asyncio.sleep(0.05)
        finally:
            await sender.close()

    asyncio.run(loop())
    return receiver.wait_for(count, timeout=1)


def assert_signed(received, task_id: str, raw_key: str, app) -> None:
    key = key_row(app.state.rt, raw_key)
    ts = int(received.headers["x-webhook-timestamp"])
    assert abs(ts - time.time()) < 300
    assert received.headers["x-webhook-signature"] == kie_signature(task_id, ts, key.kie_hmac_key)
    assert verify_standard_webhook(key.webhook_secret, received.headers, received.body)


def test_music_callbacks_arrive_in_stage_order_with_valid_signatures(client, auth, key, app, receiver):
    task_id = ok(client.post("/api/v1/generate", json={**BODY, "callBackUrl": receiver.url}, headers=auth))["taskId"]
    run_jobs(app.state.rt)
    got = deliver(app, receiver, 3)
    bodies = [r.json() for r in got]
    assert [b["data"]["callbackType"] for b in bodies] == ["text", "first", "complete"]
    assert all(b["code"] == 200 and b["data"]["task_id"] == task_id for b in bodies)
    assert bodies[0]["data"]["data"] == []
    first, complete = bodies[1]["data"]["data"], bodies[2]["data"]["data"]
    assert first[0]["stream_audio_url"] and len(first) == 2
    assert len(complete) == 2 and all(c["audio_url"] and c["createTime"] and c["duration"] == 14 for c in complete)
    assert all(r.headers["content-type"] == "application/json" for r in got)
    for received in got:
        assert_signed(received, task_id, key, app)


def test_callback_is_retried_after_a_500(client, auth, key, app, receiver):
    receiver.fail_next = 2
    task_id = ok(client.post("/api/v1/lyrics", json={"prompt": "rain", "callBackUrl": receiver.url},
                             headers=auth))["taskId"]
    run_jobs(app.state.rt)
    got = deliver(app, receiver, 1)
    assert [r.status for r in receiver.received] == [500, 500, 200]
    body = got[0].json()
    assert body["data"]["callbackType"] == "complete" and body["data"]["taskId"] == task_id
    assert len(body["data"]["data"]) == 2
    # A fresh timestamp and signature on every attempt.
    assert_signed(got[0], task_id, key, app)


def test_callback_is_retried_after_a_timeout_and_order_is_kept(client, auth, key, app, receiver):
    receiver.stall_next = 1  # the first attempt of "text" exceeds the 2 s test timeout
    task_id = ok(client.post("/api/v1/generate", json={**BODY, "callBackUrl": receiver.url}, headers=auth))["taskId"]
    run_jobs(app.state.rt)
    got = deliver(app, receiver, 3, timeout=30)
    assert [r.json()["data"]["callbackType"] for r in got] == ["text", "first", "complete"]
    assert receiver.received[0].status == 0 and receiver.received[0].json()["data"]["callbackType"] == "text"
    for received in got:
        assert_signed(received, task_id, key, app)


def test_failed_music_task_sends_one_error_callback(kie_client, receiver):
    client, auth = kie_client(engines={"testtone": {"fail": "the GPU caught fire"}})
    task_id = ok(client.post("/api/v1/generate", json={**BODY, "callBackUrl": receiver.url}, headers=auth))["taskId"]
    before = int(client.get("/api/v1/chat/credit", headers=auth).json()["data"])
    app = client.app
    run_jobs(app.state.rt)
    got = deliver(app, receiver, 1)
    body = got[0].json()
    assert body == {"code": 531, "msg": "the GPU caught fire",
                    "data": {"callbackType": "error", "task_id": task_id, "data": None}}
    info = ok(client.get(f"/api/v1/generate/record-info?taskId={task_id}", headers=auth))
    assert info["status"] == "GENERATE_AUDIO_FAILED" and info["errorCode"] == 531
    assert info["response"] == {"taskId": task_id, "sunoData": [], "errorMessage": "the GPU caught fire"}
    assert int(client.get("/api/v1/chat/credit", headers=auth).json()["data"]) == before + 10  # refunded
