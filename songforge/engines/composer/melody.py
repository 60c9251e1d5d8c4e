"""The sung melody of one lyric line: a rhythm that follows the stresses and pitches that follow the chords."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from songforge.engines.composer.theory import chord_tones_in, nearest

Shape = Callable[[float], float]
SHAPES: dict[str, Shape] = {
    "arch": lambda p: float(np.sin(np.pi * p)),
    "rise": lambda p: p,
    "fall": lambda p: 1.0 - p,
    "wave": lambda p: 0.5 + 0.5 * float(np.sin(2 * np.pi * p)),
}


def rhythm(stress: Sequence[bool], slot_beats: float, unit: float, rng: np.random.Generator) -> list[tuple[float, float]]:
    """(start, duration) in beats for each syllable, inside a phrase of ``slot_beats`` that ends with a rest."""
    n = len(stress)
    avail = int(round((slot_beats - 1.0) / unit))  # keep at least one beat to breathe before the next line
    start = 0 if rng.random() < 0.7 or n + 2 > avail else 1  # sometimes a pick-up-free late entry
    avail -= start
    if n > avail:  # too many syllables: squeeze evenly (rare, lines are split before this)
        d = avail * unit / n
        return [(start * unit + i * d, d) for i in range(n)]
    units = [1] * n
    extra = avail - n
    grow = min(extra, 3 if n > 2 else extra)
    units[-1] += grow  # a long final note closes the phrase
    extra -= grow
    # Words stay near speech rate (slow, stretched syllables are what makes synthetic singing hard to
    # follow); only some stressed syllables get an extra unit, the rest of the phrase is a rest.
    for i in rng.permutation(n - 1) if n > 1 else []:
        if extra > 0 and stress[int(i)] and rng.random() < 0.35:
            units[int(i)] += 1
            extra -= 1
    out, pos = [], start
    for u in units:
        out.append((pos * unit, u * unit))
        pos += u
    return out


SING_STRETCH = (1.2, 1.5)  # sung lines are this much slower than speech (pocketsphinx: clear up to ~1.6)
HOLD_BEATS = 0.25  # the last note of a line is held this much longer (pocketsphinx: 0 / 0.25 / 0.5 beat held
# gave 34 / 38 / 44 % word error on the bench lyrics: long holds blur the last word)


def rhythm_grid(beat_s: float) -> float:
    """The note grid (beats) for sung syllables: 16ths, or 8ths when those are very fast, 32nds when very slow;
    between 0.09 s and 0.2 s a step, fine enough to keep speech's rhythm and coarse enough to sound metred."""
    for grid in (0.25, 0.5, 0.125):
        if 0.09 <= grid * beat_s <= 0.2:
            return grid
    return 0.5 if 0.25 * beat_s < 0.09 else 0.125


def _on_grid(spoken: Sequence[float], stretch: float, beat_s: float, grid: float) -> tuple[list[float], float]:
    """Onsets (beats) of the syllables slowed by ``stretch`` and rounded to the grid, and the rounding error."""
    onsets: list[float] = []
    err = 0.0
    t = 0.0
    for d in spoken:
        exact = t * stretch / beat_s
        q = round(exact / grid) * grid
        q = max(q, onsets[-1] + grid) if onsets else q
        err += (q - exact) ** 2
        onsets.append(q)
        t += d
    return onsets, err


def speech_rhythm(spoken: Sequence[float], avail: float, beat_s: float) -> list[tuple[float, float]]:
    """(start, duration) in beats per syllable, following the line's spoken rhythm on a 16th-note grid.

    ``spoken`` holds each syllable's spoken length in seconds (from its vowel to the next syllable's vowel);
    ``avail`` is the room in beats. The line is slowed by a factor in SING_STRETCH, chosen so the syllables
    land closest to the grid (rounding bends the speech's own rhythm, which costs words), onsets are rounded as
    a running total so no drift builds up, and the last note is held a little.
    """
    n = len(spoken)
    if not n:
        return []
    grid = rhythm_grid(beat_s)
    total = float(sum(spoken))
    most = max(0.5, (avail - grid) * beat_s / max(total, 1e-6))  # the slowest that still fits the room
    lo, hi = SING_STRETCH
    options = [x for x in np.linspace(lo, hi, 13) if x <= most] or [min(lo, most)]
    onsets, _ = min((_on_grid(spoken, float(x), beat_s, grid) for x in options), key=lambda r: r[1])
    stretch = (onsets[-1] * beat_s / (total - spoken[-1])) if n > 1 and total > spoken[-1] else options[0]
    end = onsets[-1] + max(grid, round(spoken[-1] * stretch / beat_s / grid) * grid)
    if end > avail:  # the grid pushed the line past its room: squeeze it evenly (very long lines only)
        d = max(avail, grid) / n
        return [(i * d, d) for i in range(n)]
    end = min(avail, end + HOLD_BEATS)
    return [(a, (onsets[i + 1] if i + 1 < n else end) - a) for i, a in enumerate(onsets)]


def pitches(times: Sequence[tuple[float, float]], line_start: float, chord_at: Callable[[float], tuple[int, ...]],
            scale: list[int], center: float, shape: str, rng: np.random.Generator) -> list[int]:
    """One pitch per note: chord tones on beats, scale steps between, following a contour around ``center``."""
    low, high = scale[0], scale[-1]
    span = 4.0  # a narrow contour: wide leaps cost intelligibility (measured with pocketsphinx)
    out: list[int] = []
    n = len(times)
    for i, (t, d) in enumerate(times):
        p = i / max(1, n - 1)
        target = center - span / 2 + span * SHAPES[shape](p) + float(rng.normal(0, 0.8))
        on_beat = abs((line_start + t) - round(line_start + t)) < 1e-6
        tones = chord_tones_in(chord_at(line_start + t), low, high)
        pool = tones if (on_beat or i == n - 1 or d >= 1.0) and tones else scale
        if out:  # keep leaps singable: stay within a fifth of the previous note
            near = [q for q in pool if abs(q - out[-1]) <= 7] or pool
            pool = near
        note = nearest(pool, target)
        if len(out) >= 2 and note == out[-1] == out[-2]:
            alt = [q for q in pool if q != note]
            note = nearest(alt, target) if alt else note
        out.append(note)
    return out
