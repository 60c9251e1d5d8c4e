"""Lyrics parsing, input checks and the tag → music table."""

from __future__ import annotations

import pytest

from songforge.engines.base import InvalidEngineInput
from songforge.engines.composer.style import parse_style
from songforge.engines.composer.text import MAX_LINES, check_singable, parse_lyrics


def test_section_tags_split_lyrics_into_named_sections() -> None:
    secs = parse_lyrics("[Verse 1]\nline one here\n[Pre-Chorus]\nrising up\n[CHORUS]\nsing it\n[Bridge]\nbridge\n")
    assert [s.name for s in secs] == ["Verse", "Pre-Chorus", "Chorus", "Bridge"]
    assert secs[0].lines[0].words == ("line", "one", "here")


def test_numbers_are_sung_as_words_and_accents_folded() -> None:
    secs = parse_lyrics("we were 21 in café")
    assert secs[0].lines[0].words == ("we", "were", "twenty", "one", "in", "cafe")


def test_cjk_lyrics_are_refused_with_a_clear_reason() -> None:
    with pytest.raises(InvalidEngineInput, match="script"):
        check_singable("我爱你\n你爱我\n我们一起唱歌")


def test_absurdly_long_lyrics_are_refused_and_long_ones_truncated() -> None:
    with pytest.raises(InvalidEngineInput, match="characters"):
        check_singable("la " * 5000)
    secs = parse_lyrics("\n".join(f"line number {i}" for i in range(200)))
    assert sum(len(s.lines) for s in secs) == MAX_LINES


def test_sad_tag_picks_minor_and_slows_down() -> None:
    style = parse_style("sad piano ballad")
    assert style.mode == "minor" and style.tempo_factor < 1 and style.programs["chords"] == 0


def test_explicit_bpm_and_key_tags_win() -> None:
    style = parse_style("rock, 140 bpm, D minor")
    assert style.bpm == 140 and style.key == 2 and style.mode == "minor" and style.genre == "rock"


def test_contradictory_tags_resolve_to_the_first_listed() -> None:
    assert parse_style("happy, sad").mode == "major"
    assert parse_style("sad, happy").mode == "minor"
    assert parse_style("jazz, metal").genre == "jazz"
    assert parse_style("male vocals, female vocals").voice == "m"


def test_negative_tags_mute_roles_and_unknown_tags_fall_back_to_pop() -> None:
    style = parse_style("zzzunknown, whatever", negative_tags="drums, strings")
    assert style.genre == "pop" and {"drums", "pad"} <= style.muted
