"""The composer's settings section (a plain dict from the server settings), with defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

DEFAULT_SOUNDFONT = "/usr/share/sounds/sf2/FluidR3_GM.sf2"


@dataclass(frozen=True)
class LyricsLLM:
    """An optional OpenAI-compatible chat endpoint that writes lyrics (rules are the fallback)."""

    base_url: str = ""
    api_key: str = ""
    model: str = ""
    timeout: float = 20.0


@dataclass(frozen=True)
class ComposerSettings:
    """Settings of the composer engine; every key is documented in docs/composer.md."""

    soundfont: str = DEFAULT_SOUNDFONT
    workers: int = field(default_factory=lambda: max(1, min(2, os.cpu_count() or 1)))
    bitrate: str = "192k"
    clip_timeout_s: float = 600.0
    stream: bool = True
    prestart: bool = False  # start the worker processes when the engine is built (first task streams sooner)
    lyrics_llm: LyricsLLM = field(default_factory=LyricsLLM)

    @classmethod
    def from_dict(cls, raw: dict[str, Any] | None) -> ComposerSettings:
        """Build from the engine's settings dict; unknown keys are ignored, ``lyrics_llm`` may be nested."""
        raw = dict(raw or {})
        llm = raw.pop("lyrics_llm", None) or {}
        known = {k: raw[k] for k in ("soundfont", "workers", "bitrate", "clip_timeout_s", "stream",
                                                "prestart") if k in raw}
        if "workers" in known:
            known["workers"] = max(1, int(known["workers"]))
        llm_known = {k: llm[k] for k in ("base_url", "api_key", "model", "timeout") if k in llm}
        return cls(**known, lyrics_llm=LyricsLLM(**llm_known))
