"""Shared fixtures: real SQLite and a throwaway PostgreSQL, a runtime, an app client, keys, a callback receiver."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from songforge.account import service as accounts
from songforge.app import create_app
from songforge.runtime import Runtime
from songforge.settings import Settings
from songforge.worker import Worker
from tests.pg import ThrowawayPostgres
from tests.receiver import CallbackReceiver

os.environ.setdefault("HF_HUB_OFFLINE", "1")
BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(scope="session")
def pg_template() -> Iterator[tuple[ThrowawayPostgres, str]]:
    """One PostgreSQL server per test session and a migrated template database."""
    server = ThrowawayPostgres()
    server.start()
    template = "songforge_template"
    url = server.create_database(template)
    rt = Runtime(Settings(database={"url": url}), migrate=True)  # type: ignore[arg-type]
    rt.db.dispose()
    yield server, template
    server.stop()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, migrated database on each backend (the DB-facing tests run on both)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'songforge.db'}"
    server, template = request.getfixturevalue("pg_template")
    return server.create_database(f"t_{uuid.uuid4().hex[:16]}", template=template)


def make_settings(tmp_path: Path, db_url: str, **overrides: Any) -> Settings:
    """Test settings: the testtone engine, loopback callbacks allowed, no rate limit, fast retries."""
    base: dict[str, Any] = {
        "data_dir": tmp_path / "data",
        "database": {"url": db_url},
        "default_engine": "testtone",
        "rate_limit_per_10s": 0,
        "log_json": True,
        "log_level": "warning",
        "callbacks": {"allowed_networks": "127.0.0.0/8,::1/128", "retry_schedule": "0.2,0.4,0.8",
                      "timeout_seconds": 2.0, "poll_seconds": 0.05},
        "queue": {"workers": 0, "lease_seconds": 5, "heartbeat_seconds": 1, "poll_seconds": 0.05},
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = {**base[key], **value}
        else:
            base[key] = value
    return Settings(**base)


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    """Settings on the parametrized database."""
    return make_settings(tmp_path, db_url)


@pytest.fixture
def rt(settings: Settings) -> Iterator[Runtime]:
    """A migrated runtime."""
    runtime = Runtime(settings, migrate=True)
    yield runtime
    runtime.db.dispose()


@pytest.fixture
def app(settings: Settings) -> Any:
    """The app, without worker processes or background loops (tests drive them)."""
    return create_app(settings, workers=0, background=False)


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    """An HTTP client for the app."""
    with TestClient(app) as c:
        yield c


def new_key(rt: Runtime, credits: int = 1000, unlimited: bool = False) -> str:
    """Create a key and return its raw value."""
    with rt.db.write() as s:
        return accounts.create_key(s, name="test", credits=credits, unlimited=unlimited).raw


@pytest.fixture
def key(app: Any) -> str:
    """A key with 1000 credits on the app's database."""
    return new_key(app.state.rt)


@pytest.fixture
def auth(key: str) -> dict[str, str]:
    """Authorization header for ``key``."""
    return {"Authorization": f"Bearer {key}"}


def run_jobs(rt: Runtime, limit: int = 50) -> int:
    """Run queued jobs in this process until none is left; returns how many ran."""
    worker = Worker(rt, worker_id="test-worker")

    async def drain() -> int:
        count = 0
        while count < limit and await worker.run_one():
            count += 1
        return count

    return asyncio.run(drain())


@pytest.fixture
def receiver() -> Iterator[CallbackReceiver]:
    """A real HTTP callback receiver on loopback."""
    rec = CallbackReceiver()
    rec.start()
    yield rec
    rec.stop()
