"""Blob store on S3 or an S3-compatible server (MinIO, Ceph, moto); the only module that imports boto3.

S3 objects cannot be appended to, so ``append`` rewrites the whole object (read-modify-write). It is meant for
growing stream files of a few MB: a stream of ``k`` chunks totalling ``S`` bytes costs about ``k * S / 2`` bytes
uploaded over its life. The writer keeps a copy of what it last wrote under ``cache_dir`` and skips the read when
the object's ETag shows nobody else changed it, so the normal path is one HEAD and one PUT per chunk.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from songforge.settings import StorageSettings
from songforge.storage.base import BlobNotFound, validate_key

CHUNK = 256 * 1024
MAX_PRESIGN_SECONDS = 7 * 24 * 3600  # SigV4 refuses longer expiries
APPEND_CACHE_ENTRIES = 16  # growing objects whose last written copy we keep (one per streaming clip)
_MISSING = {"404", "NoSuchKey", "NotFound"}
_TYPES = {".mp3": "audio/mpeg", ".wav": "audio/wav", ".mid": "audio/midi", ".png": "image/png",
          ".mp4": "video/mp4", ".json": "application/json", ".m4a": "audio/mp4", ".flac": "audio/flac"}


def content_type(key: str) -> str:
    """The Content-Type stored with the object, so presigned downloads play in browsers."""
    suffix = Path(key).suffix.lower()
    return _TYPES.get(suffix) or mimetypes.guess_type(key)[0] or "application/octet-stream"


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


_session: Any = None
_session_lock = threading.Lock()


def _client(**kwargs: Any) -> Any:
    """An S3 client from one shared boto3 session (loading the service model takes ~0.3 s per new session)."""
    global _session
    with _session_lock:  # boto3 sessions are not thread-safe; the clients they make are
        if _session is None:
            _session = boto3.session.Session()
        return _session.client("s3", **kwargs)


class S3BlobStore:
    """Keeps blobs as objects in one bucket (created when missing); keys are the object keys."""

    def __init__(self, settings: StorageSettings, cache_dir: Path) -> None:
        self.bucket = settings.s3_bucket
        self.cache_dir = cache_dir
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        # Path-style addressing: S3-compatible servers rarely have wildcard DNS for virtual-host buckets.
        config = Config(signature_version="s3v4", retries={"max_attempts": 5, "mode": "standard"},
                        s3={"addressing_style": "path"} if settings.s3_endpoint_url else {})
        self.client: Any = _client(
            endpoint_url=settings.s3_endpoint_url or None, region_name=settings.s3_region or None,
            aws_access_key_id=settings.s3_access_key_id or None,
            aws_secret_access_key=settings.s3_secret_access_key or None, config=config)
        self._region = settings.s3_region
        self._appended: OrderedDict[str, str] = OrderedDict()  # key -> ETag of our last write (cache is valid)
        self._lock = threading.Lock()
        self._ensure_bucket()

    def _ensure_bucket(self) -> None:
        try:
            self.client.head_bucket(Bucket=self.bucket)
            return
        except ClientError as exc:
            if _code(exc) not in _MISSING | {"NoSuchBucket"}:
                raise
        kwargs: dict[str, Any] = {"Bucket": self.bucket}
        if self._region and self._region != "us-east-1":  # us-east-1 rejects an explicit LocationConstraint
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": self._region}
        try:
            self.client.create_bucket(**kwargs)
        except ClientError as exc:
            if _code(exc) not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):  # another replica won
                raise

    def put_file(self, key: str, src: Path) -> int:
        self._forget(validate_key(key))
        self.client.upload_file(str(src), self.bucket, key, ExtraArgs={"ContentType": content_type(key)})
        return src.stat().st_size

    def put_bytes(self, key: str, data: bytes) -> int:
        self._forget(validate_key(key))
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type(key))
        return len(data)

    def append(self, key: str, data: bytes) -> int:
        validate_key(key)
        with self._lock:  # appends to one key come from one job; the lock keeps the cache map consistent
            copy = self._copy_path(key)
            etag = self._head_etag(key)
            if etag is None:
                copy.write_bytes(b"")
            elif self._appended.get(key) != etag or not copy.exists():  # someone else wrote it: start from S3
                self._download(key, copy)
            with open(copy, "ab") as fh:
                fh.write(data)
            try:
                with open(copy, "rb") as fh:
                    resp = self.client.put_object(Bucket=self.bucket, Key=key, Body=fh,
                                                  ContentType=content_type(key))
            except BaseException:
                self._appended.pop(key, None)  # the copy now holds a chunk S3 lacks: never build on it
                copy.unlink(missing_ok=True)
                raise
            self._remember(key, str(resp["ETag"]))
            return copy.stat().st_size

    def size(self, key: str) -> int | None:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=validate_key(key))
        except ValueError:
            return None
        except ClientError as exc:
            if _code(exc) in _MISSING:
                return None
            raise
        return int(head["ContentLength"])

    def read_range(self, key: str, start: int, end: int | None) -> Iterator[bytes]:
        validate_key(key)
        if end is not None and end <= start:
            return
        rng = f"bytes={start}-" if end is None else f"bytes={start}-{end - 1}"
        try:
            resp = self.client.get_object(Bucket=self.bucket, Key=key, Range=rng)
        except ClientError as exc:
            if _code(exc) in _MISSING:
                raise BlobNotFound(key) from exc
            if _code(exc) == "InvalidRange":  # start at or past the end: nothing to send, like a short file
                return
            raise
        body = resp["Body"]
        try:
            yield from body.iter_chunks(CHUNK)
        finally:
            body.close()

    def fetch(self, key: str, dest: Path) -> Path:
        validate_key(key)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.name + f".part{os.getpid()}")
        try:
            self.client.download_file(self.bucket, key, str(tmp))
        except ClientError as exc:
            tmp.unlink(missing_ok=True)
            if _code(exc) in _MISSING:
                raise BlobNotFound(key) from exc
            raise
        os.replace(tmp, dest)
        return dest

    def delete(self, key: str) -> None:
        self._forget(validate_key(key))
        self.client.delete_object(Bucket=self.bucket, Key=key)  # S3 deletes of absent keys succeed

    def presigned_url(self, key: str, ttl_seconds: int) -> str | None:
        url = self.client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": validate_key(key)},
            ExpiresIn=max(1, min(int(ttl_seconds), MAX_PRESIGN_SECONDS)))
        return str(url)

    # -- the write-through copies used by append -------------------------------------------------------------

    def _copy_path(self, key: str) -> Path:
        return self.cache_dir / hashlib.sha256(f"{self.bucket}/{key}".encode()).hexdigest()

    def _head_etag(self, key: str) -> str | None:
        try:
            return str(self.client.head_object(Bucket=self.bucket, Key=key)["ETag"])
        except ClientError as exc:
            if _code(exc) in _MISSING:
                return None
            raise

    def _download(self, key: str, copy: Path) -> None:
        try:
            self.client.download_file(self.bucket, key, str(copy))
        except ClientError as exc:
            if _code(exc) not in _MISSING:
                raise
            copy.write_bytes(b"")  # deleted between our HEAD and GET

    def _remember(self, key: str, etag: str) -> None:
        self._appended[key] = etag
        self._appended.move_to_end(key)
        while len(self._appended) > APPEND_CACHE_ENTRIES:
            old, _ = self._appended.popitem(last=False)
            self._copy_path(old).unlink(missing_ok=True)

    def _forget(self, key: str) -> None:
        with self._lock:
            if self._appended.pop(key, None) is not None:
                self._copy_path(key).unlink(missing_ok=True)
