"""Accompaniment patterns: drums, bass, chord comping and pads, one bar at a time."""

from __future__ import annotations

import numpy as np

from songforge.engines.composer.song import Bar, Note

KICK, SNARE, STICK, HAT, OPEN, RIDE, CRASH, CLAP, PEDAL, TOM = 36, 38, 37, 42, 46, 51, 49, 39, 44, 45
# 16th-step grids per pattern: instrument → steps hit in a bar
DRUMS: dict[str, dict[int, tuple[int, ...]]] = {
    "pop": {KICK: (0, 8, 10), SNARE: (4, 12), HAT: (0, 2, 4, 6, 8, 10, 12, 14)},
    "rock": {KICK: (0, 6, 8, 10), SNARE: (4, 12), HAT: (0, 2, 4, 6, 8, 10, 12, 14)},
    "punk": {KICK: (0, 4, 8, 12), SNARE: (4, 12), HAT: (0, 2, 4, 6, 8, 10, 12, 14)},
    "four": {KICK: (0, 4, 8, 12), CLAP: (4, 12), OPEN: (2, 6, 10, 14), HAT: (0, 4, 8, 12)},
    "boombap": {KICK: (0, 7, 10), SNARE: (4, 12), HAT: (0, 2, 4, 6, 8, 10, 12, 14)},
    "halftime": {KICK: (0, 10), SNARE: (8,), HAT: (0, 2, 4, 6, 8, 10, 12, 14)},
    "swing": {RIDE: (0, 4, 6, 8, 12, 14), PEDAL: (4, 12), KICK: (0,)},
    "train": {KICK: (0, 8), SNARE: (2, 4, 6, 10, 12, 14), HAT: (0, 4, 8, 12)},
    "light": {KICK: (0, 8), STICK: (4, 12), HAT: (0, 4, 8, 12)},
    "onedrop": {KICK: (8,), STICK: (8,), HAT: (0, 2, 4, 6, 8, 10, 12, 14)},
    "funk": {KICK: (0, 3, 10), SNARE: (4, 7, 12, 14), HAT: tuple(range(16))},
    "none": {},
}
COMPS = {  # (start beat, length in beats) of each chord hit in a bar
    "strum": ((0.0, 1.5), (1.5, 1.0), (2.5, 1.5)),
    "power": tuple((b / 2, 0.45) for b in range(8)),
    "block": ((0.0, 2.0), (2.0, 2.0)),
    "stabs": ((0.5, 0.25), (1.5, 0.25), (2.5, 0.25), (3.5, 0.25)),
    "skank": ((1.0, 0.4), (3.0, 0.4)),
}


def swing(t: float, on: bool) -> float:
    """Delay off-beat eighths to the last triplet when the feel swings."""
    return t + 1.0 / 6.0 if on and abs((t % 1.0) - 0.5) < 1e-6 else t


def drums(bar: Bar, b0: float, pattern: str, fill: bool, crash: bool, sw: bool, rng: np.random.Generator) -> list[Note]:
    """One bar of drums (fills on the last bar of a section, a crash where a section starts)."""
    out: list[Note] = []
    grid = DRUMS.get(pattern, DRUMS["pop"])
    for inst, steps in grid.items():
        for s in steps:
            if fill and s >= 12 and inst in (SNARE, STICK, KICK):
                continue
            vel = 70 + 40 * bar.energy + (8 if s % 4 == 0 else 0) - (20 if inst in (HAT, PEDAL, RIDE) else 0)
            if inst == HAT and bar.energy < 0.6 and s % 4:
                continue  # sparse hats in quiet sections
            out.append(Note("Drums", b0 + swing(s / 4, sw), 0.25, inst, int(min(120, vel + rng.integers(-6, 6)))))
    if fill and grid:
        for s, inst in zip((12, 13, 14, 15), (SNARE, SNARE, TOM, TOM), strict=True):
            out.append(Note("Drums", b0 + s / 4, 0.25, inst, int(75 + 30 * bar.energy)))
    if crash and grid:
        out.append(Note("Drums", b0, 2.0, CRASH, int(80 + 30 * bar.energy)))
    return out


def bass(bar: Bar, nxt: Bar, b0: float, pattern: str, sw: bool) -> list[Note]:
    """One bar of bass line under the bar's chord."""
    root = bar.chord[0] - 12 if bar.chord[0] >= 48 else bar.chord[0]
    fifth = root + 7
    v = int(80 + 30 * bar.energy)
    hits: list[tuple[float, float, int]]
    if pattern == "eighths":
        hits = [(i / 2, 0.45, root) for i in range(8)]
    elif pattern == "rootfifth":
        hits = [(0, 0.9, root), (1, 0.9, fifth - 12), (2, 0.9, root), (3, 0.9, fifth - 12)]
    elif pattern == "whole":
        hits = [(0, 3.9, root)]
    elif pattern == "offbeat":
        hits = [(i + 0.5, 0.4, root) for i in range(4)]
    elif pattern == "walking":
        nroot = nxt.chord[0] - 12 if nxt.chord[0] >= 48 else nxt.chord[0]
        hits = [(0, 0.9, root), (1, 0.9, bar.chord[1] - 12), (2, 0.9, fifth), (3, 0.9, nroot + 1)]
    elif pattern == "funky":
        hits = [(0, 0.4, root), (0.75, 0.2, root + 12), (1.5, 0.4, root), (2.5, 0.2, fifth), (3, 0.4, root),
                (3.5, 0.2, root + 12)]
    elif pattern == "octaves":
        hits = [(i / 2, 0.4, root + 12 * (i % 2)) for i in range(8)]
    else:  # sparse
        hits = [(0, 1.4, root), (2.5, 0.4, root), (3, 0.9, fifth)]
    return [Note("Bass", b0 + swing(t, sw), d, p, v) for t, d, p in hits]


def comp(bar: Bar, b0: float, pattern: str, sw: bool) -> list[Note]:
    """One bar of chord comping (or an arpeggio) in the middle register."""
    v = int(55 + 30 * bar.energy)
    tones = [p + 12 for p in bar.chord]  # chord roots live around C3; comp an octave higher
    if pattern == "arp":
        seq = tones + [tones[0] + 12] + tones[1:][::-1]
        return [Note("Chords", b0 + swing(i / 2, sw), 0.9, seq[i % len(seq)], v - 5) for i in range(8)]
    if pattern == "power":
        tones = [tones[0] - 12, tones[0] - 5, tones[0]]
    return [Note("Chords", b0 + swing(t, sw), d, p, v - (10 if t % 1 else 0)) for t, d in COMPS.get(pattern, COMPS["block"])
            for p in tones]


def pad(bar: Bar, b0: float) -> list[Note]:
    """A sustained chord for a bar, soft, above the comping."""
    v = int(35 + 30 * bar.energy)
    return [Note("Pad", b0, 4.0, p + 12, v) for p in bar.chord[:3]]
