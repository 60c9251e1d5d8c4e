"""What an append costs on S3: the writer's own stream is never downloaded again, a foreign write is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from songforge.settings import StorageSettings
from songforge.storage.s3 import S3BlobStore


def count_calls(store: S3BlobStore) -> dict[str, int]:
    """Count the S3 operations the store's client sends (a botocore event hook, not a mock)."""
    calls: dict[str, int] = {}

    def seen(model: Any, **_: Any) -> None:
        calls[model.name] = calls.get(model.name, 0) + 1

    store.client.meta.events.register("before-call.s3", seen)
    return calls


def test_appending_to_its_own_stream_does_not_download_it_again(s3_storage: dict[str, Any], tmp_path: Path) -> None:
    store = S3BlobStore(StorageSettings(**s3_storage), cache_dir=tmp_path / "cache")
    calls = count_calls(store)
    for i in range(10):
        store.append("clips/a/stream.mp3", bytes([i]) * 100)
    assert store.size("clips/a/stream.mp3") == 1000
    assert calls.get("GetObject", 0) == 0
    assert calls["PutObject"] == 10


def test_a_stream_rewritten_elsewhere_is_downloaded_once_then_extended(
        s3_storage: dict[str, Any], tmp_path: Path) -> None:
    writer = S3BlobStore(StorageSettings(**s3_storage), cache_dir=tmp_path / "a")
    other = S3BlobStore(StorageSettings(**s3_storage), cache_dir=tmp_path / "b")
    writer.append("clips/b/stream.mp3", b"old")
    other.put_bytes("clips/b/stream.mp3", b"new")
    calls = count_calls(writer)
    writer.append("clips/b/stream.mp3", b"+1")
    writer.append("clips/b/stream.mp3", b"+2")
    assert b"".join(other.read_range("clips/b/stream.mp3", 0, None)) == b"new+1+2"
    assert calls["GetObject"] == 1
