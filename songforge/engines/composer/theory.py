"""Scales and diatonic chords."""

from __future__ import annotations

MAJOR = (0, 2, 4, 5, 7, 9, 11)
MINOR = (0, 2, 3, 5, 7, 8, 10)  # natural minor; the V chord is raised to major below for a stronger pull


def scale_steps(mode: str) -> tuple[int, ...]:
    """Semitone offsets of the mode's scale."""
    return MINOR if mode == "minor" else MAJOR


def scale_pitches(key: int, mode: str, low: int, high: int) -> list[int]:
    """All MIDI pitches of the scale between low and high inclusive."""
    steps = set((key + s) % 12 for s in scale_steps(mode))
    return [p for p in range(low, high + 1) if p % 12 in steps]


def chord(key: int, mode: str, degree: int, octave_root: int = 48, seventh: bool = False) -> tuple[int, ...]:
    """Diatonic chord on a scale degree: MIDI pitches, root first, root in [octave_root, octave_root+11]."""
    steps = scale_steps(mode)
    tones = []
    for k in (0, 2, 4, 6) if seventh else (0, 2, 4):
        idx = degree + k
        tones.append(steps[idx % 7] + 12 * (idx // 7))
    if mode == "minor" and degree % 7 == 4:
        tones[1] += 1  # harmonic-minor dominant
    root = key + tones[0]
    base = octave_root + (root - octave_root) % 12
    return tuple(base + t - tones[0] for t in tones)


def nearest(pitches: list[int], target: float) -> int:
    """The pitch of a list closest to a target (ties to the lower one)."""
    return min(pitches, key=lambda p: (abs(p - target), p))


def chord_tones_in(chord_pitches: tuple[int, ...], low: int, high: int) -> list[int]:
    """Every pitch between low and high whose pitch class is in the chord."""
    classes = {p % 12 for p in chord_pitches}
    return [p for p in range(low, high + 1) if p % 12 in classes]
