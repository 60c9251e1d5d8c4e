"""``testtone``: a tiny, fast engine for tests. It plays seeded sine arpeggios; it is not a music engine.

It exists so the task engine, storage and dialects can be tested in milliseconds. Never the default.
Settings: ``seconds`` (clip length, default 6), ``delay`` (seconds to wait between stages, default 0),
``fail`` (a message: every task fails with it), ``hang`` (seconds to sleep before starting).
"""

from __future__ import annotations

import asyncio
import subprocess
import wave
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from songforge.engines.base import (
    AlignedWord,
    ClipResult,
    ClipText,
    EngineError,
    EngineRequest,
    InvalidEngineInput,
    LyricsResult,
    ProgressSink,
    TaskKind,
)

SR = 22050


def _tone(seed: int, seconds: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    notes = rng.choice([220.0, 261.63, 329.63, 392.0, 440.0], size=max(1, int(seconds * 2)))
    t = np.arange(int(SR / 2)) / SR
    parts = [0.3 * np.sin(2 * np.pi * f * t) * np.exp(-3 * t) for f in notes]
    return np.concatenate(parts)[: int(seconds * SR)].astype(np.float32)


def _write_wav(path: Path, samples: np.ndarray) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SR)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())


def _mp3(wav: Path, mp3: Path) -> None:
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", str(wav), "-fflags", "+bitexact",
                    "-flags:a", "+bitexact", "-codec:a", "libmp3lame", "-b:a", "64k", str(mp3)], check=True)


class TestToneEngine:
    """Sine-tone clips in milliseconds, for tests only."""

    __test__ = False  # not a pytest class
    name: ClassVar[str] = "testtone"
    kinds: ClassVar[frozenset[TaskKind]] = frozenset(TaskKind)

    def __init__(self, settings: dict[str, Any] | None = None) -> None:
        s = settings or {}
        self.seconds = float(s.get("seconds", 6))
        self.delay = float(s.get("delay", 0))
        self.fail = str(s.get("fail", ""))
        self.hang = float(s.get("hang", 0))

    async def run(self, request: EngineRequest, sink: ProgressSink) -> None:
        """Report text, a streamed chunk and finished clips for every requested clip."""
        if self.hang:
            await asyncio.sleep(self.hang)
        if self.fail:
            raise EngineError(self.fail)
        if request.custom_mode and not request.instrumental and not request.lyrics.strip() \
                and request.kind == TaskKind.GENERATE:
            raise InvalidEngineInput("custom mode needs lyrics unless instrumental")
        title = request.title or (request.description[:30].title() if request.description else "Test Tone")
        lyrics = "" if request.instrumental else (request.lyrics or f"[Verse]\n{request.description or 'la la'}")
        if request.kind == TaskKind.LYRICS:
            sink.lyrics_ready([LyricsResult(f"{title} {i + 1}", lyrics) for i in range(request.n_clips)])
            return
        if request.source is not None and request.continue_at is not None \
                and request.continue_at >= request.source.duration:
            raise InvalidEngineInput("continue_at is beyond the end of the source clip")
        sink.text_ready([ClipText(title, request.tags or "test", lyrics) for _ in range(request.n_clips)])
        await asyncio.sleep(self.delay)
        for i in range(request.n_clips):
            samples = _tone(request.seed * 7 + i, self.seconds)
            wav = request.work_dir / f"clip{i}.wav"
            mp3 = request.work_dir / f"clip{i}.mp3"
            _write_wav(wav, samples)
            await asyncio.to_thread(_mp3, wav, mp3)
            sink.audio_chunk(i, mp3.read_bytes())
            await asyncio.sleep(self.delay)
            words = [AlignedWord(w, 0.5 * n, 0.5 * n + 0.4) for n, w in enumerate(lyrics.split()[:20])]
            midi = request.work_dir / f"clip{i}.mid"
            midi.write_bytes(_tiny_midi())
            sink.clip_finished(i, ClipResult(
                audio_mp3=mp3, duration=self.seconds, audio_wav=wav, midi=midi,
                vocal_stem=None if request.instrumental else wav, instrumental_stem=wav,
                stems={"Drums": wav, "Bass": wav}, aligned_words=words,
                engine_data={"seed": request.seed + i, "engine": "testtone"}))


def _tiny_midi() -> bytes:
    """A valid one-note MIDI file."""
    header = b"MThd" + (6).to_bytes(4, "big") + (0).to_bytes(2, "big") + (1).to_bytes(2, "big") + (480).to_bytes(2, "big")
    events = bytes([0x00, 0xC0, 0x00, 0x00, 0x90, 60, 100, 0x83, 0x60, 0x80, 60, 0, 0x00, 0xFF, 0x2F, 0x00])
    return header + b"MTrk" + len(events).to_bytes(4, "big") + events
