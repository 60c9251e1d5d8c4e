"""The poll cache never serves a stale or foreign task: any change to a task or its clips is seen next poll."""

from __future__ import annotations

from sqlalchemy import update

from songforge.task.models import Clip, Task
from songforge.task.pollcache import PollCache
from songforge.task.readmodel import load_task
from tests.conftest import new_key, run_jobs


def test_a_cached_task_shows_later_changes_to_its_clips(client, auth, app):
    rt = app.state.rt
    task_id = client.post("/suno/submit/music", json={"prompt": "la"}, headers=auth).json()["data"]
    run_jobs(rt)
    first = client.get(f"/suno/fetch/{task_id}", headers=auth).json()
    assert client.get(f"/suno/fetch/{task_id}", headers=auth).json() == first
    assert rt.poll_cache.hits >= 1 and first["data"]["data"][0]["video_url"] == ""
    with rt.db.write() as s:  # ORM change (as the mp4 job does)
        clip = s.get(Task, task_id).clips[0]
        clip.files = {**clip.files, "mp4": clip.files["mp3"]}
    assert client.get(f"/suno/fetch/{task_id}", headers=auth).json()["data"]["data"][0]["video_url"] != ""
    with rt.db.write() as s:  # Core change
        s.execute(update(Clip).where(Clip.task_id == task_id).values(title="Renamed"))
    titles = {c["title"] for c in client.get(f"/suno/fetch/{task_id}", headers=auth).json()["data"]["data"]}
    assert titles == {"Renamed"}


def test_another_key_never_gets_a_cached_task(client, auth, app):
    task_id = client.post("/suno/submit/music", json={"prompt": "la"}, headers=auth).json()["data"]
    assert client.get(f"/suno/fetch/{task_id}", headers=auth).status_code == 200
    other = {"Authorization": f"Bearer {new_key(app.state.rt)}"}
    assert client.get(f"/suno/fetch/{task_id}", headers=other).json()["code"] == "task_not_exist"


def test_cache_is_bounded_and_can_be_disabled(rt):
    made = []

    def make(tag: bytes):
        def inner():
            made.append(tag)
            return load_task(rt.db, key_id, tag.decode(), "suno").version, tag * 5
        return inner

    with rt.db.write() as s:
        from songforge.account.service import create_key

        key_id = create_key(s).key.id
        for tid in ("a", "b", "c"):
            s.add(Task(id=tid, key_id=key_id, dialect="suno", action="music"))
    cache = PollCache(max_bytes=10)
    for tid in ("a", "b", "c"):
        cache.render(rt.db, key_id, tid, "suno", 0, make(tid.encode()))
    assert cache.render(rt.db, key_id, "c", "suno", 0, make(b"c")) == b"ccccc" and made.count(b"c") == 1
    cache.render(rt.db, key_id, "a", "suno", 0, make(b"a"))
    assert made.count(b"a") == 2  # evicted: rendered again
    assert cache.render(rt.db, key_id, "zzz", "suno", 0, lambda: None) is None
    off = PollCache(max_bytes=0)
    off.render(rt.db, key_id, "a", "suno", 0, make(b"a"))
    off.render(rt.db, key_id, "a", "suno", 0, make(b"a"))
    assert made.count(b"a") == 4
