"""One clip, start to finish, inside a worker process: compose, stream the intro, sing, mix, write files."""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from songforge.engines.base import EngineError
from songforge.engines.composer import encode, render
from songforge.engines.composer.arrange import Basics, arrange
from songforge.engines.composer.artwork import cover
from songforge.engines.composer.midi import write_midi
from songforge.engines.composer.mix import SR, mix, vocal_to_mix_rate
from songforge.engines.composer.song import Song
from songforge.engines.composer.splice import Splice, apply_splices
from songforge.engines.composer.style import parse_style
from songforge.engines.composer.text import parse_lyrics

FIRST_CHUNK_MAX_S = 6.0  # the first streamed chunk: the intro, before any singing


@dataclass(frozen=True)
class ClipJob:
    """Everything a worker needs for one clip (picklable)."""

    index: int
    work_dir: str
    seed: int
    title: str
    tags: str
    lyrics: str
    negative_tags: str = ""
    vocal_gender: str | None = None
    instrumental: bool = False
    soundfont: str = "/usr/share/sounds/sf2/FluidR3_GM.sf2"
    target_s: float = 120.0
    basics: tuple[float, int, str] | None = None  # keep tempo/key/mode (extend, cover of our own clips)
    song_json: dict[str, Any] | None = None  # a ready arrangement (edits build it in the parent)
    splices: tuple[Splice, ...] = ()  # source audio kept around/under the new material
    bitrate: str = "192k"
    stream: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


def _emit(job: ClipJob, k: int, data: bytes) -> None:
    """Hand a stream chunk to the parent: written under a temp name, then renamed (atomic)."""
    final = Path(job.work_dir) / ".stream" / f"{job.index}-{k:03d}.mp3"
    tmp = final.with_suffix(".part")
    tmp.write_bytes(data)
    os.replace(tmp, final)


def compose(job: ClipJob) -> Song:
    """The arrangement of this clip (fresh, or as given by the parent)."""
    if job.song_json is not None:
        return Song.from_json(job.song_json)
    style = parse_style(job.tags, job.negative_tags, job.vocal_gender)
    basics = Basics(*job.basics) if job.basics else None
    sections = parse_lyrics(job.lyrics) if job.lyrics else []
    return arrange(sections, style, job.seed, instrumental=job.instrumental, target_s=job.target_s, basics=basics)


def _first_chunk(job: ClipJob, song: Song) -> int:
    """Render, master roughly and stream the opening seconds; returns how many frames were streamed."""
    first_vocal = min((song.seconds(s.start) for s in song.syllables), default=FIRST_CHUNK_MAX_S)
    frames = int(max(2.0, min(FIRST_CHUNK_MAX_S, first_vocal - 0.3)) * SR) // 1152 * 1152
    if job.splices:
        return 0
    stems = render.render_tracks(song, job.soundfont, frames)
    final, _, _, _ = mix(stems, None, frames, target_lufs=-16.0)
    _emit(job, 0, encode.mp3_bytes(final, stream=True, bitrate=job.bitrate))
    return frames


def make_clip(job: ClipJob) -> dict[str, Any]:
    """Run the whole clip; returns paths, timings and engine data (or an ``error`` entry)."""
    try:
        return _make_clip(job)
    except EngineError as exc:
        return {"error": {"code": exc.code, "message": exc.message, "retryable": exc.retryable,
                          "invalid": exc.code == "invalid_input"}}
    except Exception as exc:  # noqa: BLE001 - the worker boundary: a bug must fail the task, not the pool
        import traceback

        return {"error": {"code": "engine_failed", "message": f"composer failed: {type(exc).__name__}: {exc}",
                          "retryable": False, "invalid": False, "traceback": traceback.format_exc()[-2000:]}}


def _make_clip(job: ClipJob) -> dict[str, Any]:
    from songforge.engines.composer.voice import speak  # worker-only imports
    from songforge.engines.composer.singer import sing
    from songforge.engines.composer.timing import fit_to_speech

    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    song = compose(job)
    timings["compose"] = time.perf_counter() - t0
    streamed = _first_chunk(job, song) if job.stream else 0
    timings["first_chunk"] = time.perf_counter() - t0
    frames = render.song_frames(song)
    vocal = None
    if song.syllables and not job.instrumental:
        speech = speak(song.words, song.voice, song.word_line)
        fit_to_speech(song, speech)
        timings["speak"] = time.perf_counter() - t0
        vocal = vocal_to_mix_rate(sing(song, speech, frames / SR), speech.sr)
        timings["sing"] = time.perf_counter() - t0
    stems = render.render_tracks(song, job.soundfont, frames)
    timings["render"] = time.perf_counter() - t0
    stems, vocal, frames = apply_splices(job.splices, stems, vocal, frames, SR)
    final, band, voc, parts = mix(stems, vocal, frames)
    timings["mix"] = time.perf_counter() - t0
    out = _write(job, song, final, band, voc, parts)
    timings["write"] = time.perf_counter() - t0
    if job.stream:  # the rest of the stream is cut from the finished file: no second encode
        _emit(job, 1, encode.tail_from(Path(out["mp3"]).read_bytes(), streamed))
    offset = job.splices[0].new_offset if job.splices else 0.0
    out.update(aligned_words=aligned_words(song, offset) if vocal is not None else [], seed=job.seed, tags=job.tags,
               timings=timings, peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
               duration=frames / SR, song=song.to_json())
    return out


def _write(job: ClipJob, song: Song, final: np.ndarray, band: np.ndarray, voc: np.ndarray | None,
           parts: dict[str, np.ndarray]) -> dict[str, Any]:
    d = Path(job.work_dir)
    stem = f"clip{job.index}"
    paths: dict[str, Any] = {
        "mp3": str(d / f"{stem}.mp3"), "wav": str(encode.write_wav(d / f"{stem}.wav", final)),
        "instrumental": str(encode.write_wav(d / f"{stem}-instrumental.wav", band)),
        "vocal": str(encode.write_wav(d / f"{stem}-vocals.wav", voc)) if voc is not None else None,
        "midi": str(write_midi(song, d / f"{stem}.mid")),
        "png": str(cover(d / f"{stem}.png", job.title, job.tags, job.seed)),
        "stems": {k: str(encode.write_wav(d / f"{stem}-{k.lower()}.wav", v)) for k, v in parts.items()},
    }
    encode.mp3_bytes(final, title=job.title, bitrate=job.bitrate, path=Path(paths["mp3"]))
    return paths


def aligned_words(song: Song, offset: float = 0.0) -> list[dict[str, Any]]:
    """Word-level timestamps, exact by construction (the notes each word is sung on)."""
    spans: dict[int, list[float]] = {}
    for s in song.syllables:
        a, b = song.seconds(s.start) + offset, song.seconds(s.start + s.dur) + offset
        span = spans.setdefault(s.word, [a, b])
        span[0], span[1] = min(span[0], a), max(span[1], b)
    return [{"word": song.words[w], "start_s": round(a, 3), "end_s": round(b, 3), "line_index": song.word_line[w],
             "section": song.line_sections[song.word_line[w]]}
            for w, (a, b) in sorted(spans.items(), key=lambda kv: kv[1][0])]


def warm(soundfont: str) -> None:
    """Pool initializer: load the soundfont once per worker process."""
    try:
        render.fluid(soundfont)
    except Exception:  # noqa: BLE001 - a bad soundfont is reported by the first clip, with a clear error
        pass
