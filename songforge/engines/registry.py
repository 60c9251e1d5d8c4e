"""Finds engines through the ``songforge.engines`` entry points; broken plugins are logged and skipped."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

import structlog

from songforge.engines.base import Engine

GROUP = "songforge.engines"
log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class EngineInfo:
    """What `songforge engines` lists."""

    name: str
    target: str
    kinds: list[str]
    error: str = ""


def discover() -> dict[str, type[Engine]]:
    """Every loadable engine class by name."""
    found: dict[str, type[Engine]] = {}
    for ep in entry_points(group=GROUP):
        try:
            found[ep.name] = ep.load()
        except Exception:  # a broken plugin must not take the server down
            log.exception("engine.load_failed", engine=ep.name, target=ep.value)
    return found


def _load_one(name: str) -> type[Engine] | None:
    """Load just the engine ``name`` (other broken plugins do not matter to it)."""
    for ep in entry_points(group=GROUP, name=name):
        try:
            return ep.load()  # type: ignore[no-any-return]
        except Exception:  # a broken plugin must not take the worker down
            log.exception("engine.load_failed", engine=ep.name, target=ep.value)
    return None


def installed_names() -> frozenset[str]:
    """Names of the installed engines, without importing them."""
    return frozenset(ep.name for ep in entry_points(group=GROUP))


def describe() -> list[EngineInfo]:
    """Every installed engine, including the ones that fail to load."""
    infos = []
    for ep in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        try:
            cls = ep.load()
            infos.append(EngineInfo(ep.name, ep.value, sorted(str(k) for k in cls.kinds)))
        except Exception as exc:  # report, don't crash the listing
            infos.append(EngineInfo(ep.name, ep.value, [], error=f"{type(exc).__name__}: {exc}"))
    return infos


class EngineRegistry:
    """Builds engines lazily, once per process, from their settings sections."""

    def __init__(self, sections: dict[str, dict[str, Any]]) -> None:
        self._sections = sections
        self._classes: dict[str, type[Engine]] | None = None
        self._instances: dict[str, Engine] = {}

    def names(self) -> list[str]:
        """Names of the engines that loaded."""
        if self._classes is None:
            self._classes = discover()
        return sorted(self._classes)

    def get(self, name: str) -> Engine | None:
        """The engine called ``name``, built on first use; None when it is not installed."""
        if name in self._instances:
            return self._instances[name]
        cls = _load_one(name)
        if cls is None:
            return None
        instance = cls(dict(self._sections.get(name, {})))  # type: ignore[call-arg]
        self._instances[name] = instance
        return instance
