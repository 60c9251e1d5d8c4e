"""KIE test settings: 14-second test clips, so replace-section windows (6–60 s, ≤ half) fit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from songforge.app import create_app
from songforge.settings import Settings
from tests.conftest import make_settings, new_key


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    """Settings on the parametrized database, with longer testtone clips."""
    return make_settings(tmp_path, db_url, engines={"testtone": {"seconds": 14}})


@pytest.fixture
def kie_client(tmp_path: Path, db_url: str) -> Iterator[Callable[..., tuple[TestClient, dict[str, str]]]]:
    """Builds an app with setting overrides; returns (client, auth header of a key with ``credits``)."""
    clients: list[TestClient] = []

    def build(credits: int = 1000, **overrides: Any) -> tuple[TestClient, dict[str, str]]:
        overrides.setdefault("engines", {"testtone": {"seconds": 14}})
        settings = make_settings(tmp_path / f"app{len(clients)}", db_url, **overrides)
        app = create_app(settings, workers=0, background=False)
        client = TestClient(app)
        client.__enter__()
        clients.append(client)
        return client, {"Authorization": f"Bearer {new_key(app.state.rt, credits=credits)}"}

    yield build
    for client in clients:
        client.__exit__(None, None, None)
