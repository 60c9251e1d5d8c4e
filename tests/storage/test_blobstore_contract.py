"""One contract for every BlobStore: the local directory store and S3 on a real S3-compatible server."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from songforge.settings import StorageSettings
from songforge.storage.base import BlobNotFound, BlobStore
from songforge.storage.local import CHUNK, LocalBlobStore

StoreFactory = Callable[[], BlobStore]
INVALID_KEYS = ["../escape.mp3", "clips/../../etc/passwd", "/abs/olute.mp3", "clips//double.mp3", "", ".",
                "clips\\win.mp3", "clips/x/.."]


@pytest.fixture(params=["local", "s3"])
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> StoreFactory:
    """Opens a store on one shared backend; each call is a new instance (as another process would make)."""
    if request.param == "local":
        return lambda: LocalBlobStore(tmp_path / "files")
    s3: dict[str, Any] = request.getfixturevalue("s3_storage")
    from songforge.storage.s3 import S3BlobStore

    counter = iter(range(1000))
    return lambda: S3BlobStore(StorageSettings(**s3), cache_dir=tmp_path / f"cache{next(counter)}")


@pytest.fixture
def store(open_store: StoreFactory) -> BlobStore:
    """One instance of the store under test."""
    return open_store()


def read_all(store: BlobStore, key: str, start: int = 0, end: int | None = None) -> bytes:
    return b"".join(store.read_range(key, start, end))


def test_bytes_and_files_round_trip_with_their_sizes(store: BlobStore, tmp_path: Path) -> None:
    data = os.urandom(3000)
    assert store.put_bytes("clips/a/audio.mp3", data) == 3000
    assert store.size("clips/a/audio.mp3") == 3000
    assert read_all(store, "clips/a/audio.mp3") == data

    src = tmp_path / "src.wav"
    src.write_bytes(b"RIFF" + os.urandom(5000))
    assert store.put_file("clips/a/audio.wav", src) == src.stat().st_size
    got = store.fetch("clips/a/audio.wav", tmp_path / "work" / "source.wav")
    assert got.read_bytes() == src.read_bytes()


def test_putting_again_replaces_the_content_even_when_shorter(store: BlobStore) -> None:
    store.put_bytes("clips/b/cover.png", b"x" * 100)
    store.put_bytes("clips/b/cover.png", b"short")
    assert store.size("clips/b/cover.png") == 5
    assert read_all(store, "clips/b/cover.png") == b"short"


def test_a_file_larger_than_one_chunk_comes_back_whole(store: BlobStore, tmp_path: Path) -> None:
    src = tmp_path / "big.wav"
    src.write_bytes(os.urandom(9 * 1024 * 1024))  # above boto3's multipart threshold (8 MiB)
    store.put_file("clips/c/audio.wav", src)
    assert store.size("clips/c/audio.wav") == src.stat().st_size
    assert store.fetch("clips/c/audio.wav", tmp_path / "out.wav").read_bytes() == src.read_bytes()
    assert read_all(store, "clips/c/audio.wav") == src.read_bytes()


def test_ranges_return_exactly_the_requested_bytes(store: BlobStore) -> None:
    data = os.urandom(CHUNK + 1000)
    n = len(data)
    store.put_bytes("clips/d/audio.mp3", data)
    cases = [(10, 20), (0, 1), (CHUNK - 5, CHUNK + 5), (n - 3, None), (n - 3, n + 100), (0, None), (7, 7),
             (n, None), (n + 10, None), (20, 10)]
    for start, end in cases:
        assert read_all(store, "clips/d/audio.mp3", start, end) == data[start:end], (start, end)


def test_empty_blob_has_size_zero_and_reads_empty(store: BlobStore) -> None:
    store.put_bytes("clips/e/lyrics.json", b"")
    assert store.size("clips/e/lyrics.json") == 0
    assert read_all(store, "clips/e/lyrics.json") == b""


def test_append_creates_the_blob_then_grows_it(store: BlobStore) -> None:
    key = "clips/f/stream.mp3"
    chunks = [os.urandom(1000 + i) for i in range(5)]
    total = 0
    for chunk in chunks:
        total += len(chunk)
        assert store.append(key, chunk) == total
        assert store.size(key) == total
    assert read_all(store, key) == b"".join(chunks)
    assert read_all(store, key, 1000, 2001) == chunks[1]


def test_append_after_a_fresh_put_continues_from_the_put_content(store: BlobStore) -> None:
    key = "clips/g/stream.mp3"
    store.append(key, b"old stream from a failed attempt")
    store.put_bytes(key, b"first")  # a retried job starts the stream afresh
    assert store.append(key, b"-second") == len(b"first-second")
    assert read_all(store, key) == b"first-second"


def test_append_sees_what_another_process_wrote_in_between(open_store: StoreFactory) -> None:
    writer, other = open_store(), open_store()
    key = "clips/h/stream.mp3"
    writer.append(key, b"aaa")
    other.put_bytes(key, b"BBBB")
    assert writer.append(key, b"c") == 5
    assert read_all(other, key) == b"BBBBc"


def test_missing_keys_have_no_size_and_raise_not_found(store: BlobStore, tmp_path: Path) -> None:
    assert store.size("clips/none/audio.mp3") is None
    with pytest.raises(BlobNotFound):
        read_all(store, "clips/none/audio.mp3")
    with pytest.raises(BlobNotFound):
        store.fetch("clips/none/audio.mp3", tmp_path / "x.mp3")
    store.delete("clips/none/audio.mp3")  # deleting what is absent is not an error


def test_deleted_blob_is_gone(store: BlobStore) -> None:
    store.put_bytes("clips/i/audio.mp3", b"data")
    store.delete("clips/i/audio.mp3")
    assert store.size("clips/i/audio.mp3") is None
    with pytest.raises(BlobNotFound):
        read_all(store, "clips/i/audio.mp3")


def test_keys_that_could_escape_the_store_are_rejected(store: BlobStore, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.write_bytes(b"x")
    for key in INVALID_KEYS:
        for attempt in (lambda: store.put_bytes(key, b"x"), lambda: store.put_file(key, src),
                        lambda: store.append(key, b"x"), lambda: read_all(store, key),
                        lambda: store.fetch(key, tmp_path / "out"), lambda: store.delete(key)):
            with pytest.raises(ValueError):
                attempt()
        assert store.size(key) is None, key
    assert not (tmp_path / "escape.mp3").exists()


def test_presigned_url_when_offered_downloads_the_blob_over_http(store: BlobStore) -> None:
    key = "uploads/u1/my song é.mp3"  # spaces and non-ASCII must survive the URL encoding
    data = b"ID3" + os.urandom(2000)
    store.put_bytes(key, data)
    url = store.presigned_url(key, 3600)
    if isinstance(store, LocalBlobStore):
        assert url is None  # local files are served by songforge's own signed /files URLs
        return
    assert url is not None
    resp = httpx.get(url, timeout=10)
    assert resp.status_code == 200 and resp.content == data
    assert resp.headers["content-type"] == "audio/mpeg"
    part = httpx.get(url, headers={"Range": "bytes=3-12"}, timeout=10)
    assert part.status_code == 206 and part.content == data[3:13]
