"""API benchmark: fetch vs healthz throughput and latency on a server holding 10,000 finished tasks (SQLite).

Prints req/s, p50 and p99 for GET /healthz and GET /suno/fetch/{random id} with 64 connections on loopback
(wrk): "cold" while most tasks are polled for the first time since the server started (every poll loads and
renders the task), "steady" once every task has been polled before (the poll cache answers), and steady again
while two generations run; then submit throughput with the queue filling. Ratios are against the healthz
baseline measured in the same run. Needs `wrk` (scripts/install-system-deps.sh).

    .venv/bin/python bench/api.py [--tasks 10000] [--connections 64] [--seconds 10]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from songforge.account.service import create_key  # noqa: E402
from songforge.clock import utcnow  # noqa: E402
from songforge.runtime import Runtime  # noqa: E402
from songforge.settings import Settings  # noqa: E402
from songforge.task.models import Action, Clip, Task  # noqa: E402

SONGFORGE = str(Path(sys.executable).parent / "songforge")
FETCH_LUA = """
local ids = {}
init = function(args)
  for line in io.lines(args[1]) do ids[#ids + 1] = line end
  math.randomseed(os.time())
end
request = function()
  return wrk.format("GET", "/suno/fetch/" .. ids[math.random(#ids)], {["Authorization"] = "Bearer %s"})
end
"""
SUBMIT_LUA = """
request = function()
  return wrk.format("POST", "/suno/submit/music", {["Authorization"] = "Bearer %s",
    ["Content-Type"] = "application/json"}, '{"prompt": "[Verse]\\\\nla la la", "tags": "pop"}')
end
"""


def seed(rt: Runtime, n: int) -> tuple[str, list[str]]:
    """An unlimited key and ``n`` finished two-clip tasks owned by it."""
    with rt.db.write() as s:
        key = create_key(s, name="bench", unlimited=True)
        key_id = key.key.id
    rt.store.put_bytes("bench/audio.mp3", b"\xff\xfb" + b"\0" * 4000)
    ids = []
    now = utcnow()
    for start in range(0, n, 1000):
        with rt.db.write() as s:
            for i in range(start, min(n, start + 1000)):
                tid = f"{i:08d}-0000-4000-8000-{i:012d}"
                ids.append(tid)
                s.add(Task(id=tid, key_id=key_id, dialect="suno", action=Action.MUSIC, engine="composer",
                           model="chirp-v4", model_alias="chirp-v4", status="complete", progress=100,
                           params={"prompt": "la", "_base_url": "http://127.0.0.1"}, created_at=now,
                           started_at=now, finished_at=now))
                for idx in range(2):
                    s.add(Clip(id=f"{i:08d}-{idx:04d}-4000-8000-{i:012d}", task_id=tid, key_id=key_id, idx=idx,
                               status="complete", title=f"Song {i}", tags="pop, upbeat", lyrics="[Verse]\nla la la",
                               model_name="chirp-v4", duration=120.5,
                               files={"mp3": "bench/audio.mp3", "png": "bench/cover.png"},
                               meta={"type": "gen", "duration": 120.5}))
    return key.raw, ids


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(env: dict[str, str], port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([SONGFORGE, "serve", "--port", str(port), "--workers", str(workers)], env=env,
                            stdout=open(log, "ab"), stderr=subprocess.STDOUT, start_new_session=True)
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit("server did not start:\n" + log.read_text()[-2000:])


def stop(proc: subprocess.Popen[bytes]) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(30)


def wrk(url: str, conns: int, seconds: int, script: Path | None = None, arg: str = "") -> dict[str, float]:
    """Run wrk; returns rps, p50_ms, p99_ms, non2xx."""
    cmd = ["wrk", "-t2", f"-c{conns}", f"-d{seconds}s", "--latency", url]
    if script is not None:
        cmd[1:1] = ["-s", str(script)]
        if arg:
            cmd += ["--", arg]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout

    def ms(label: str) -> float:
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)", out, re.M)
        assert m, out
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"rps": rps, "p50": ms("50"), "p99": ms("99"), "non2xx": float(bad.group(1)) if bad else 0.0}


def wait_running(base: str, key: str, task_ids: list[str], timeout: float = 60) -> None:
    """Wait until the generations are really being made (worker processes started, engine loaded)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        states = [httpx.get(f"{base}/suno/fetch/{t}", headers={"Authorization": f"Bearer {key}"}).json()["data"]
                  ["status"] for t in task_ids]
        if all(s == "IN_PROGRESS" for s in states):
            return
        time.sleep(0.2)
    raise SystemExit(f"generations did not start: {states}")


def touch_all(base: str, key: str, ids: list[str]) -> None:
    """Poll every task once (what a steady stream of polling clients does)."""
    import asyncio

    async def go() -> None:
        async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {key}"}) as client:
            queue = list(ids)

            async def one() -> None:
                while queue:
                    await client.get(f"/suno/fetch/{queue.pop()}")

            await asyncio.gather(*(one() for _ in range(16)))

    asyncio.run(go())


def line(name: str, r: dict[str, float]) -> str:
    return f"{name:<34} {r['rps']:>9.0f} req/s   p50 {r['p50']:>7.2f} ms   p99 {r['p99']:>7.2f} ms" + (
        f"   non-2xx {int(r['non2xx'])}" if r["non2xx"] else "")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tasks", type=int, default=10_000)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--engine", default="composer", help="engine for the two background generations")
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: bash scripts/install-system-deps.sh")
    tmp = Path(tempfile.mkdtemp(prefix="songforge-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SONGFORGE_")}
    env.update(SONGFORGE_DATA_DIR=str(tmp), SONGFORGE_LOG_LEVEL="warning", SONGFORGE_RATE_LIMIT_PER_10S="0",
               SONGFORGE_DEFAULT_ENGINE=args.engine)
    os.environ.update(env)
    t0 = time.perf_counter()
    rt = Runtime(Settings(), migrate=True)
    key, ids = seed(rt, args.tasks)
    rt.db.dispose()
    print(f"seeded {len(ids)} finished tasks in {time.perf_counter() - t0:.1f} s (SQLite, {tmp})")
    (tmp / "ids.txt").write_text("\n".join(ids) + "\n")
    fetch_lua, submit_lua = tmp / "fetch.lua", tmp / "submit.lua"
    fetch_lua.write_text(FETCH_LUA % key)
    submit_lua.write_text(SUBMIT_LUA % key)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp / "server.log"
    proc = start(env, port, workers=2, log=log)
    try:
        wrk(f"{base}/healthz", args.connections, 2)  # warm up the server, not the cache
        health = wrk(f"{base}/healthz", args.connections, args.seconds)
        cold = wrk(base, args.connections, args.seconds, fetch_lua, str(tmp / "ids.txt"))
        touch_all(base, key, ids)
        fetch = wrk(base, args.connections, args.seconds, fetch_lua, str(tmp / "ids.txt"))
        gens = [httpx.post(f"{base}/suno/submit/music", headers={"Authorization": f"Bearer {key}"}, json={
            "prompt": "[Verse]\nCity lights are calling me\nI can hear the night\n[Chorus]\nWe are young and free",
            "tags": "synth pop", "title": f"Bench {i}"}).json()["data"] for i in range(2)]
        wait_running(base, key, gens)
        busy = wrk(base, args.connections, args.seconds, fetch_lua, str(tmp / "ids.txt"))
        states = [httpx.get(f"{base}/suno/fetch/{g}", headers={"Authorization": f"Bearer {key}"}).json()["data"]
                  ["status"] for g in gens]
    finally:
        stop(proc)
    proc = start(env, port, workers=0, log=log)
    try:
        submit = wrk(base, args.connections, args.seconds, submit_lua)
    finally:
        stop(proc)
    print()
    print(line("GET /healthz", health))
    print(line("GET /suno/fetch/{id} (cold)", cold))
    print(line("GET /suno/fetch/{id} (steady)", fetch))
    print(line("GET /suno/fetch/{id} (steady, 2 gens)", busy) + f"   [generations at end: {', '.join(states)}]")
    print(line("POST /suno/submit/music", submit) + "   (accepted tasks/s, queue filling, no workers)")
    print()

    def verdict(ok: bool) -> str:
        return "OK" if ok else "MISSED"

    for name, r in (("cold", cold), ("steady", fetch)):
        rps, p99 = r["rps"] / health["rps"], r["p99"] / health["p99"]
        print(f"fetch/healthz throughput ({name:6}) {rps:5.2f}  (target >= 0.60)  {verdict(rps >= 0.6)}")
        print(f"fetch/healthz p99        ({name:6}) {p99:5.2f}  (target <= 2.00)  {verdict(p99 <= 2)}")
    ratio_busy = busy["p99"] / fetch["p99"]
    print(f"busy/idle fetch p99      (steady) {ratio_busy:5.2f}  (target <= 1.50)  {verdict(ratio_busy <= 1.5)}")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
