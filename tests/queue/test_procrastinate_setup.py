"""Setting up the procrastinate queue: `songforge migrate` installs its schema; misconfigurations fail clearly."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from songforge import cli
from songforge.db import Database
from songforge.queue.procrastinate import ProcrastinateQueue, schema_installed
from tests.conftest import make_settings


@pytest.fixture
def fresh_pg(pg_template: Any) -> str:
    """A database with songforge's tables but not procrastinate's (as after an upgrade to the scale-out shape)."""
    server, template = pg_template
    return str(server.create_database(f"p_{uuid.uuid4().hex[:16]}", template=template))


def test_migrate_with_the_procrastinate_backend_installs_its_schema_once(
        fresh_pg: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SONGFORGE_DATABASE__URL", fresh_pg)
    monkeypatch.setenv("SONGFORGE_QUEUE__BACKEND", "procrastinate")
    monkeypatch.setenv("SONGFORGE_DATA_DIR", str(tmp_path))  # the CLI sets it; monkeypatch undoes it
    db = Database(fresh_pg)
    try:
        assert not schema_installed(db)
        assert cli.main(["--data-dir", str(tmp_path), "migrate"]) == 0
        assert schema_installed(db)
        assert cli.main(["--data-dir", str(tmp_path), "migrate"]) == 0  # a second run (another replica) is a no-op
    finally:
        db.dispose()


def test_migrate_with_the_local_backend_leaves_procrastinate_out(
        fresh_pg: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SONGFORGE_DATABASE__URL", fresh_pg)
    monkeypatch.setenv("SONGFORGE_QUEUE__BACKEND", "local")
    monkeypatch.setenv("SONGFORGE_DATA_DIR", str(tmp_path))
    assert cli.main(["--data-dir", str(tmp_path), "migrate"]) == 0
    db = Database(fresh_pg)
    try:
        assert not schema_installed(db)
    finally:
        db.dispose()


def test_procrastinate_queue_without_its_schema_says_to_run_migrate(fresh_pg: str, tmp_path: Path) -> None:
    db = Database(fresh_pg)
    try:
        with pytest.raises(RuntimeError, match="songforge migrate"):
            ProcrastinateQueue(db, make_settings(tmp_path, fresh_pg, queue={"backend": "procrastinate"}))
    finally:
        db.dispose()


def test_procrastinate_queue_refuses_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'songforge.db'}"
    db = Database(url)
    try:
        with pytest.raises(ValueError, match="PostgreSQL"):
            ProcrastinateQueue(db, make_settings(tmp_path, url, queue={"backend": "procrastinate"}))
    finally:
        db.dispose()
