"""Time map of the singer: where each stretch of spoken audio lands on the song's notes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from songforge.engines.composer.song import Song
from songforge.engines.composer.voice import Phone, Speech, syllables

MAX_ONSET_S = 0.16  # consonants before the beat are kept near natural speed but never longer than this
WORD_GAP_S = 0.18  # silence left between sung words
EDGE = 0.2  # share of a vowel at each end kept at natural speed (the transitions carry the consonant cues)


@dataclass(frozen=True)
class Unit:
    """One sung syllable: spoken phones and the song time span (seconds) of the notes it covers."""

    onset: tuple[Phone, ...]
    vowel: tuple[Phone, ...]
    coda: tuple[Phone, ...]
    start: float  # note start (the vowel begins here)
    end: float  # end of its last note
    word: int


def units(song: Song, speech: Speech) -> list[Unit]:
    """Pair the spoken syllables of each word with the word's notes (extra notes become melisma)."""
    notes_of: dict[int, list[tuple[float, float]]] = {}
    for s in song.syllables:
        notes_of.setdefault(s.word, []).append((song.seconds(s.start), song.seconds(s.start + s.dur)))
    out: list[Unit] = []
    for w, notes in sorted(notes_of.items()):
        sylls = syllables(speech.words[w]) if w < len(speech.words) else []
        if not sylls:
            continue
        m, k = len(notes), len(sylls)
        if k > m:  # more spoken syllables than notes: the last note takes the rest as its "vowel"
            head = sylls[: m - 1]
            rest = [p for on, v, co in sylls[m - 1:] for p in (*on, *([v] if v else []), *co)]
            sylls = head + [([], None, rest)]
        for i, (on, v, co) in enumerate(sylls):
            last = i == len(sylls) - 1
            start, end = notes[i][0], (notes[-1][1] if last else notes[i][1])
            vowel = (v,) if v else tuple(co)
            out.append(Unit(tuple(on), vowel, tuple(co) if v else (), start, end, w))
    return sorted(out, key=lambda u: u.start)  # edits may sing new words between old ones


def _vowel_map(v0: float, v1: float, d0: float, d1: float) -> list[tuple[float, float]]:
    """Breakpoints (dst, src) that hold the vowel's ends at natural speed and stretch its middle."""
    src_len, dst_len = v1 - v0, d1 - d0
    edge = min(EDGE * src_len, 0.25 * dst_len)
    if dst_len <= src_len or edge <= 0:
        return [(d0, v0), (d1, v1)]
    return [(d0, v0), (d0 + edge, v0 + edge), (d1 - edge, v1 - edge), (d1, v1)]


def _onset_time(prev: Unit | None, u: Unit) -> float:
    """How long u's onset consonants may sound before its beat: natural length, capped, and when the notes
    touch, taken from the end of the previous note (at most half of it)."""
    on_len = min(sum(p.end - p.start for p in u.onset), MAX_ONSET_S)
    if prev is None:
        return min(on_len, u.start)
    gap = u.start - prev.end
    if gap < 0.05:
        return min(on_len, 0.4 * (prev.end - prev.start))
    return min(on_len, gap)


def segments(us: list[Unit]) -> list[np.ndarray]:
    """Piecewise-linear maps, one (n, 2) array of (dst, src) breakpoints per sung syllable."""
    maps: list[np.ndarray] = []
    for i, u in enumerate(us):
        prev = us[i - 1] if i else None
        nxt = us[i + 1] if i + 1 < len(us) else None
        onset_d = _onset_time(prev, u)
        end = u.end
        if nxt is not None and nxt.start - u.end < 0.05:  # the next onset sounds at the end of this note
            end = u.end - _onset_time(u, nxt)
            if nxt.word != u.word:  # a short breath between words: run-together words are hard to follow
                end -= min(WORD_GAP_S, 0.25 * (end - u.start))
        co_len = sum(p.end - p.start for p in u.coda)
        coda_d = min(co_len, 0.5 * max(0.0, end - u.start))
        v0, v1 = u.vowel[0].start, u.vowel[-1].end
        d_vowel_end = max(u.start + 0.04, end - coda_d)
        pts: list[tuple[float, float]] = []
        if u.onset and onset_d > 0:
            pts += [(u.start - onset_d, u.onset[0].start)]
        pts += _vowel_map(v0, v1, u.start, d_vowel_end)
        if u.coda and coda_d > 0:
            pts += [(d_vowel_end + coda_d, u.coda[-1].end)]
        arr = np.array(pts, dtype=np.float64)
        arr[:, 0] = np.maximum.accumulate(arr[:, 0])
        maps.append(arr)
    return maps
