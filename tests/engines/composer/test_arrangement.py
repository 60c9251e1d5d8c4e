"""The arranger: form and length from lyrics, seeds, instrumentals, and the lyric writer."""

from __future__ import annotations

from songforge.engines.composer.arrange import arrange
from songforge.engines.composer.pronounce import rhyme_key, syllables
from songforge.engines.composer.style import parse_style
from songforge.engines.composer.text import parse_lyrics
from songforge.engines.composer.writer import write

VCVC = """[Verse]
Hold on to the night, we are young
Every light in the city is a song
Running down the avenue alone
Till the morning finds a way back home
[Chorus]
Sing it loud, sing it clear
Every heartbeat says that you are here
Sing it loud, let it ring
We are golden when we learn to sing
[Verse 2]
Paper planes are flying over town
Every dream we had is coming down
Hold my hand and never let it go
There is so much more that we could know
[Chorus]
Sing it loud, sing it clear
Every heartbeat says that you are here
Sing it loud, let it ring
We are golden when we learn to sing
"""


def test_verse_chorus_song_lasts_two_to_three_minutes() -> None:
    song = arrange(parse_lyrics(VCVC), parse_style("pop"), 3, instrumental=False)
    assert 110 <= song.seconds(song.total_beats) <= 190


def test_every_syllable_gets_one_note_in_order() -> None:
    secs = parse_lyrics(VCVC)
    song = arrange(secs, parse_style("pop"), 3, instrumental=False)
    assert len(song.syllables) == sum(syllables(w) for s in secs for ln in s.lines for w in ln.words)
    starts = [s.start for s in song.syllables]
    assert starts == sorted(starts)


def test_two_seeds_give_different_arrangements_with_the_same_tags() -> None:
    a = arrange(parse_lyrics(VCVC), parse_style("rock"), 1, instrumental=False)
    b = arrange(parse_lyrics(VCVC), parse_style("rock"), 2, instrumental=False)
    assert (a.bpm, a.key, [x.pitch for x in a.syllables]) != (b.bpm, b.key, [x.pitch for x in b.syllables])
    assert all(104 <= s.bpm <= 128 for s in (a, b))


def test_instrumental_from_nothing_lasts_one_and_a_half_to_two_and_a_half_minutes() -> None:
    for seed in range(4):
        song = arrange([], parse_style("lofi chill"), seed, instrumental=True)
        assert 90 <= song.seconds(song.total_beats) <= 150 and not song.syllables


def test_writer_makes_rhyming_metred_sectioned_lyrics() -> None:
    w = write("a sad song about rain in the city", 4)
    assert "sad" in w.tags and w.title
    secs = parse_lyrics(w.lyrics)
    assert [s.name for s in secs][:3] == ["Verse", "Chorus", "Verse"]
    verse = secs[0].lines
    assert rhyme_key(verse[0].words[-1]) == rhyme_key(verse[1].words[-1])
    assert all(7 <= sum(syllables(x) for x in ln.words) <= 10 for ln in verse)


def test_writer_sings_about_the_descriptions_topic() -> None:
    w = write("a happy song about coffee", 3)
    assert "Coffee" in w.title
    chorus = parse_lyrics(w.lyrics)[1]
    assert any("coffee" in ln.words for ln in chorus.lines)
    rain = write("a sad song about rain in the city", 4)
    first = parse_lyrics(rain.lyrics)[0].lines[0]
    assert "Rain" in rain.title and first.words[-1] == "rain"
