"""API keys, authentication and credits (charge on accept, refund on failure)."""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass

from sqlalchemy.orm import Session

from songforge import ids
from songforge.account import repository as repo
from songforge.account.models import ApiKey, LedgerEntry
from songforge.errors import InsufficientCredits, Unauthorized


def hash_key(raw: str) -> str:
    """The stored form of a key."""
    return hashlib.sha256(raw.encode()).hexdigest()


def bearer_token(header: str | None) -> str:
    """The key from an Authorization header: the literal prefix 'Bearer ' is trimmed, nothing else."""
    value = (header or "").strip()
    if value[:7].lower() == "bearer ":
        value = value[7:].strip()
    return value


@dataclass(frozen=True)
class Caller:
    """An authenticated key, as the routes see it."""

    key_id: int
    name: str
    unlimited: bool


@dataclass(frozen=True)
class NewKey:
    """A freshly created key; ``raw`` is shown once and never stored."""

    raw: str
    key: ApiKey


def create_key(session: Session, name: str = "", credits: int = 0, unlimited: bool = False) -> NewKey:
    """Create a key with its webhook secrets; the starting credits are recorded in the ledger."""
    raw = ids.api_key()
    key = ApiKey(name=name, key_hash=hash_key(raw), key_prefix=raw[:10], credits=credits, unlimited=unlimited,
                 webhook_secret="whsec_" + base64.b64encode(secrets.token_bytes(32)).decode(),
                 kie_hmac_key=secrets.token_hex(32))
    session.add(key)
    session.flush()
    if credits:
        session.add(LedgerEntry(key_id=key.id, delta=credits, reason="grant"))
    return NewKey(raw, key)


def grant(session: Session, key_id: int, amount: int) -> None:
    """Add credits to a key (ledger recorded)."""
    repo.give_credits(session, key_id, amount)
    session.add(LedgerEntry(key_id=key_id, delta=amount, reason="grant"))


def charge(session: Session, key_id: int, task_id: str, amount: int) -> None:
    """Charge ``amount`` for ``task_id`` or raise InsufficientCredits (nothing written then)."""
    if amount <= 0:
        return
    if not repo.take_credits(session, key_id, amount):
        raise InsufficientCredits("insufficient credits")
    session.add(LedgerEntry(key_id=key_id, task_id=task_id, delta=-amount, reason="charge"))


def refund(session: Session, key_id: int, task_id: str) -> int:
    """Give back what ``task_id`` was charged, once; returns the refunded amount."""
    charged = repo.ledger_entry(session, task_id, "charge")
    if charged is None or repo.ledger_entry(session, task_id, "refund") is not None:
        return 0
    amount = -charged.delta
    repo.give_credits(session, key_id, amount)
    session.add(LedgerEntry(key_id=key_id, task_id=task_id, delta=amount, reason="refund"))
    return amount


def balance(session: Session, key_id: int) -> int | None:
    """Credits left; None for unlimited keys."""
    key = repo.by_id(session, key_id)
    if key is None:
        return 0
    return None if key.unlimited else key.credits


class Authenticator:
    """Resolves bearer keys, caching hits briefly so polling does not hit the database every time."""

    def __init__(self, ttl_seconds: float = 10.0) -> None:
        self._ttl = ttl_seconds
        self._cache: dict[str, tuple[float, Caller]] = {}
        self._lock = threading.Lock()

    def authenticate(self, session_factory: object, header: str | None) -> Caller:
        """The caller behind an Authorization header, or Unauthorized."""
        raw = bearer_token(header)
        if not raw:
            raise Unauthorized("missing API key")
        digest = hash_key(raw)
        now = time.monotonic()
        hit = self._cache.get(digest)
        if hit is not None and hit[0] > now:
            return hit[1]
        with session_factory() as session:  # type: ignore[operator]
            key = repo.by_hash(session, digest)
            if key is None or key.disabled:
                raise Unauthorized("invalid API key")
            caller = Caller(key.id, key.name, key.unlimited)
        with self._lock:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[digest] = (now + self._ttl, caller)
        return caller
