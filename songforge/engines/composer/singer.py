"""The singer: spoken words re-timed to the notes and re-pitched to the melody with TD-PSOLA in numpy."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.signal import butter, sosfiltfilt

from songforge.engines.composer.song import Song
from songforge.engines.composer.timing import segments, units
from songforge.engines.composer.voice import Speech

FRAME_S = 0.008  # analysis frame period of the source pitch track (marks are snapped to peaks anyway)
GLIDE_S = 0.045  # portamento between neighbouring notes
VIBRATO_HZ, VIBRATO_CENTS, VIBRATO_DELAY_S = 5.4, 22.0, 0.28
UNVOICED_HOP = 64  # samples between grains where the source is unvoiced (plain overlap-add, no pitch)


@lru_cache(maxsize=512)
def _hann(n: int) -> np.ndarray:
    return np.hanning(n + 2)[1:-1]


def source_pitch(x: np.ndarray, sr: int) -> np.ndarray:
    """F0 of the spoken source per 5 ms frame (0 where unvoiced), by WORLD's DIO + StoneMask."""
    import pyworld  # lazily: only the singer needs it

    f0, t = pyworld.dio(x, sr, f0_floor=70.0, f0_ceil=400.0, frame_period=FRAME_S * 1000)
    return np.asarray(pyworld.stonemask(x, f0, t, sr))


def pitch_marks(x: np.ndarray, f0: np.ndarray, sr: int) -> tuple[np.ndarray, np.ndarray]:
    """One mark per glottal period in voiced stretches (snapped to waveform peaks), with its period."""
    lp = sosfiltfilt(butter(4, 900.0, fs=sr, output="sos"), x)
    hop = FRAME_S * sr
    marks: list[int] = []
    periods: list[float] = []
    voiced = f0 > 0
    edges = np.flatnonzero(np.diff(np.concatenate(([0], voiced.astype(np.int8), [0]))))
    for a, b in zip(edges[::2], edges[1::2], strict=True):
        t, stop = a * hop, min(b * hop, len(x) - 1)
        while t < stop:
            period = sr / f0[min(int(t / hop), len(f0) - 1)] if f0[min(int(t / hop), len(f0) - 1)] > 0 else sr / 150
            lo, hi = int(t - period / 3), int(t + period / 3) + 1
            lo, hi = max(lo, 0), min(hi, len(x))
            m = lo + int(np.argmax(lp[lo:hi])) if hi > lo else int(t)
            marks.append(m)
            periods.append(period)
            t = m + period
    return np.asarray(marks, dtype=np.int64), np.asarray(periods)


def target_f0(song: Song, n_ms: int) -> np.ndarray:
    """Melody f0 in Hz per millisecond: notes, glides into each note, and delayed vibrato on long ones."""
    midi = np.zeros(n_ms)
    onsets = []
    for s in song.syllables:
        a, b = int(song.seconds(s.start) * 1000), int(song.seconds(s.start + s.dur) * 1000)
        midi[a:b] = s.pitch
        onsets.append((a, b))
    filled = midi.copy()
    nz = np.flatnonzero(midi)
    if nz.size:  # consonants sung before a note take that note's pitch
        nxt = np.searchsorted(nz, np.arange(n_ms))
        nxt = np.minimum(nxt, nz.size - 1)
        filled = midi[nz[nxt]]
    k = int(GLIDE_S * 1000)
    smooth = np.convolve(np.pad(filled, (k, k), mode="edge"), np.ones(k) / k, mode="same")[k:-k]
    vib = np.zeros(n_ms)
    for a, b in onsets:
        t = np.arange(b - a) / 1000.0
        ramp = np.clip((t - VIBRATO_DELAY_S) / 0.3, 0.0, 1.0)
        vib[a:b] = ramp * (VIBRATO_CENTS / 100.0) * np.sin(2 * np.pi * VIBRATO_HZ * t)
    return 440.0 * 2.0 ** ((smooth + vib - 69.0) / 12.0)


def sing(song: Song, speech: Speech, total_s: float) -> np.ndarray:
    """The vocal track (mono, at the speech sample rate) for the whole song."""
    x, sr = speech.audio, speech.sr
    f0 = source_pitch(x, sr)
    marks, periods = pitch_marks(x, f0, sr)
    tgt = target_f0(song, int(total_s * 1000) + 1)
    out = np.zeros(int(total_s * sr) + 4096)
    for seg in segments(units(song, speech)):
        _render_segment(out, x, sr, f0, marks, periods, tgt, seg, speech.formant)
    return out[: int(total_s * sr)]


def _grain(x: np.ndarray, centre: int, half: int, formant: float) -> np.ndarray:
    """A Hann-windowed grain of 2*half samples; stretched in time by 1/formant, which scales its formants."""
    g: np.ndarray = x[centre - half: centre + half] * _hann(2 * half)
    if formant == 1.0:
        return g
    n = max(2, int(round(2 * half / formant)) // 2 * 2)
    return np.asarray(np.interp(np.linspace(0.0, 2 * half - 1, n), np.arange(2 * half), g) * formant)


def _render_segment(out: np.ndarray, x: np.ndarray, sr: int, f0: np.ndarray, marks: np.ndarray,
                    periods: np.ndarray, tgt: np.ndarray, seg: np.ndarray, formant: float = 1.0) -> None:
    """Overlap-add grains along one sung stretch: pitched grains on voiced source, plain OLA elsewhere."""
    d0, d1 = float(seg[0, 0]), float(seg[-1, 0])
    t = d0
    while t < d1:
        s = float(np.interp(t, seg[:, 0], seg[:, 1]))
        frame = min(int(s / FRAME_S), len(f0) - 1)
        centre = int(t * sr)
        if f0[frame] > 0 and marks.size:
            j = int(np.clip(np.searchsorted(marks, s * sr), 1, marks.size - 1))
            j = j if abs(marks[j] - s * sr) < abs(marks[j - 1] - s * sr) else j - 1
            p_src = int(periods[j])
            p_out = sr / tgt[min(int(t * 1000), len(tgt) - 1)]
            src_c, half, gain, shape = int(marks[j]), p_src, p_out / p_src, formant
            step = p_out / sr
        else:
            src_c, half, gain, step, shape = int(s * sr), UNVOICED_HOP, 1.0, UNVOICED_HOP / sr, 1.0
        if src_c - half >= 0 and src_c + half <= len(x):
            g = _grain(x, src_c, half, shape)
            h = len(g) // 2
            if centre - h >= 0 and centre + h <= len(out):
                out[centre - h: centre + h] += g * gain
        t += step
