"""The real `songforge` commands as a user runs them: keys create + serve, and recovery after kill -9."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow
SONGFORGE = str(Path(sys.executable).parent / "songforge")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def env_for(data_dir: Path, db_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SONGFORGE_")}
    env.update(SONGFORGE_DATA_DIR=str(data_dir), SONGFORGE_DATABASE__URL=db_url, SONGFORGE_DEFAULT_ENGINE="testtone",
               SONGFORGE_QUEUE__WORKERS="1", SONGFORGE_QUEUE__LEASE_SECONDS="3",
               SONGFORGE_QUEUE__HEARTBEAT_SECONDS="1", SONGFORGE_LOG_LEVEL="warning")
    env.update(extra)
    return env


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([SONGFORGE, "serve", "--port", str(port)], env=env,
                            stdout=open(log, "ab"), stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise AssertionError("server did not start: " + log.read_text()[-3000:])


def create_key(env: dict[str, str], *args: str) -> str:
    out = subprocess.run([SONGFORGE, "keys", "create", "--name", "e2e", *args], env=env, check=True,
                         capture_output=True, text=True).stdout
    return out.strip().splitlines()[-1]


def wait_status(port: int, key: str, task_id: str, want: set[str], timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        data = httpx.get(f"http://127.0.0.1:{port}/suno/fetch/{task_id}",
                         headers={"Authorization": f"Bearer {key}"}, timeout=5).json()["data"]
        if data["status"] in want:
            return data
        time.sleep(0.3)
    raise AssertionError(f"task stayed {data['status']}")


def test_keys_create_and_serve_meet_in_the_same_database(tmp_path, db_url):
    env = env_for(tmp_path / "data", db_url)
    key = create_key(env, "--credits", "50")
    listing = subprocess.run([SONGFORGE, "keys", "list"], env=env, check=True, capture_output=True,
                             text=True).stdout
    assert "e2e" in listing and "50" in listing
    port = free_port()
    proc = start_server(env, port, tmp_path / "server.log")
    try:
        resp = httpx.post(f"http://127.0.0.1:{port}/suno/submit/music", json={"prompt": "[Verse]\nla la"},
                          headers={"Authorization": f"Bearer {key}"}, timeout=10)
        assert resp.json()["code"] == "success"
        done = wait_status(port, key, resp.json()["data"], {"SUCCESS", "FAILURE"})
        assert done["status"] == "SUCCESS"
        metrics = httpx.get(f"http://127.0.0.1:{port}/metrics").text
        assert "songforge_http_requests_total" in metrics
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(20)


def test_accepted_task_survives_kill_9_and_finishes_after_restart(tmp_path, db_url):
    # a slow engine so the kill lands mid-task
    env = env_for(tmp_path / "data", db_url, SONGFORGE_ENGINES__TESTTONE__DELAY="1.5")
    key = create_key(env, "--unlimited")
    port = free_port()
    proc = start_server(env, port, tmp_path / "server.log")
    resp = httpx.post(f"http://127.0.0.1:{port}/suno/submit/music", json={"prompt": "[Verse]\nla la"},
                      headers={"Authorization": f"Bearer {key}"}, timeout=10)
    task_id = resp.json()["data"]
    wait_status(port, key, task_id, {"IN_PROGRESS"})
    os.killpg(proc.pid, signal.SIGKILL)  # server and its workers die at once
    proc.wait(10)
    proc = start_server(env, port, tmp_path / "server.log")
    try:
        done = wait_status(port, key, task_id, {"SUCCESS", "FAILURE"}, timeout=150)
        assert done["status"] == "SUCCESS" and len(done["data"]) == 2
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(20)


def test_served_composer_task_runs_in_the_worker_processes(tmp_path):
    # the default engine inside real worker children (it starts a process pool of its own)
    env = env_for(tmp_path / "data", f"sqlite:///{tmp_path / 'db.sqlite'}", SONGFORGE_DEFAULT_ENGINE="composer")
    key = create_key(env, "--unlimited")
    port = free_port()
    proc = start_server(env, port, tmp_path / "server.log")
    try:
        resp = httpx.post(f"http://127.0.0.1:{port}/suno/submit/music", headers={"Authorization": f"Bearer {key}"},
                          json={"prompt": "[Verse]\nHello world, how are you\n[Chorus]\nSing it loud"}, timeout=10)
        done = wait_status(port, key, resp.json()["data"], {"SUCCESS", "FAILURE"}, timeout=240)
        assert done["status"] == "SUCCESS", done["fail_reason"]
        assert all(c["duration"] > 10 for c in done["data"])
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
