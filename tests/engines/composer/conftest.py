"""Fixtures for the composer tests: a recording fake of our ProgressSink and an engine run helper."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from songforge.engines.base import ClipResult, ClipText, EngineRequest, LyricsResult, TaskKind
from songforge.engines.composer.engine import ComposerEngine

SHORT_LYRICS = """[Verse]
Hold on to the night, we are young
Every light in the city is a song

[Chorus]
Sing it loud, sing it clear
Every heartbeat says that you are here
"""


class RecordingSink:
    """Records every call the engine makes, in order."""

    def __init__(self) -> None:
        self.texts: list[ClipText] = []
        self.chunks: dict[int, list[bytes]] = {}
        self.finished: dict[int, ClipResult] = {}
        self.lyrics: list[LyricsResult] = []
        self.events: list[tuple[str, int]] = []
        self.fractions: list[float] = []

    def text_ready(self, clips: list[ClipText]) -> None:
        self.texts = clips
        self.events.append(("text", -1))

    def audio_chunk(self, index: int, mp3_bytes: bytes) -> None:
        self.chunks.setdefault(index, []).append(mp3_bytes)
        self.events.append(("chunk", index))

    def clip_finished(self, index: int, result: ClipResult) -> None:
        self.finished[index] = result
        self.events.append(("finished", index))

    def lyrics_ready(self, variants: list[LyricsResult]) -> None:
        self.lyrics = variants

    def progress(self, fraction: float) -> None:
        self.fractions.append(fraction)


@pytest.fixture(scope="session")
def engine() -> Iterator[ComposerEngine]:
    eng = ComposerEngine({"workers": 2})
    yield eng
    eng.close()


def make_request(work_dir: Path, **kw: Any) -> EngineRequest:
    """A GENERATE request with short lyrics unless overridden."""
    work_dir.mkdir(parents=True, exist_ok=True)
    base: dict[str, Any] = dict(task_id="t1", kind=TaskKind.GENERATE, work_dir=work_dir, lyrics=SHORT_LYRICS,
                                tags="pop, upbeat, female vocals", seed=11, n_clips=2)
    base.update(kw)
    return EngineRequest(**base)


def run(engine: ComposerEngine, request: EngineRequest) -> RecordingSink:
    """Run the engine to completion and return what it reported."""
    sink = RecordingSink()
    asyncio.run(engine.run(request, sink))
    return sink
