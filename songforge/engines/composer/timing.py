"""Time map of the singer: where each stretch of spoken audio lands on the song's notes."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from songforge.engines.composer.accomp import swing
from songforge.engines.composer.melody import speech_rhythm
from songforge.engines.composer.song import Song, Syllable
from songforge.engines.composer.voice import Phone, Speech, syllables

MAX_ONSET_S = 0.2  # a phrase's first consonants sound before its first note, at natural speed up to this
EDGE = 0.2  # share of a vowel at each end kept at natural speed (the transitions carry the consonant cues)
MAX_EVEN = 1.8  # up to this stretch speech is slowed evenly; measured clear up to about 1.6
CONSONANT_STRETCH = 1.5  # beyond it, consonants are slowed at most this much and the vowel holds the rest


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


def _phrases(us: list[Unit]) -> list[list[Unit]]:
    """Runs of syllables sung without a rest between them."""
    out: list[list[Unit]] = []
    for u in us:
        if out and u.start - out[-1][-1].end < 0.05 and u.start >= out[-1][-1].start:
            out[-1].append(u)
        else:
            out.append([u])
    return out


def _length(phones: tuple[Phone, ...]) -> float:
    return sum(p.end - p.start for p in phones)


def _pieces(u: Unit, nxt: Unit) -> tuple[float, float, float, float]:
    """Source times from u's vowel to nxt's vowel: (vowel end, end of u's word part, start of nxt's onset,
    nxt's vowel). Any pause between the two (word-by-word speech) lies between the middle two and is skipped."""
    v1 = u.vowel[-1].end
    end_u = u.coda[-1].end if u.coda else v1
    n0 = nxt.vowel[0].start
    on0 = nxt.onset[0].start if nxt.onset else n0
    if on0 < end_u:
        on0 = end_u
    return v1, end_u, on0, n0


def spoken_length(u: Unit, nxt: Unit | None) -> float:
    """How long the voice takes from u's vowel to the next syllable's vowel, pauses left out (the last syllable
    of a phrase: its vowel and final consonants)."""
    if nxt is None:
        return _length(u.vowel) + _length(u.coda)
    v1, end_u, on0, n0 = _pieces(u, nxt)
    return max(0.0, end_u - u.vowel[0].start) + max(0.0, n0 - on0)


def _between(u: Unit, nxt: Unit) -> list[tuple[float, float]]:
    """Breakpoints from u's note start up to (not including) nxt's: speech slowed evenly up to MAX_EVEN, beyond
    that consonants slowed at most CONSONANT_STRETCH and the vowel's middle holding the rest."""
    v0 = u.vowel[0].start
    v1, end_u, on0, n0 = _pieces(u, nxt)
    vl, cl = max(0.0, v1 - v0), max(0.0, end_u - v1) + max(0.0, n0 - on0)
    dst = nxt.start - u.start
    if vl + cl <= 0 or dst <= 0:
        return [(u.start, v0)]
    ratio = dst / (vl + cl)
    if ratio <= MAX_EVEN:
        vowel_d, cons_d = vl * ratio, cl * ratio
        pts = [(u.start, v0), (u.start + vowel_d, v1)]
    else:
        cons_d = min(cl * CONSONANT_STRETCH, 0.5 * dst)
        vowel_d = dst - cons_d
        pts = _vowel_map(v0, v1, u.start, u.start + vowel_d) if vl > 0 else [(u.start, v0)]
    coda_end = u.start + vowel_d + (cons_d * (end_u - v1) / cl if cl > 0 else 0.0)
    pts.append((coda_end, end_u))
    if on0 > end_u:  # jump over the pause in the source
        pts.append((coda_end + 1e-4, on0))
    return pts


def segments(us: list[Unit]) -> list[np.ndarray]:
    """Piecewise-linear maps (dst, src), one (n, 2) array per phrase sung without a rest.

    Each syllable's vowel starts on its note and the speech between two vowels is slowed evenly (see
    ``_between``). The phrase's first consonants sound just before its first note and its last consonants end
    with its last note; the last vowel holds whatever is left.
    """
    maps: list[np.ndarray] = []
    prev_end = 0.0
    for phrase in _phrases(us):
        first, last = phrase[0], phrase[-1]
        pts: list[tuple[float, float]] = []
        if first.onset:
            lead = min(_length(first.onset), MAX_ONSET_S, max(0.0, first.start - prev_end))
            if lead > 0:
                pts.append((first.start - lead, first.vowel[0].start - lead))
        for u, nxt in zip(phrase, phrase[1:]):
            pts += _between(u, nxt)
        v0, v1 = last.vowel[0].start, last.vowel[-1].end
        coda_d = min(_length(last.coda), 0.5 * max(0.0, last.end - last.start))
        v_end = max(last.start + 0.04, last.end - coda_d)
        pts += _vowel_map(v0, v1, last.start, v_end)
        if last.coda and coda_d > 0:
            pts.append((last.end, last.coda[-1].end))
        arr = np.array(pts, dtype=np.float64)
        arr[:, 0] = np.maximum.accumulate(arr[:, 0])
        arr[:, 1] = np.maximum.accumulate(arr[:, 1])  # never read the source backwards
        maps.append(arr)
        prev_end = last.end
    return maps


def fit_to_speech(song: Song, speech: Speech) -> None:
    """Re-time every sung line to the voice's own spoken rhythm (the arranger only predicted it).

    Each line keeps its first note and its pitches; its notes follow the spoken syllables, slowed evenly, on the
    grid, and end a beat before the next line. Measured with pocketsphinx on the bench lyrics: word error 32-40 %
    with the real rhythm against 50-55 % with the predicted one.
    """
    lines: dict[int, list[int]] = {}
    for k, s in enumerate(song.syllables):
        lines.setdefault(song.word_line[s.word], []).append(k)
    order = sorted(lines.values(), key=lambda ks: song.syllables[ks[0]].start)
    by_word: dict[int, list[Unit]] = {}
    for u in units(song, speech):
        by_word.setdefault(u.word, []).append(u)
    new = list(song.syllables)
    for i, ks in enumerate(order):
        sylls = [song.syllables[k] for k in ks]
        first = sylls[0].start
        if song.swing and abs(first % 1.0 - (0.5 + 1 / 6)) < 1e-6:
            first -= 1 / 6  # back on the grid; swing is applied again below
        limit = song.syllables[order[i + 1][0]].start if i + 1 < len(order) else song.total_beats
        times = speech_rhythm(_note_lengths(sylls, by_word), max(0.5, limit - first - 1.0), song.beat_s)
        for k, (t, d) in zip(ks, times, strict=True):
            new[k] = replace(song.syllables[k], start=swing(first + t, song.swing), dur=d)
    song.syllables = new


def _note_lengths(sylls: list[Syllable], by_word: dict[int, list[Unit]]) -> list[float]:
    """Spoken length behind each note of a line; notes beyond a word's spoken syllables share its last one."""
    line_units: list[Unit] = []
    owners: list[int] = []  # index into line_units for each note
    seen: dict[int, int] = {}
    for s in sylls:
        us = by_word.get(s.word, [])
        if not us:
            owners.append(-1)
            continue
        j = min(s.index, len(us) - 1)
        key = id(us[j])
        if key not in seen:
            seen[key] = len(line_units)
            line_units.append(us[j])
        owners.append(seen[key])
    lengths = [spoken_length(u, line_units[j + 1] if j + 1 < len(line_units) else None)
               for j, u in enumerate(line_units)]
    share = {j: owners.count(j) for j in set(owners)}
    return [max(0.03, lengths[j] / share[j]) if j >= 0 else 0.2 for j in owners]
