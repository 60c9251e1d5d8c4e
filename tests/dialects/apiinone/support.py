"""Helpers shared by the API in One dialect tests: request bodies, polling, and golden-file normalisation."""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import threading
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from songforge.task.models import Clip
from songforge.worker import Worker

LYRICS = "[Verse]\nSummer light on the water\n[Chorus]\nWe were dreaming all along"
SONG = {"prompt": LYRICS, "style": "pop", "title": "Summer Dreams", "model": "chirp-v4-5", "tags": "metal"}
GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("SONGFORGE_UPDATE_GOLDEN") == "1"  # rewrite golden files instead of comparing


def create(client: Any, auth: dict[str, str], path: str = "/api/v1/audio/music", **body: Any) -> Any:
    """POST a create route; returns the response."""
    return client.post(path, json=body, headers=auth)


def task_id_of(resp: Any) -> str:
    """The task id of a successful create response."""
    assert resp.status_code == 200, resp.text
    return str(resp.json()["data"]["task_id"])


def feed(client: Any, auth: dict[str, str], task_id: str, param: str = "task_id") -> dict[str, Any]:
    """The whole feed response (envelope included)."""
    resp = client.get("/api/v1/audio/music/feed", params={param: task_id}, headers=auth)
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


def set_duration(rt: Any, clip_id: str, seconds: float) -> None:
    """Pretend a clip has another length (for the 6–60 s upload-cover rule)."""
    with rt.db.write() as s:
        clip = s.get(Clip, clip_id)
        assert clip is not None
        clip.duration = seconds


def error_of(resp: Any) -> tuple[int, str]:
    """(HTTP status, error.type) of an error response, checking the superset envelope on the way."""
    body = resp.json()
    assert body["code"] == resp.status_code and body["message"] == body["error"]["message"], body
    return resp.status_code, body["error"]["type"]


@contextmanager
def worker_running(rt) -> Iterator[None]:
    """A worker thread draining the queue while the request under test waits for it."""
    stop = threading.Event()

    def loop() -> None:
        worker = Worker(rt, worker_id="apiinone-upload-test")

        async def go() -> None:
            while not stop.is_set():
                if not await worker.run_one():
                    await asyncio.sleep(0.05)

        asyncio.run(go())

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=30)


def wav_bytes(seconds: float, sr: int = 22050) -> bytes:
    """A mono 16-bit WAV tone of ``seconds``."""
    t = np.arange(int(seconds * sr)) / sr
    samples = (0.3 * np.sin(2 * np.pi * 330 * t) * 32767).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sr)
        w.writeframes(samples.tobytes())
    return buf.getvalue()


HEX32 = re.compile(r"\b[0-9a-f]{32}\b")
UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
SIGNED = re.compile(r"\?e=\d+&s=[0-9a-f]+")
LOOPBACK = re.compile(r"http://127\.0\.0\.1:\d+")


class Normaliser:
    """Replaces ids, times, signatures and ports with stable placeholders; the same id keeps the same name."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}

    def _name(self, kind: str, value: str) -> str:
        if value not in self.names:
            count = sum(1 for n in self.names.values() if n.startswith(f"<{kind}"))
            self.names[value] = f"<{kind}{count + 1}>"
        return self.names[value]

    def text(self, value: str) -> str:
        """One string, normalised."""
        if ISO.match(value):
            return "<time>"
        value = SIGNED.sub("?e=<expiry>&s=<sig>", value)  # first: a signature looks like a task id
        value = HEX32.sub(lambda m: self._name("task", m.group()), value)
        value = UUID.sub(lambda m: self._name("clip", m.group()), value)
        return LOOPBACK.sub("http://<receiver>", value)

    def __call__(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: self(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self(v) for v in value]
        if isinstance(value, str):
            return self.text(value)
        return value


def check_golden(name: str, exchange: dict[str, Any]) -> None:
    """Compare a normalised request/response/callback exchange with golden/<name>.json (or rewrite it)."""
    path = GOLDEN / f"{name}.json"
    actual = Normaliser()(exchange)
    if UPDATE:
        path.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n")
    assert path.exists(), f"missing {path}; run once with SONGFORGE_UPDATE_GOLDEN=1 and review the file"
    assert actual == json.loads(path.read_text()), f"{name}: differs from {path}"
