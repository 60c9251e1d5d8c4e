"""Chooses the blob store from settings (a closed set: a plain dict)."""

from __future__ import annotations

from collections.abc import Callable

from songforge.settings import Settings, StorageBackend
from songforge.storage.base import BlobStore
from songforge.storage.local import LocalBlobStore


def _local(settings: Settings) -> BlobStore:
    return LocalBlobStore(settings.files_dir)


def _s3(settings: Settings) -> BlobStore:
    from songforge.storage.s3 import S3BlobStore  # boto3 is imported only when S3 is chosen

    return S3BlobStore(settings.storage, cache_dir=settings.data_dir / "s3-cache")


BACKENDS: dict[StorageBackend, Callable[[Settings], BlobStore]] = {
    StorageBackend.LOCAL: _local,
    StorageBackend.S3: _s3,
}


def make_store(settings: Settings) -> BlobStore:
    """The configured blob store."""
    return BACKENDS[settings.storage.backend](settings)
