"""Callbacks to a real HTTP receiver on loopback: stage order, signatures, retries, refusal of private targets."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac

from sqlalchemy import select

from songforge.account.models import ApiKey
from songforge.callback.models import Delivery
from songforge.callback.sender import CallbackSender
from songforge.callback.signing import kie_signature, verify_standard_webhook
from tests.conftest import run_jobs


def drain(rt, rounds: int = 200, until=None) -> None:
    sender = CallbackSender(rt.db, rt.settings.callbacks, rt.tasks.guard)

    async def go() -> None:
        for _ in range(rounds):
            await sender.run_once()
            if until is not None and until():
                break
            await asyncio.sleep(0.05)
        await sender.close()

    asyncio.run(go())


def secrets_of(rt):
    with rt.db.read() as s:
        key = s.scalar(select(ApiKey).order_by(ApiKey.id.desc()).limit(1))
        return key.webhook_secret, key.kie_hmac_key


def test_each_stage_arrives_in_order_signed_and_shaped_like_fetch(client, auth, app, receiver):
    rt = app.state.rt
    task_id = client.post("/suno/submit/music", json={"prompt": "la", "notify_hook": receiver.url},
                          headers=auth).json()["data"]
    run_jobs(rt)
    drain(rt, until=lambda: len(receiver.ok()) >= 3)
    got = receiver.wait_for(3)
    bodies = [r.json() for r in got]
    assert [b["status"] for b in bodies] == ["IN_PROGRESS", "IN_PROGRESS", "SUCCESS"]
    assert [b["progress"] for b in bodies] == ["30%", "60%", "100%"]
    assert all(b["task_id"] == task_id for b in bodies)
    final = client.get(f"/suno/fetch/{task_id}", headers=auth).json()["data"]
    assert bodies[-1] == final
    secret, kie_key = secrets_of(rt)
    for r in got:
        assert verify_standard_webhook(secret, r.headers, r.body)
        ts = int(r.headers["x-webhook-timestamp"])
        assert r.headers["x-webhook-signature"] == kie_signature(task_id, ts, kie_key)
    assert len({r.headers["webhook-id"] for r in got}) == 3


def test_standard_webhook_signature_matches_the_published_algorithm(client, auth, app, receiver):
    rt = app.state.rt
    client.post("/suno/submit/music", json={"prompt": "la", "notify_hook": receiver.url}, headers=auth)
    run_jobs(rt)
    drain(rt, until=lambda: len(receiver.ok()) >= 1)
    r = receiver.wait_for(1)[0]
    secret, _ = secrets_of(rt)
    signed = f"{r.headers['webhook-id']}.{r.headers['webhook-timestamp']}.".encode() + r.body
    mac = hmac.new(base64.b64decode(secret.removeprefix("whsec_")), signed, hashlib.sha256).digest()
    assert r.headers["webhook-signature"] == "v1," + base64.b64encode(mac).decode()


def test_a_500_or_a_timeout_is_retried_and_later_stages_wait(client, auth, app, receiver):
    rt = app.state.rt
    receiver.fail_next = 2
    receiver.stall_next = 1
    receiver.stall_seconds = rt.settings.callbacks.timeout_seconds + 1
    client.post("/suno/submit/music", json={"prompt": "la", "notify_hook": receiver.url}, headers=auth)
    run_jobs(rt)
    drain(rt, until=lambda: len(receiver.ok()) >= 3)
    ok = receiver.wait_for(3)
    assert [r.json()["progress"] for r in ok] == ["30%", "60%", "100%"]
    # the first stage took 4 attempts (stall, 500, 500, ok); nothing later overtook it
    assert [r.json()["progress"] for r in receiver.received[:4]] == ["30%"] * 4
    with rt.db.read() as s:
        rows = [(d.event, d.status, d.attempts) for d in s.scalars(select(Delivery).order_by(Delivery.seq))]
    assert rows == [
        ("text", "delivered", 4), ("first", "delivered", 1), ("complete", "delivered", 1)]


def test_delivery_gives_up_after_the_retry_schedule(client, auth, app, receiver):
    rt = app.state.rt
    receiver.fail_next = 100
    client.post("/suno/submit/music", json={"prompt": "la", "notify_hook": receiver.url}, headers=auth)
    run_jobs(rt)

    def settled() -> bool:
        with rt.db.read() as s:
            return all(d.status == "failed" for d in s.scalars(select(Delivery)))

    drain(rt, until=settled)
    with rt.db.read() as s:
        rows = [(d.status, d.attempts, d.last_status) for d in s.scalars(select(Delivery))]
    assert rows and all(row == ("failed", 4, 500) for row in rows)


def test_failure_sends_the_error_stage(client, auth, app, receiver):
    rt = app.state.rt
    rt.engines._instances["testtone"] = type(rt.engines.get("testtone"))({"fail": "boom"})
    client.post("/suno/submit/music", json={"prompt": "la", "notify_hook": receiver.url}, headers=auth)
    run_jobs(rt)
    drain(rt, until=lambda: len(receiver.ok()) >= 1)
    body = receiver.wait_for(1)[-1].json()
    assert body["status"] == "FAILURE" and body["fail_reason"] == "boom"


def test_a_url_that_turns_private_after_submit_is_not_called(client, auth, app, receiver):
    rt = app.state.rt
    client.post("/suno/submit/music", json={"prompt": "la", "notify_hook": receiver.url}, headers=auth)
    run_jobs(rt)
    rt.tasks.guard.allowed = []  # e.g. the allow-list was tightened, or DNS now points inside

    def settled() -> bool:
        with rt.db.read() as s:
            return all(d.status == "failed" for d in s.scalars(select(Delivery)))

    drain(rt, until=settled)
    assert receiver.received == []
