"""Unguessable, expiring file URLs signed with the server secret."""

from __future__ import annotations

import hashlib
import hmac
import time
from functools import lru_cache
from urllib.parse import quote

from songforge.storage.base import BlobStore

BUCKET = 3600  # expiry rounded up to the hour so repeated polls render identical URLs


class UrlSigner:
    """Makes and checks ``/files/<key>?e=<expiry>&s=<sig>`` and ``/stream/<clip>`` URLs."""

    def __init__(self, secret: str, ttl_seconds: int, store: BlobStore | None = None) -> None:
        self._secret = secret.encode()
        self.ttl = ttl_seconds
        self.store = store
        # polling renders the same URLs over and over within an expiry bucket: remember their signatures
        self._sig = lru_cache(maxsize=65536)(self._compute_sig)

    def _compute_sig(self, kind: str, value: str, expiry: int) -> str:
        msg = f"{kind}:{value}:{expiry}".encode()
        return hmac.new(self._secret, msg, hashlib.sha256).hexdigest()[:32]

    def _expiry(self, now: float | None = None) -> int:
        now = time.time() if now is None else now
        return int((now + self.ttl) // BUCKET + 1) * BUCKET

    def bucket(self) -> int:
        """The expiry every URL made now gets (changes once an hour); part of cached responses' keys."""
        return self._expiry()

    def file_url(self, base: str, key: str) -> str:
        """A URL for blob ``key`` (the backend's own presigned URL when it has one)."""
        if self.store is not None:
            direct = self.store.presigned_url(key, self.ttl)
            if direct:
                return direct
        exp = self._expiry()
        return f"{base.rstrip('/')}/files/{quote(key)}?e={exp}&s={self._sig('f', key, exp)}"

    def stream_url(self, base: str, clip_id: str) -> str:
        """A URL that plays a clip while it is being made (and the final audio afterwards)."""
        exp = self._expiry()
        return f"{base.rstrip('/')}/stream/{clip_id}?e={exp}&s={self._sig('s', clip_id, exp)}"

    def check(self, kind: str, value: str, expiry: str | None, sig: str | None) -> bool:
        """True when the signature matches and has not expired."""
        if not expiry or not sig or not expiry.isdigit():
            return False
        if int(expiry) < time.time():
            return False
        return hmac.compare_digest(self._sig(kind, value, int(expiry)), sig)
