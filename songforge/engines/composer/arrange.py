"""Arranger: lyric sections + style + seed → a Song (chords, melody, band parts)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from songforge.engines.composer import accomp, melody
from songforge.engines.composer.form import CHORUS_LIKE, ENERGY, Block, instrumental_form, vocal_form
from songforge.engines.composer.pronounce import stresses
from songforge.engines.composer.prosody import line_seconds
from songforge.engines.composer.song import Bar, Note, Song, Syllable
from songforge.engines.composer.style import PROGRESSIONS, Style
from songforge.engines.composer.text import Section
from songforge.engines.composer.theory import chord, scale_pitches

VOICE_RANGE = {"f": (55, 71, 61.0), "m": (43, 60, 50.0)}  # kept low: high notes blur the words  # low, high, verse centre (MIDI)
LIFT = {"Chorus": 3.0, "Hook": 3.0, "Post-Chorus": 2.0, "Bridge": 2.0, "Pre-Chorus": 1.0}


VOCAL_TARGET_S = 150.0
SYLLABLE_S = 0.28  # about speech rate: much slower singing makes the synthetic words hard to follow


def syllable_unit(bpm: float) -> float:
    """The note value (in beats) that one sung syllable takes: 16th, 8th or quarter, nearest to speech rate."""
    return min((0.25, 0.5, 1.0), key=lambda u: abs(u * 60.0 / bpm - SYLLABLE_S))


@dataclass(frozen=True)
class Basics:
    """The song-wide choices: tempo, key, mode (fixed when extending a song)."""

    bpm: float
    key: int
    mode: str


def choose_basics(style: Style, rng: np.random.Generator) -> Basics:
    """Tempo, key and mode from the style and the seed."""
    lo, hi = style.tempo_range
    bpm = style.bpm or round(float(rng.uniform(lo, hi)) * style.tempo_factor)
    key = style.key if style.key is not None else int(rng.integers(0, 12))
    return Basics(float(bpm), key, style.mode)


def _bars(blocks: list[Block], basics: Basics, style: Style, rng: np.random.Generator) -> list[Bar]:
    progs: dict[str, list[int]] = {}
    options = PROGRESSIONS[basics.mode]
    out: list[Bar] = []
    for block in blocks:
        name = "Verse" if block.name in ("Intro", "Outro", "Break", "Solo", "Instrumental") else block.name
        prog = progs.setdefault(name, options[int(rng.integers(0, len(options)))])
        for i in range(block.bars):
            degree = prog[i % len(prog)] if not (block.name == "Outro" and i == block.bars - 1) else 0
            c = chord(basics.key, basics.mode, degree, 48, style.sevenths)
            out.append(Bar(block.name, c, ENERGY.get(block.name, 0.75)))
    return out


def _sing(song: Song, blocks: list[Block], unit: float, rng: np.random.Generator, track: str | None) -> None:
    """Place every line's syllables (or, for instrumentals, a lead melody) on the bars."""
    low, high, centre = VOICE_RANGE[song.voice if track is None else "f"]
    scale = scale_pitches(song.key, song.mode, low, high)
    memo: dict[tuple[str, int, int, int], tuple[list[tuple[float, float]], list[int]]] = {}
    bar0 = 0
    for block in blocks:
        for li, ph in enumerate(block.phrases):
            words = ph.line.words
            stress = [s for w in words for s in stresses(w)]
            start = 4.0 * (bar0 + ph.bar)
            key = (block.name, li, len(stress), ph.bars)
            if key not in memo:  # repeated choruses keep their tune
                slot = 4.0 * (ph.sung or ph.bars)
                if track is None:  # sung: the words' spoken rhythm, sometimes entering an 8th late
                    late = 0.5 if rng.random() < 0.3 else 0.0
                    times = [(late + a, d) for a, d in
                             melody.speech_rhythm(line_seconds(words), slot - 1.0 - late, song.beat_s)]
                else:
                    times = melody.rhythm(stress, slot, unit, rng)
                shape = ("arch", "rise", "fall", "wave")[int(rng.integers(0, 4))]
                tune = melody.pitches(times, start, lambda b: song.bars[min(int(b // 4), len(song.bars) - 1)].chord,
                                      scale, centre + LIFT.get(block.name, 0.0), shape, rng)
                memo[key] = (times, tune)
            times, tune = memo[key]
            _place(song, words, ph.line.section, start, times, tune, track)
            if track is None and ph.sung and ph.sung < ph.bars:
                _answer(song, start + 4.0 * ph.sung, 4.0 * (ph.bars - ph.sung), tune, rng)
        bar0 += block.bars


def _answer(song: Song, start: float, beats: float, tune: list[int], rng: np.random.Generator) -> None:
    """The lead echoes the end of the sung phrase in the bars after it (call and response)."""
    motif = tune[-4:] if len(tune) >= 4 else tune
    t = start + 0.5
    for p in motif:
        d = float(rng.choice([0.5, 1.0, 1.0, 1.5]))
        if t + d > start + beats - 0.5:
            break
        song.notes.append(Note("Lead", t, d * 0.9, p + 12, 62))
        t += d


def _place(song: Song, words: tuple[str, ...], section: str, start: float, times: list[tuple[float, float]],
           tune: list[int], track: str | None) -> None:
    line = len(song.line_sections)
    song.line_sections.append(section)
    k = 0
    for w in words:
        wi = len(song.words)
        song.words.append(w)
        song.word_line.append(line)
        for si in range(len(stresses(w))):
            t, d = times[k]
            t = accomp.swing(t, song.swing) if song.swing else t
            if track is None:
                song.syllables.append(Syllable(wi, si, start + t, d, tune[k]))
            else:
                song.notes.append(Note(track, start + t, d * 0.95, tune[k] + 12, 80))
            k += 1


def _band(song: Song, style: Style, rng: np.random.Generator) -> None:
    bars = song.bars
    for i, bar in enumerate(bars):
        b0 = 4.0 * i
        nxt = bars[i + 1] if i + 1 < len(bars) else bar
        last = nxt.section != bar.section or i == len(bars) - 1
        first = i == 0 or bars[i - 1].section != bar.section
        if "drums" not in style.muted and not (bar.section == "Intro" and i < 2):
            song.notes += accomp.drums(bar, b0, style.drums, last and i < len(bars) - 1,
                                       first and bar.section in CHORUS_LIKE, song.swing, rng)
        if "bass" not in style.muted:
            song.notes += accomp.bass(bar, nxt, b0, style.bass, song.swing)
        if "chords" not in style.muted:
            song.notes += accomp.comp(bar, b0, style.comp, song.swing)
        if "pad" not in style.muted and (bar.energy >= 0.75 or style.drums == "none"):
            song.notes += accomp.pad(bar, b0)
    if bars:  # a final hit so the song ends on the tonic instead of stopping mid-air
        end = 4.0 * len(bars)
        song.notes += [Note("Chords", end, 3.0, p + 12, 70) for p in bars[-1].chord]
        song.notes.append(Note("Bass", end, 3.0, bars[-1].chord[0] - 12, 85))


def _lead_hooks(song: Song, blocks: list[Block], rng: np.random.Generator) -> None:
    """The lead instrument plays a short motif over intro, breaks and solos so they are not empty."""
    scale = scale_pitches(song.key, song.mode, 67, 86)
    bar0 = 0
    for block in blocks:
        if block.name in ("Intro", "Break", "Solo", "Instrumental", "Interlude", "Outro") and not block.phrases:
            for b in range(0, block.bars, 2):
                stress = [bool(x) for x in rng.integers(0, 2, 6)]
                start = 4.0 * (bar0 + b)
                times = melody.rhythm(stress, 8.0, 0.5, rng)
                tune = melody.pitches(times, start, lambda x: song.bars[min(int(x // 4), len(song.bars) - 1)].chord,
                                      scale, 76.0, "arch", rng)
                song.notes += [Note("Lead", start + t, d * 0.9, p, 70) for (t, d), p in zip(times, tune, strict=True)]
        bar0 += block.bars


def arrange(sections: list[Section], style: Style, seed: int, *, instrumental: bool, target_s: float = 120.0,
            basics: Basics | None = None, intro: bool = True) -> Song:
    """Compose the whole song deterministically from the seed (``intro=False`` for continuations)."""
    rng = np.random.default_rng(seed)
    basics = basics or choose_basics(style, rng)
    unit = syllable_unit(basics.bpm)
    has_lines = any(s.lines for s in sections)
    if has_lines:  # phrase length (2-4 bars) chosen so that a typical lyric gives a 2-3 minute song
        forms = [vocal_form(sections, 60.0 / basics.bpm, intro, slot) for slot in (2, 3, 4)]
        blocks = min(forms, key=lambda f: abs(sum(b.bars for b in f) * 240.0 / basics.bpm - VOCAL_TARGET_S))
    else:
        blocks = instrumental_form(int(target_s * basics.bpm / 240.0), intro)
    song = Song(basics.bpm, basics.key, basics.mode, style.feel_swing, dict(style.programs), voice=style.voice)
    song.bars = _bars(blocks, basics, style, rng)
    if not has_lines:  # an instrumental from nothing: let the lead play made-up phrases in every section
        _instrumental_phrases(blocks, rng)
    _sing(song, blocks, unit, rng, "Lead" if instrumental or not has_lines else None)
    if instrumental or not has_lines:
        song.words, song.word_line, song.line_sections = [], [], []
    _band(song, style, rng)
    _lead_hooks(song, blocks, rng)
    song.notes = [n for n in song.notes if n.track != "Lead" or "lead" not in style.muted]
    song.notes.sort(key=lambda n: (n.start, n.track, n.pitch))
    return song


def _instrumental_phrases(blocks: list[Block], rng: np.random.Generator) -> None:
    from songforge.engines.composer.form import Phrase
    from songforge.engines.composer.text import LyricLine

    for block in blocks:
        if block.name in ("Intro", "Outro"):
            continue
        for b in range(0, block.bars, 2):
            n = int(rng.integers(5, 10))
            block.phrases.append(Phrase(LyricLine(block.name, "", tuple(["la"] * n)), b, 2))


def blocks_of(song: Song) -> list[Block]:
    """The runs of bars of an existing song, as blocks without phrases."""
    out: list[Block] = []
    for bar in song.bars:
        if out and out[-1].name == bar.section:
            out[-1].bars += 1
        else:
            out.append(Block(bar.section, 1))
    return out


def new_band(song: Song, style: Style, seed: int) -> Song:
    """Replace the band of a song by one in another style (same bars, chords and vocal line)."""
    rng = np.random.default_rng(seed)
    song.notes = []
    song.programs = dict(style.programs)
    song.swing = style.feel_swing
    _band(song, style, rng)
    _lead_hooks(song, blocks_of(song), rng)
    song.notes = [n for n in song.notes if n.track != "Lead" or "lead" not in style.muted]
    song.notes.sort(key=lambda n: (n.start, n.track, n.pitch))
    return song


def sing_over(song: Song, sections: list[Section], seed: int, start_bar: int, end_bar: int | None = None) -> None:
    """Put new lyric lines on an existing song's bars from ``start_bar`` (lines that do not fit are dropped)."""
    rng = np.random.default_rng(seed)
    unit = syllable_unit(song.bpm)
    end_bar = len(song.bars) if end_bar is None else end_bar
    block = Block("Verse", 0)
    from songforge.engines.composer.form import Phrase, phrase_bars

    for sec in sections:
        for line in sec.lines:
            n = phrase_bars(line, song.beat_s)
            if start_bar + block.bars + n > end_bar:
                break
            block.phrases.append(Phrase(line, block.bars, n))
            block.bars += n
    lead = Block("Intro", start_bar)
    _sing(song, [lead, block], unit, rng, None)
