"""The composition root: builds every long-lived object from settings, once per process."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cached_property
from typing import Any

from songforge.account.service import Authenticator
from songforge.callback.netguard import CallbackGuard
from songforge.callback.service import CallbackOutbox, CallbackRenderer
from songforge.db import Database
from songforge.engines.registry import EngineRegistry, installed_names
from songforge.meta import get_or_create_secret
from songforge.migrate import upgrade
from songforge.queue.base import Queue
from songforge.queue.local import LocalQueue
from songforge.settings import QueueBackend, Settings
from songforge.storage.base import BlobStore
from songforge.storage.factory import make_store
from songforge.storage.urls import UrlSigner
from songforge.task.pollcache import PollCache
from songforge.task.service import TaskService

DIALECT_MODULES = {
    "suno": "songforge.dialects.suno",
    "kie": "songforge.dialects.kie",
    "apiinone": "songforge.dialects.apiinone",
}


def dialect_module(name: str, part: str) -> Any:
    """``songforge.dialects.<name>.<part>``."""
    return importlib.import_module(f"{DIALECT_MODULES[name]}.{part}")


class Runtime:
    """Settings, database, storage, queue, services and engines of one process."""

    def __init__(self, settings: Settings, *, migrate: bool = False) -> None:
        self.settings = settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.db = Database(settings.database_url, busy_timeout_ms=settings.database.busy_timeout_ms,
                           pool_size=settings.database.pool_size)
        if migrate:
            upgrade(self.db.write_engine)
            if settings.queue.backend == QueueBackend.PROCRASTINATE:  # its own tables, next to ours
                from songforge.queue.procrastinate import apply_schema

                apply_schema(self.db)
        self.store: BlobStore = make_store(settings)
        self.engines = EngineRegistry(settings.engines)
        self.auth = Authenticator()
        self.poll_cache = PollCache(settings.poll_cache_mb * 1024 * 1024)

    @cached_property
    def secret(self) -> str:
        """The URL-signing secret (setting, else generated once and shared through the database)."""
        if self.settings.secret_key:
            return self.settings.secret_key
        with self.db.write() as session:
            return get_or_create_secret(session)

    @cached_property
    def signer(self) -> UrlSigner:
        """Signs file and stream URLs."""
        return UrlSigner(self.secret, self.settings.storage.url_ttl_seconds, self.store)

    @cached_property
    def queue(self) -> Queue:
        """The configured queue backend."""
        if self.settings.queue.backend == QueueBackend.PROCRASTINATE:
            from songforge.queue.procrastinate import ProcrastinateQueue

            queue: Queue = ProcrastinateQueue(self.db, self.settings)
            return queue
        return LocalQueue(self.db, self.settings.queue.lease_seconds)

    @cached_property
    def renderers(self) -> dict[str, CallbackRenderer]:
        """Callback renderers of the enabled dialects."""
        found: dict[str, CallbackRenderer] = {}
        for name in self.settings.enabled_dialects():
            if name in DIALECT_MODULES:
                found[name] = dialect_module(name, "callbacks").render
        return found

    @cached_property
    def tasks(self) -> TaskService:
        """The task service."""
        return TaskService(settings=self.settings, queue=self.queue, outbox=CallbackOutbox(self.renderers),
                           guard=CallbackGuard(self.settings.callbacks.allowed_networks), signer=self.signer,
                           engine_names=installed_names())

    def session_factory(self) -> Callable[[], Any]:
        """A callable giving read sessions (for the authenticator)."""
        return self.db._read
