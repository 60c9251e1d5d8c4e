"""End to end on S3: the app with ``storage.backend=s3`` makes a song whose URLs download from the S3 server."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient

from songforge.app import create_app
from songforge.db import Database
from songforge.queue.procrastinate import ProcrastinateQueue, apply_schema
from songforge.storage.s3 import S3BlobStore
from songforge.worker import Worker
from tests.conftest import make_settings, new_key, run_jobs


def in_process_worker(rt: Any) -> None:
    """Run the queued job with a Worker in this process."""
    assert run_jobs(rt) == 1


def make_song_and_check_its_files(settings: Any, s3_endpoint: str,
                                  run_worker: Callable[[Any], None] = in_process_worker) -> None:
    """Submit a Suno music task, let a worker of the testtone pool run it, download every clip's audio."""
    app = create_app(settings, workers=0, background=False)
    with TestClient(app) as client:
        rt = app.state.rt
        assert isinstance(rt.store, S3BlobStore)
        assert isinstance(rt.queue, ProcrastinateQueue) == (settings.queue.backend == "procrastinate")
        auth = {"Authorization": f"Bearer {new_key(rt)}"}
        task_id = client.post("/suno/submit/music", json={"prompt": "[Verse]\nla la la", "tags": "pop"},
                              headers=auth).json()["data"]
        other_pool = Worker(rt, ["composer"], worker_id="composer-pool")  # `songforge worker --engines composer`
        assert asyncio.run(other_pool.run_one()) is False  # the job is on the testtone engine's queue
        run_worker(rt)
        deadline = time.monotonic() + 60
        while (task := client.get(f"/suno/fetch/{task_id}", headers=auth).json()["data"])["status"] != "SUCCESS":
            assert task["status"] not in ("FAILURE", "FAILED") and time.monotonic() < deadline, task
            time.sleep(0.1)
        assert len(task["data"]) == 2
        for clip in task["data"]:
            url = clip["audio_url"]
            assert url.startswith(s3_endpoint + "/" + settings.storage.s3_bucket + "/clips/")  # straight from S3
            audio = httpx.get(url, timeout=10)
            assert audio.status_code == 200 and audio.headers["content-type"] == "audio/mpeg"
            assert audio.content[:3] == b"ID3" or audio.content[0] == 0xFF
            assert rt.store.size(f"clips/{clip['id']}/audio.mp3") == len(audio.content)
            # songforge's own /stream URL reads the finished clip back out of the bucket
            stream = client.get(f"/stream/{clip['id']}", params=_signed_query(rt, clip["id"]))
            assert stream.status_code == 200 and stream.content == audio.content


def _signed_query(rt: Any, clip_id: str) -> dict[str, str]:
    query = httpx.URL(rt.signer.stream_url("http://testserver", clip_id)).params
    return {"e": query["e"], "s": query["s"]}


def test_music_task_on_s3_storage_gives_clips_whose_audio_url_downloads(
        tmp_path: Path, s3_storage: dict[str, Any], s3_endpoint: str) -> None:
    settings = make_settings(tmp_path, f"sqlite:///{tmp_path / 'songforge.db'}", storage=s3_storage,
                             dialects={"enabled": "suno"})  # only the dialect this test speaks
    make_song_and_check_its_files(settings, s3_endpoint)


def test_scale_out_shape_postgres_procrastinate_and_s3_make_a_downloadable_song(
        tmp_path: Path, s3_storage: dict[str, Any], s3_endpoint: str, pg_template: Any) -> None:
    server, template = pg_template
    url = server.create_database(f"s_{uuid.uuid4().hex[:16]}", template=template)
    db = Database(url)
    apply_schema(db)  # what `songforge migrate` does with the procrastinate backend
    db.dispose()
    settings = make_settings(tmp_path, url, storage=s3_storage, queue={"backend": "procrastinate"},
                             dialects={"enabled": "suno"})
    worker: list[subprocess.Popen[bytes]] = []

    def worker_process(rt: Any) -> None:
        """`songforge worker --engines testtone` as its own process, configured only by environment variables."""
        env = {**os.environ, "SONGFORGE_DATABASE__URL": url, "SONGFORGE_QUEUE__BACKEND": "procrastinate",
               "SONGFORGE_QUEUE__POLL_SECONDS": "0.05", "SONGFORGE_DEFAULT_ENGINE": "testtone",
               "SONGFORGE_LOG_LEVEL": "warning", **{f"SONGFORGE_STORAGE__{k.upper()}": str(v)
                                                     for k, v in s3_storage.items()}}
        worker.append(subprocess.Popen([sys.executable, "-m", "songforge.cli", "--data-dir",
                                        str(tmp_path / "worker"), "worker", "--engines", "testtone"], env=env))

    try:
        make_song_and_check_its_files(settings, s3_endpoint, worker_process)
    finally:
        for proc in worker:
            proc.terminate()
            assert proc.wait(10) == 0  # SIGTERM lets an idle worker exit cleanly
