"""Band rendering: each track of a Song through FluidSynth in-process, float output (no dither, deterministic)."""

from __future__ import annotations

import ctypes
from functools import lru_cache
from typing import Any

import numpy as np

from songforge.engines.composer.song import CHANNELS, PAN, TRACKS, Note, Song

SR = 44100
TAIL_S = 2.5  # release/reverb tail after the last bar
BLOCK = 64  # FluidSynth renders in 64-sample blocks; event times are rounded to them


class _Fluid:
    """One FluidSynth instance with the soundfont loaded; reused for every render in the process."""

    def __init__(self, soundfont: str) -> None:
        import fluidsynth  # imported lazily: loading libfluidsynth is only needed by render workers

        self.fs = fluidsynth
        self.soundfont = soundfont
        # This instance only keeps the samples cached: a fresh synth per track then loads in ~30 ms, and a
        # fresh synth is the only way to get bit-identical renders (a reused one keeps voice state).
        self.synth, self.sfid = self._new()
        write = fluidsynth._fl.fluid_synth_write_float
        write.restype = ctypes.c_int
        write.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_int,
                          ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
        self._write = write

    def _new(self) -> tuple[Any, int]:
        # Effects off: reverb is applied later on the mix; this also keeps stems exactly additive.
        synth = self.fs.Synth(gain=0.5, samplerate=float(SR), **{"synth.reverb.active": 0,
                                                                  "synth.chorus.active": 0, "synth.polyphony": 1024})
        sfid = synth.sfload(self.soundfont)
        if sfid < 0:
            raise FileNotFoundError(f"cannot load soundfont {self.soundfont}")
        return synth, sfid

    def write(self, synth: Any, out: np.ndarray, start: int, count: int) -> None:
        """Render ``count`` frames into the interleaved float32 buffer ``out`` from frame ``start``."""
        if count <= 0:
            return
        ptr = out.ctypes.data + start * 8
        self._write(synth.synth, count, ptr, 0, 2, ptr, 1, 2)

    def track(self, notes: list[Note], name: str, program: int, beat_s: float, frames: int) -> np.ndarray:
        """Render one track alone → (frames, 2) float32."""
        s, sfid = self._new()
        ch = CHANNELS[name]
        s.program_select(ch, sfid, 128 if name == "Drums" else 0, 0 if name == "Drums" else program)
        s.cc(ch, 10, PAN[name])
        s.cc(ch, 7, 110)
        events: list[tuple[int, int, int, int]] = []  # (frame, order, pitch, velocity); note-offs first
        for n in notes:
            on = int(round(n.start * beat_s * SR / BLOCK)) * BLOCK
            off = max(on + BLOCK, int(round((n.start + n.dur) * beat_s * SR / BLOCK)) * BLOCK)
            events.append((on, 1, n.pitch, n.vel))
            events.append((off, 0, n.pitch, 0))
        events.sort()
        want = frames
        frames = -(-frames // BLOCK) * BLOCK  # whole blocks only, or leftovers leak into the next render
        out = np.zeros(frames * 2, dtype=np.float32)
        pos = 0
        for frame, kind, pitch, vel in events:
            frame = min(frame, frames)
            self.write(s, out, pos, frame - pos)
            pos = frame
            if kind:
                s.noteon(ch, pitch, max(1, min(127, vel)))
            else:
                s.noteoff(ch, pitch)
        self.write(s, out, pos, frames - pos)
        s.delete()
        return out.reshape(-1, 2)[:want]


@lru_cache(maxsize=2)
def fluid(soundfont: str) -> _Fluid:
    """The process-wide synth for a soundfont (loading FluidR3 takes ~0.3 s, so do it once)."""
    return _Fluid(soundfont)


def song_frames(song: Song) -> int:
    """Length of the rendered song in samples, tail included."""
    return int((song.seconds(song.total_beats) + TAIL_S) * SR)


def render_tracks(song: Song, soundfont: str, frames: int | None = None, start_beat: float = 0.0,
                  ) -> dict[str, np.ndarray]:
    """Every non-empty track of the song as a stereo stem, optionally only a window starting at ``start_beat``."""
    total = frames if frames is not None else song_frames(song)
    end_beat = start_beat + total / SR / song.beat_s
    synth = fluid(soundfont)
    stems: dict[str, np.ndarray] = {}
    for name in TRACKS:
        notes = [Note(n.track, n.start - start_beat, n.dur, n.pitch, n.vel) for n in song.notes
                 if n.track == name and start_beat <= n.start < end_beat]
        if notes:
            stems[name] = synth.track(notes, name, song.programs.get(name.lower(), 0), song.beat_s, total)
    return stems
