"""Blob store on a local directory."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from songforge.storage.base import BlobNotFound, validate_key

CHUNK = 256 * 1024


class LocalBlobStore:
    """Keeps blobs as files under ``root``; writes are atomic (temp file + rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, key: str) -> Path:
        """The file that holds ``key``."""
        return self.root / validate_key(key)

    def put_file(self, key: str, src: Path) -> int:
        dest = self.path(key)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.name + f".tmp{os.getpid()}")
        shutil.copyfile(src, tmp)
        os.replace(tmp, dest)
        return dest.stat().st_size

    def put_bytes(self, key: str, data: bytes) -> int:
        dest = self.path(key)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.name + f".tmp{os.getpid()}")
        tmp.write_bytes(data)
        os.replace(tmp, dest)
        return len(data)

    def append(self, key: str, data: bytes) -> int:
        dest = self.path(key)
        dest.parent.mkdir(parents=True, exist_ok=True)
        with open(dest, "ab") as fh:
            fh.write(data)
            fh.flush()
            return fh.tell()

    def size(self, key: str) -> int | None:
        try:
            return self.path(key).stat().st_size
        except (FileNotFoundError, ValueError):
            return None

    def read_range(self, key: str, start: int, end: int | None) -> Iterator[bytes]:
        try:
            fh = open(self.path(key), "rb")
        except FileNotFoundError as exc:
            raise BlobNotFound(key) from exc
        with fh:
            fh.seek(start)
            remaining = None if end is None else max(0, end - start)
            while remaining is None or remaining > 0:
                chunk = fh.read(CHUNK if remaining is None else min(CHUNK, remaining))
                if not chunk:
                    break
                if remaining is not None:
                    remaining -= len(chunk)
                yield chunk

    def fetch(self, key: str, dest: Path) -> Path:
        path = self.path(key)
        if not path.exists():
            raise BlobNotFound(key)
        return path

    def delete(self, key: str) -> None:
        try:
            self.path(key).unlink()
        except FileNotFoundError:
            pass

    def presigned_url(self, key: str, ttl_seconds: int) -> str | None:
        return None
