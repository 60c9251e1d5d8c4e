"""Task lifecycle in the core: credits, refunds, streaming, leases, timeouts, concurrent submits."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

import httpx
from sqlalchemy import func, select, update

from songforge.account.models import ApiKey, LedgerEntry
from songforge.clock import utcnow
from songforge.queue.models import Job
from songforge.task.models import Task, TaskStatus
from songforge.worker import Worker
from tests.conftest import new_key, run_jobs


def credits(rt, raw_key_prefix=None):
    with rt.db.read() as s:
        return s.scalar(select(ApiKey.credits).order_by(ApiKey.id.desc()).limit(1))


def test_charge_on_accept_and_refund_when_the_engine_fails(client, app):
    rt = app.state.rt
    auth = {"Authorization": f"Bearer {new_key(rt, credits=25)}"}
    task_id = client.post("/suno/submit/music", json={"prompt": "la"}, headers=auth).json()["data"]
    assert credits(rt) == 15
    rt.engines._instances["testtone"] = type(rt.engines.get("testtone"))({"fail": "the synth broke"})
    run_jobs(rt)
    task = client.get(f"/suno/fetch/{task_id}", headers=auth).json()["data"]
    assert task["status"] == "FAILURE" and task["fail_reason"] == "the synth broke" and task["progress"] == "100%"
    assert all(c["status"] == "error" and c["metadata"]["refund_credits"] for c in task["data"])
    assert credits(rt) == 25
    with rt.db.read() as s:
        reasons = sorted(s.scalars(select(LedgerEntry.reason).where(LedgerEntry.task_id == task_id)))
    assert reasons == ["charge", "refund"]
    # failing again (e.g. the janitor) never refunds twice
    with rt.db.write() as s:
        rt.tasks.fail(s, s.get(Task, task_id), "x", "again")
    assert credits(rt) == 25


def test_unlimited_keys_are_never_charged(client, app):
    rt = app.state.rt
    auth = {"Authorization": f"Bearer {new_key(rt, credits=0, unlimited=True)}"}
    for _ in range(3):
        assert client.post("/suno/submit/music", json={"prompt": "la"}, headers=auth).status_code == 200
    assert credits(rt) == 0


def test_streaming_clip_plays_the_part_made_so_far(client, auth, app):
    rt = app.state.rt
    task_id = client.post("/suno/submit/music", json={"prompt": "la"}, headers=auth).json()["data"]
    with rt.db.write() as s:
        task = s.get(Task, task_id)
        rt.tasks.start(s, task)
        rt.tasks.text_ready(s, task, [("T", "pop", "la"), ("T", "pop", "la")])
    rt.store.put_bytes(f"clips/{task.clips[0].id}/stream.mp3", b"\xff\xfbPARTIAL")
    with rt.db.write() as s:
        rt.tasks.streaming(s, s.get(Task, task_id), 0, f"clips/{task.clips[0].id}/stream.mp3")
    data = client.get(f"/suno/fetch/{task_id}", headers=auth).json()["data"]
    assert data["status"] == "IN_PROGRESS" and data["progress"] == "60%"
    clip = data["data"][0]
    assert clip["status"] == "streaming" and "/stream/" in clip["audio_url"]
    assert data["data"][1]["audio_url"] == ""

    def finish() -> None:  # the clip completes while the client is listening
        import time

        time.sleep(0.5)
        rt.store.append(f"clips/{task.clips[0].id}/stream.mp3", b"MORE")
        with rt.db.write() as s:
            t = s.get(Task, task_id)
            t.clips[0].status = "complete"

    threading.Thread(target=finish).start()
    body = client.get(httpx.URL(clip["audio_url"]).raw_path.decode()).content
    assert body.startswith(b"\xff\xfbPARTIAL")


def test_tampered_or_expired_file_urls_are_refused(client, auth, app):
    task_id = client.post("/suno/submit/music", json={"prompt": "la"}, headers=auth).json()["data"]
    run_jobs(app.state.rt)
    url = httpx.URL(client.get(f"/suno/fetch/{task_id}", headers=auth).json()["data"]["data"][0]["audio_url"])
    good = url.raw_path.decode()
    assert client.get(good).status_code == 200
    assert client.get(good.replace("audio.mp3", "audio.wav")).status_code == 403
    assert client.get(good.split("?")[0]).status_code == 403
    expired = good.replace(f"e={url.params['e']}", "e=1000")
    assert client.get(expired).status_code == 403


def test_a_dead_workers_job_is_reclaimed_after_its_lease(client, auth, app):
    rt = app.state.rt
    task_id = client.post("/suno/submit/music", json={"prompt": "la"}, headers=auth).json()["data"]
    dead = rt.queue.claim(None, "dead-worker")
    assert dead is not None and rt.queue.claim(None, "other") is None
    with rt.db.write() as s:  # the dead worker's lease runs out
        s.execute(update(Job).values(lease_until=utcnow() - timedelta(seconds=1)))
    assert run_jobs(rt) == 1
    assert client.get(f"/suno/fetch/{task_id}", headers=auth).json()["data"]["status"] == "SUCCESS"
    with rt.db.read() as s:
        job = s.scalar(select(Job))
        assert job.attempts == 2 and job.status == "done"


def test_a_task_whose_worker_keeps_dying_fails_and_is_refunded(client, app):
    rt = app.state.rt
    auth = {"Authorization": f"Bearer {new_key(rt, credits=10)}"}
    task_id = client.post("/suno/submit/music", json={"prompt": "la"}, headers=auth).json()["data"]
    with rt.db.write() as s:
        s.execute(update(Job).values(attempts=rt.settings.queue.max_attempts, status="doing",
                                     lease_until=utcnow() - timedelta(seconds=1)))
    run_jobs(rt)
    task = client.get(f"/suno/fetch/{task_id}", headers=auth).json()["data"]
    assert task["status"] == "FAILURE" and "worker" in task["fail_reason"]
    assert credits(rt) == 10


def test_overdue_tasks_time_out(client, auth, app):
    rt = app.state.rt
    task_id = client.post("/suno/submit/music", json={"prompt": "la"}, headers=auth).json()["data"]
    with rt.db.write() as s:
        task = s.get(Task, task_id)
        rt.tasks.start(s, task)
        task.started_at = utcnow() - timedelta(seconds=rt.settings.queue.task_timeout_seconds + 1)
    with rt.db.write() as s:
        assert rt.tasks.fail_overdue(s) == 1
    task = client.get(f"/suno/fetch/{task_id}", headers=auth).json()["data"]
    assert task["status"] == "FAILURE" and task["fail_reason"] == "time out"


def test_concurrent_submits_and_workers_never_lose_or_double_run_a_task(client, auth, app):
    rt = app.state.rt
    errors: list[str] = []

    def submit_many() -> None:
        for _ in range(8):
            resp = client.post("/suno/submit/music", json={"prompt": "la"}, headers=auth)
            if resp.status_code != 200:
                errors.append(resp.text)

    async def work(name: str) -> None:
        worker = Worker(rt, worker_id=name)
        idle = 0
        while idle < 20:
            idle = 0 if await worker.run_one() else idle + 1
            await asyncio.sleep(0.01)

    threads = [threading.Thread(target=submit_many) for _ in range(4)]
    workers = [threading.Thread(target=lambda n=n: asyncio.run(work(f"w{n}"))) for n in range(2)]
    for t in threads + workers:
        t.start()
    for t in threads + workers:
        t.join()
    assert errors == []
    with rt.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Task)) == 32
        assert set(s.scalars(select(Task.status))) == {TaskStatus.COMPLETE}
        assert s.scalar(select(func.max(Job.attempts))) == 1


def test_routing_table_matches_slugs_kie_names_and_aliases(tmp_path, db_url):
    from songforge.task.schemas import GenerationRequest
    from tests.conftest import make_settings
    from songforge.runtime import Runtime

    rt = Runtime(make_settings(tmp_path, db_url, engine_routes={"V4_5": "a", "chirp-v4": "b", "suno-v5-0": "c"}),
                 migrate=True)
    assert rt.tasks.engine_for(GenerationRequest(model="chirp-auk", model_alias="chirp-v4-5")) == "a"
    assert rt.tasks.engine_for(GenerationRequest(model="chirp-v4", model_alias="V4")) == "b"
    assert rt.tasks.engine_for(GenerationRequest(model="chirp-crow", model_alias="suno-v5-0")) == "c"
    assert rt.tasks.engine_for(GenerationRequest(model="chirp-crow", model_alias="V5")) == "testtone"
    rt.db.dispose()
