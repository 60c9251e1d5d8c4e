"""Fixtures of the storage tests: one moto_server per session, S3 settings with a fresh bucket per test."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.storage.s3server import MotoServer


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """The endpoint URL of a moto_server running for the whole session."""
    server = MotoServer()
    yield server.start()
    server.stop()


@pytest.fixture
def s3_storage(s3_endpoint: str) -> dict[str, Any]:
    """``storage`` settings for S3 on the test server, with a bucket no other test uses (created on demand)."""
    return {"backend": "s3", "s3_bucket": f"sf-{uuid.uuid4().hex[:12]}", "s3_endpoint_url": s3_endpoint,
            "s3_region": "us-east-1", "s3_access_key_id": "testing", "s3_secret_access_key": "testing"}
