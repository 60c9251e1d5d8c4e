"""callback_url: one POST per stage to a real loopback receiver, each body equal to the feed at that moment."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

from sqlalchemy import select

from songforge.account.models import ApiKey
from songforge.callback.sender import CallbackSender
from songforge.callback.signing import kie_signature
from songforge.engines.base import ClipResult, ClipText
from songforge.task.jobs import DbSink
from songforge.task.models import Task
from tests.dialects.apiinone.support import SONG, create, feed, task_id_of

SIGNED = re.compile(r"\?e=\d+&s=[0-9a-f]+")


def deliver(rt, receiver, count: int) -> None:
    """Run the real sender until ``count`` callbacks were answered 200 (retries included)."""
    sender = CallbackSender(rt.db, rt.settings.callbacks, rt.tasks.guard)

    async def go() -> None:
        for _ in range(200):
            await sender.run_once()
            if len(receiver.ok()) >= count:
                break
            await asyncio.sleep(0.05)
        await sender.close()

    asyncio.run(go())
    receiver.wait_for(count)


def unsigned(body: dict) -> dict:
    """The body with URL signatures blanked: their expiry is bucketed per hour and may roll over mid-test."""
    return json.loads(SIGNED.sub("?e=&s=", json.dumps(body)))


def stages(rt, task_id: str, tmp: Path):
    """Drive the task through text → first → complete the way the worker's sink does; yield after each."""
    with rt.db.write() as s:
        task = s.get(Task, task_id)
        rt.tasks.start(s, task)
        clip_ids = [c.id for c in task.clips]
    sink = DbSink(rt.db, rt.store, rt.tasks, task_id, clip_ids)
    sink.text_ready([ClipText("Summer Dreams", "pop", SONG["prompt"])] * 2)
    yield "TEXT_SUCCESS"
    mp3 = tmp / "a.mp3"
    mp3.write_bytes(b"\xff\xfb\x90\x00" * 64)
    sink.audio_chunk(0, mp3.read_bytes())
    yield "FIRST_SUCCESS"
    sink.clip_finished(0, ClipResult(audio_mp3=mp3, duration=6.0))
    sink.clip_finished(1, ClipResult(audio_mp3=mp3, duration=7.5))
    yield "SUCCESS"


def test_each_stage_body_equals_the_feed_at_that_moment_and_is_kie_signed(client, auth, app, receiver, tmp_path):
    rt = app.state.rt
    task_id = task_id_of(create(client, auth, **SONG, callback_url=receiver.url))
    snapshots = []
    for expected in stages(rt, task_id, tmp_path):
        snap = feed(client, auth, task_id)
        assert snap["data"]["type"] == expected
        snapshots.append(snap)
    assert snapshots[1]["data"]["response_data"][0]["status"] == "streaming"
    assert "/stream/" in snapshots[1]["data"]["response_data"][0]["audio_url"]
    assert snapshots[1]["data"]["response_data"][1]["audio_url"] == ""

    deliver(rt, receiver, 3)
    got = receiver.ok()
    assert [r.json()["data"]["type"] for r in got] == ["TEXT_SUCCESS", "FIRST_SUCCESS", "SUCCESS"]
    assert [unsigned(r.json()) for r in got] == [unsigned(s) for s in snapshots]
    assert all(r.path == "/hook" and r.headers["content-type"] == "application/json" for r in got)
    with rt.db.read() as s:
        kie_key = s.scalar(select(ApiKey).order_by(ApiKey.id.desc()).limit(1)).kie_hmac_key
    for r in got:
        ts = int(r.headers["x-webhook-timestamp"])
        assert r.headers["x-webhook-signature"] == kie_signature(task_id, ts, kie_key)


def test_a_callback_answered_500_is_retried_with_the_same_body(client, auth, app, receiver, tmp_path):
    rt = app.state.rt
    receiver.fail_next = 1
    task_id = task_id_of(create(client, auth, **SONG, callback_url=receiver.url))
    for _ in stages(rt, task_id, tmp_path):
        pass
    deliver(rt, receiver, 3)
    first, retry = receiver.received[0], receiver.received[1]
    assert (first.status, retry.status) == (500, 200) and first.body == retry.body
    assert [r.json()["data"]["type"] for r in receiver.ok()] == ["TEXT_SUCCESS", "FIRST_SUCCESS", "SUCCESS"]


def test_a_failure_is_called_back_with_code_500_the_reason_and_the_failed_feed(client, auth, app, receiver):
    rt = app.state.rt
    task_id = task_id_of(create(client, auth, **SONG, notify_hook=receiver.url))
    with rt.db.write() as s:
        rt.tasks.fail(s, s.get(Task, task_id), "engine_error", "no GPU left")
    deliver(rt, receiver, 1)
    body = receiver.ok()[0].json()
    now = feed(client, auth, task_id)
    assert (body["code"], body["message"]) == (500, "no GPU left")
    assert body["data"] == now["data"] and body["data"]["type"] == "FAILED"


def test_no_callback_url_means_no_delivery(client, auth, app, receiver, tmp_path):
    rt = app.state.rt
    task_id = task_id_of(create(client, auth, **SONG))
    for _ in stages(rt, task_id, tmp_path):
        pass
    sender = CallbackSender(rt.db, rt.settings.callbacks, rt.tasks.guard)

    async def once() -> int:
        try:
            return await sender.run_once()
        finally:
            await sender.close()

    assert asyncio.run(once()) == 0 and receiver.received == []
