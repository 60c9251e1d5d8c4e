"""Operations on arranged songs: cut, join, transpose, drop vocals in a window."""

from __future__ import annotations

from dataclasses import replace

from songforge.engines.composer.song import Bar, Note, Song, Syllable


def truncate(song: Song, bars: int) -> Song:
    """The first ``bars`` bars of a song (notes cut at the end, words and lines that were sung kept)."""
    end = 4.0 * bars
    out = Song(song.bpm, song.key, song.mode, song.swing, dict(song.programs), voice=song.voice)
    out.bars = list(song.bars[:bars])
    out.notes = [replace(n, dur=min(n.dur, end - n.start)) for n in song.notes if n.start < end]
    out.syllables = [replace(s, dur=min(s.dur, end - s.start)) for s in song.syllables if s.start < end]
    n_words = max((s.word for s in out.syllables), default=-1) + 1
    out.words = song.words[:n_words]
    out.word_line = song.word_line[:n_words]
    out.line_sections = song.line_sections[: (max(out.word_line) + 1) if out.word_line else 0]
    return out


def join(head: Song, tail: Song) -> Song:
    """``tail`` played after ``head`` (tempo, key and voice of the head)."""
    off = 4.0 * len(head.bars)
    out = Song(head.bpm, head.key, head.mode, head.swing, dict(head.programs), voice=head.voice)
    out.bars = head.bars + tail.bars
    out.notes = head.notes + [replace(n, start=n.start + off) for n in tail.notes]
    w0, l0 = len(head.words), len(head.line_sections)
    out.syllables = head.syllables + [replace(s, start=s.start + off, word=s.word + w0) for s in tail.syllables]
    out.words = head.words + tail.words
    out.word_line = head.word_line + [x + l0 for x in tail.word_line]
    out.line_sections = head.line_sections + tail.line_sections
    return out


def transpose(song: Song, semitones: int, key: int) -> Song:
    """Shift chords, band and melody by ``semitones`` (the new key is given, mode kept)."""
    out = Song(song.bpm, key, song.mode, song.swing, dict(song.programs), voice=song.voice)
    out.bars = [Bar(b.section, tuple(p + semitones for p in b.chord), b.energy) for b in song.bars]
    out.notes = [n if n.track == "Drums" else replace(n, pitch=n.pitch + semitones) for n in song.notes]
    out.syllables = [replace(s, pitch=s.pitch + semitones) for s in song.syllables]
    out.words, out.word_line, out.line_sections = list(song.words), list(song.word_line), list(song.line_sections)
    return out


def without_vocals(song: Song, start_beat: float, end_beat: float) -> Song:
    """Drop the syllables that start inside [start_beat, end_beat) (their words stay listed)."""
    out = replace(song)
    out.syllables = [s for s in song.syllables if not start_beat <= s.start < end_beat]
    return out


def with_tempo(song: Song, bpm: float) -> Song:
    """The same song at another tempo (positions are in beats, so only the tempo changes)."""
    return replace(song, bpm=float(bpm))


__all__ = ["Bar", "Note", "Syllable", "join", "transpose", "truncate", "with_tempo", "without_vocals"]
