"""The blob-store interface: keys are relative paths like ``clips/<id>/audio.mp3``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol


class BlobNotFound(KeyError):
    """No blob under that key."""


class BlobStore(Protocol):
    """Where uploads and results are kept."""

    def put_file(self, key: str, src: Path) -> int:
        """Store a copy of ``src`` under ``key``; returns its size."""
        ...

    def put_bytes(self, key: str, data: bytes) -> int:
        """Store ``data`` under ``key`` (replacing it); returns its size."""
        ...

    def append(self, key: str, data: bytes) -> int:
        """Append ``data`` to ``key`` (created if absent); returns the new size. Used for growing streams."""
        ...

    def size(self, key: str) -> int | None:
        """Size in bytes, or None when absent."""
        ...

    def read_range(self, key: str, start: int, end: int | None) -> Iterator[bytes]:
        """Bytes ``start`` .. ``end`` (exclusive; None = to the end), in chunks."""
        ...

    def fetch(self, key: str, dest: Path) -> Path:
        """Make the blob available as a local file at ``dest`` (or return its own path); returns the path."""
        ...

    def delete(self, key: str) -> None:
        """Remove the blob (no error when absent)."""
        ...

    def presigned_url(self, key: str, ttl_seconds: int) -> str | None:
        """A direct URL from the backend itself, or None when files are served by songforge."""
        ...


def validate_key(key: str) -> str:
    """Reject keys that could escape the store."""
    if not key or key.startswith("/") or "\\" in key or any(p in ("", ".", "..") for p in key.split("/")):
        raise ValueError(f"invalid blob key: {key!r}")
    return key
