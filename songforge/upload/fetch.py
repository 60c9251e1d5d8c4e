"""Getting audio bytes from a URL: our own signed links from the blob store, anything else over HTTP (guarded)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, parse_qs, unquote, urljoin, urlsplit

import httpx

from songforge.errors import CallbackRefused, SourceFetchFailed
from songforge.upload import repository as repo

if TYPE_CHECKING:
    from songforge.runtime import Runtime

TIMEOUT = 30.0
MAX_REDIRECTS = 5
CHUNK = 256 * 1024


def split(url: str) -> SplitResult:
    """``urlsplit`` that turns malformed URLs (bad IPv6 brackets, ports) into SourceFetchFailed."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises on a non-numeric port
    except ValueError as exc:
        raise SourceFetchFailed(f"url is malformed: {exc}", field="url") from exc
    return parts


def check_url(rt: Runtime, url: str) -> None:
    """SourceFetchFailed unless ``url`` is http(s) and may be fetched (no private targets: SSRF guard)."""
    parts = split(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SourceFetchFailed("url must be an absolute http(s) URL", field="url")
    try:
        rt.tasks.guard.check(url)
    except CallbackRefused as exc:
        raise SourceFetchFailed(exc.message.replace("callback", "source"), field="url") from exc


def download(rt: Runtime, url: str, dest: Path, max_bytes: int, timeout: float = TIMEOUT) -> Path:
    """Download ``url`` to ``dest`` (redirects re-checked by the guard); SourceFetchFailed on any problem."""
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=timeout, follow_redirects=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            check_url(rt, url)
            try:
                with client.stream("GET", url) as resp:
                    if resp.is_redirect and "location" in resp.headers:
                        url = urljoin(url, resp.headers["location"])
                        continue
                    if resp.status_code != 200:
                        raise SourceFetchFailed(f"downloading the source failed: HTTP {resp.status_code}")
                    size = 0
                    with open(dest, "wb") as fh:
                        for chunk in resp.iter_bytes(CHUNK):
                            size += len(chunk)
                            if size > max_bytes:
                                raise SourceFetchFailed(f"the source is larger than {max_bytes} bytes")
                            if time.monotonic() > deadline:
                                raise SourceFetchFailed(f"downloading the source took longer than {timeout:.0f} s")
                            fh.write(chunk)
                    return dest
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                raise SourceFetchFailed(f"downloading the source failed: {type(exc).__name__}") from exc
    raise SourceFetchFailed("too many redirects")


def _our_hosts(rt: Runtime, base_url: str) -> set[str]:
    hosts = {urlsplit(u).netloc.lower() for u in (rt.settings.public_base_url, base_url) if u}
    return {h for h in hosts if h}


def local_key(rt: Runtime, url: str, base_url: str, key_id: int) -> str | None:
    """The blob key behind one of our own URLs (signed /files/ link, KIE downloadUrl), None for foreign URLs."""
    parts = split(url)
    query = parse_qs(parts.query)
    ours = parts.netloc.lower() in _our_hosts(rt, base_url)
    if parts.path.startswith("/files/"):
        key = unquote(parts.path[len("/files/"):])
        if rt.signer.check("f", key, query.get("e", [""])[0], query.get("s", [""])[0]):
            return key  # the signature proves we issued it, whatever host name the client used
        if ours:
            raise SourceFetchFailed("the file link is invalid or has expired")
    if ours and parts.path.startswith("/uploads/"):
        with rt.db.read() as s:
            found = repo.file_by_path(s, unquote(parts.path[len("/uploads/"):]), key_id)
            if found is None or not found.blob_key:
                raise SourceFetchFailed("the uploaded file was not found (it may have expired)")
            return found.blob_key
    return None


def obtain(rt: Runtime, url: str, base_url: str, key_id: int, dest: Path, max_bytes: int) -> Path:
    """A local file with the audio at ``url``: from the blob store without HTTP when the URL is ours."""
    key = local_key(rt, url, base_url, key_id)
    if key is None:
        return download(rt, url, dest, max_bytes)
    try:
        return rt.store.fetch(key, dest)
    except KeyError as exc:
        raise SourceFetchFailed("the linked file no longer exists") from exc
