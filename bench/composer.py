"""Benchmark of the composer engine: prints RTF, first-audio latency, pitch accuracy, WER, tempo, loudness, RSS.

Run: .venv/bin/python bench/composer.py [--no-asr]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from songforge.engines.base import ClipResult, EngineRequest, TaskKind
from songforge.engines.composer.engine import ComposerEngine
from songforge.engines.composer.intelligibility import line_wer
from songforge.engines.composer.loudness import lufs, true_peak_db
from songforge.engines.composer.pitch import note_accuracy, yin
from songforge.engines.composer.song import Song

LYRICS = Path(__file__).with_name("composer_lyrics.txt")


class Sink:
    """Records timings of the engine's reports."""

    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.first_chunk: float | None = None
        self.results: dict[int, ClipResult] = {}

    def text_ready(self, clips: object) -> None: ...
    def lyrics_ready(self, v: object) -> None: ...
    def progress(self, f: float) -> None: ...

    def audio_chunk(self, index: int, data: bytes) -> None:
        self.first_chunk = self.first_chunk or time.perf_counter() - self.t0

    def clip_finished(self, index: int, result: ClipResult) -> None:
        self.results[index] = result


def tempo_of(x: np.ndarray, sr: int) -> float:
    """Tempo from onset-strength autocorrelation (numpy), in the 70-180 BPM range."""
    mono = x.mean(axis=1) if x.ndim == 2 else x
    hop = 441
    frames = np.lib.stride_tricks.sliding_window_view(mono, 2048)[::hop]
    spec = np.log1p(np.abs(np.fft.rfft(frames * np.hanning(2048), axis=1)))
    flux = np.maximum(0, np.diff(spec, axis=0)).sum(axis=1)
    flux -= flux.mean()
    ac = np.correlate(flux, flux, "full")[len(flux) - 1:]
    fps = sr / hop
    lags = np.arange(len(ac))
    bpm = 60 * fps / np.maximum(lags, 1)
    ok = (bpm >= 70) & (bpm <= 180)
    lag = lags[ok][np.argmax(ac[ok])]
    # parabolic refinement of the peak
    a, b, c = ac[lag - 1], ac[lag], ac[lag + 1]
    lag = lag + 0.5 * (a - c) / (a - 2 * b + c)
    return float(60 * fps / lag)


def asr_wer(r: ClipResult) -> float:
    """Pocketsphinx on the vocal stem, line by line, against the sung words."""
    voc, sr = sf.read(str(r.vocal_stem))
    lines: dict[int, list[Any]] = {}
    for w in r.aligned_words:
        lines.setdefault(w.line_index, []).append(w)
    return line_wer(voc.mean(axis=1), sr, [([w.word for w in ws], ws[0].start_s, ws[-1].end_s)
                                          for ws in lines.values()])


async def main(asr: bool) -> None:
    engine = ComposerEngine({"workers": 2})
    with tempfile.TemporaryDirectory() as tmp:
        cold = Sink()
        warm = EngineRequest("warm", TaskKind.GENERATE, Path(tmp) / "w", lyrics="[Verse]\nla la la", n_clips=2)
        warm.work_dir.mkdir()
        await engine.run(warm, cold)  # starts the worker processes
        print(f"cold start (new worker processes): first audio chunk after {cold.first_chunk:.2f} s")
        req = EngineRequest("bench", TaskKind.GENERATE, Path(tmp) / "b", lyrics=LYRICS.read_text(),
                            tags="upbeat pop, piano, female vocals", seed=1234, n_clips=2)
        req.work_dir.mkdir()
        sink = Sink()
        t0 = time.perf_counter()
        await engine.run(req, sink)
        wall = time.perf_counter() - t0
        total = sum(r.duration for r in sink.results.values())
        print(f"wall {wall:.2f} s for {len(sink.results)} clips, {total:.1f} s of audio -> RTF {wall / total:.3f}")
        print(f"first audio chunk after {sink.first_chunk:.2f} s")
        for i, r in sorted(sink.results.items()):
            mix, sr = sf.read(str(r.audio_wav))
            song = Song.from_json(r.engine_data["song"])
            voc, _ = sf.read(str(r.vocal_stem))
            f0, times = yin(voc.mean(axis=1)[::2], sr // 2)
            notes = [(song.seconds(s.start), song.seconds(s.start + s.dur), s.pitch) for s in song.syllables]
            share, voiced = note_accuracy(f0, times, notes)
            est = tempo_of(mix, sr)
            err = min(abs(est * k - song.bpm) for k in (0.5, 1, 2)) / song.bpm * 100
            print(f"clip {i}: {r.duration:.1f} s, {song.bpm:.0f} BPM key {song.key} {song.mode}; "
                  f"pitch within 50c {share * 100:.1f}% of {voiced}/{len(notes)} voiced notes; "
                  f"tempo est {est:.1f} (err {err:.2f}%); LUFS {lufs(mix, sr):.2f}; true peak {true_peak_db(mix):.2f} dBTP"
                  + (f"; WER {asr_wer(r) * 100:.0f}%" if asr else ""))
        if asr:  # the male voice (flite rms, word by word) on the same lyrics
            male = EngineRequest("male", TaskKind.GENERATE, Path(tmp) / "m", lyrics=LYRICS.read_text(),
                                 tags="upbeat pop, piano, male vocals", seed=1234, n_clips=1)
            male.work_dir.mkdir()
            msink = Sink()
            await engine.run(male, msink)
            print(f"male voice: WER {asr_wer(msink.results[0]) * 100:.0f}% on the vocal stem")
        inst = EngineRequest("inst", TaskKind.GENERATE, Path(tmp) / "i", custom_mode=False, instrumental=True,
                             description="a calm lofi beat for studying", seed=7, n_clips=2)
        inst.work_dir.mkdir()
        isink = Sink()
        await engine.run(inst, isink)
        print("instrumental from a description:", ", ".join(f"{r.duration:.1f} s" for r in isink.results.values()))
        pool = engine._pool
        if pool is not None:
            futs = [pool.submit(_rss) for _ in range(4)]
            print("peak RSS per worker (MB):", sorted({round(f.result(), 0) for f in futs}))
    engine.close()


def _rss() -> float:
    import resource

    time.sleep(0.2)
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    asyncio.run(main("--no-asr" not in sys.argv))
