"""KIE test settings: 14-second test clips, so replace-section windows (6–60 s, ≤ half) fit."""

from __future__ import annotations

from pathlib import Path

import pytest

from songforge.settings import Settings
from tests.conftest import make_settings


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    """Settings on the parametrized database, with longer testtone clips."""
    return make_settings(tmp_path, db_url, engines={"testtone": {"seconds": 14}})
