"""Retention: old generated files and expired temporary uploads are deleted; recent ones are kept."""

from __future__ import annotations

from datetime import timedelta

from songforge.clock import utcnow
from songforge import housekeeping as retention
from songforge.task.models import Task
from songforge.upload.models import Upload
from tests.conftest import run_jobs


def test_files_of_old_tasks_are_deleted_and_recent_ones_kept(client, auth, app):
    rt = app.state.rt
    old = client.post("/suno/submit/music", json={"prompt": "la"}, headers=auth).json()["data"]
    new = client.post("/suno/submit/music", json={"prompt": "la"}, headers=auth).json()["data"]
    run_jobs(rt)
    with rt.db.write() as s:
        s.get(Task, old).finished_at = utcnow() - timedelta(days=20)
        old_keys = list(s.get(Task, old).clips[0].files.values())
        new_key = s.get(Task, new).clips[0].files["mp3"]
    assert retention.sweep_generated(rt.db, rt.store, 0) == 0  # 0 = keep forever
    assert retention.sweep_generated(rt.db, rt.store, 15) == 2
    assert all(rt.store.size(k) is None for k in old_keys if isinstance(k, str))
    assert rt.store.size(new_key) is not None
    clip = client.get(f"/suno/fetch/{old}", headers=auth).json()["data"]["data"][0]
    assert clip["audio_url"] == "" and clip["status"] == "complete"


def test_expired_temporary_uploads_are_deleted(app):
    rt = app.state.rt
    rt.store.put_bytes("uploads/1/x/a.png", b"png")
    rt.store.put_bytes("uploads/1/x/b.png", b"png")
    from tests.conftest import new_key

    new_key(rt)
    with rt.db.write() as s:
        s.add(Upload(id="a", key_id=1, kind="file", status="complete", blob_key="uploads/1/x/a.png",
                     expires_at=utcnow() - timedelta(hours=1)))
        s.add(Upload(id="b", key_id=1, kind="file", status="complete", blob_key="uploads/1/x/b.png",
                     expires_at=utcnow() + timedelta(hours=1)))
    assert retention.sweep_uploads(rt.db, rt.store) == 1
    assert rt.store.size("uploads/1/x/a.png") is None and rt.store.size("uploads/1/x/b.png") == 3
