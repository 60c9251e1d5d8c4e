"""The poll cache never serves a stale task: any change to the task or its clips changes its version."""

from __future__ import annotations

from sqlalchemy import update

from songforge.task.models import Clip, Task
from songforge.task.pollcache import PollCache
from tests.conftest import run_jobs


def test_a_cached_task_shows_later_changes_to_its_clips(client, auth, app):
    rt = app.state.rt
    task_id = client.post("/suno/submit/music", json={"prompt": "la"}, headers=auth).json()["data"]
    run_jobs(rt)
    first = client.get(f"/suno/fetch/{task_id}", headers=auth).json()
    assert client.get(f"/suno/fetch/{task_id}", headers=auth).json() == first
    hits = rt.poll_cache.hits
    assert hits >= 1 and first["data"]["data"][0]["video_url"] == ""
    with rt.db.write() as s:  # ORM change (as the mp4 job does)
        clip = s.get(Task, task_id).clips[0]
        clip.files = {**clip.files, "mp4": clip.files["mp3"]}
    assert client.get(f"/suno/fetch/{task_id}", headers=auth).json()["data"]["data"][0]["video_url"] != ""
    with rt.db.write() as s:  # Core change
        s.execute(update(Clip).where(Clip.task_id == task_id).values(title="Renamed"))
    titles = {c["title"] for c in client.get(f"/suno/fetch/{task_id}", headers=auth).json()["data"]["data"]}
    assert titles == {"Renamed"}


def test_cache_is_bounded_and_can_be_disabled():
    cache = PollCache(max_bytes=10)
    cache.put("a", b"12345")
    cache.put("b", b"12345")
    cache.put("c", b"12345")
    assert cache.get("a") is None and cache.get("c") == b"12345"
    off = PollCache(max_bytes=0)
    off.put("a", b"1")
    assert off.get("a") is None
