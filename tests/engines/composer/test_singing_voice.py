"""The singer's voice and rhythm: festival speech per line, the rhythm fitted to it, and words a recogniser follows."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from songforge.engines.composer import festival
from songforge.engines.composer.arrange import arrange
from songforge.engines.composer.intelligibility import line_wer, word_error_rate
from songforge.engines.composer.melody import SING_STRETCH, speech_rhythm
from songforge.engines.composer.prosody import syllable_seconds
from songforge.engines.composer.pronounce import stresses
from songforge.engines.composer.singer import sing
from songforge.engines.composer.song import Song
from songforge.engines.composer.style import parse_style
from songforge.engines.composer.text import parse_lyrics
from songforge.engines.composer.timing import fit_to_speech, segments, units
from songforge.engines.composer.voice import MALE_FORMANT, speak, speak_words
from tests.engines.composer.conftest import SHORT_LYRICS

CHORUS = SHORT_LYRICS[SHORT_LYRICS.index("[Chorus]"):]
LYRICS = SHORT_LYRICS + "\n" + CHORUS  # verse, chorus, the chorus again


VCVC = (Path(__file__).parents[3] / "bench" / "composer_lyrics.txt").read_text()  # the benchmark's song


def _song(tags: str = "pop, female vocals", lyrics: str = LYRICS, seed: int = 5) -> Song:
    return arrange(parse_lyrics(lyrics), parse_style(tags), seed, instrumental=False)


def test_festival_says_each_distinct_line_once_and_gives_every_word_its_phones() -> None:
    song = _song()
    speech = festival.speak_lines(song.words, song.word_line)
    assert speech.sr == festival.SR and len(speech.words) == len(song.words)
    starts = [w[0].start for w in speech.words]
    # the repeated chorus reuses the first chorus's audio: its words point at the same stretch of speech
    first_chorus = song.word_line.index(2)
    repeat = song.word_line.index(4)
    assert starts[repeat] == starts[first_chorus]
    assert len(speech.audio) / speech.sr < 12.0  # four distinct lines, not six
    for w, phones in zip(song.words, speech.words, strict=True):
        assert phones and all(p.end > p.start for p in phones), w
        assert sum(p.name in ("aa", "ae", "ah", "ao", "aw", "ax", "ay", "eh", "er", "ey", "ih", "iy", "ow", "oy",
                              "uh", "uw") for p in phones) >= 1, w


def test_a_word_festival_reads_as_two_is_said_alone_and_kept_as_one_word() -> None:
    words = ["we", "watch", "tv", "tonight"]
    speech = festival.speak_lines(words, [0, 0, 0, 0])
    assert len(speech.words) == 4
    tv = speech.words[2]
    assert [p.name for p in tv][:1] == ["t"] and len(tv) >= 4  # "t iy v iy": both letters
    # said one word at a time, in order: each word's phones end before the next word's begin
    assert all(a[-1].end <= b[0].start + 1e-9 for a, b in zip(speech.words, speech.words[1:]))


def test_the_male_voice_is_the_same_speech_sung_with_lower_formants() -> None:
    words = ["hold", "on", "to", "the", "night"]
    male, female = speak(words, "m", [0] * 5), speak(words, "f", [0] * 5)
    assert np.array_equal(male.audio, female.audio)
    assert female.formant == 1.0 and male.formant == MALE_FORMANT < 1.0
    song = _song("pop, male vocals")
    speech = speak(song.words, "m", song.word_line)
    fit_to_speech(song, speech)
    total = song.seconds(song.total_beats) + 1

    def centroid(formant: float) -> float:
        y = sing(song, replace(speech, formant=formant), total)
        frames = np.lib.stride_tricks.sliding_window_view(y, 1024)[::512]
        loud = frames[(frames ** 2).mean(axis=1) > 1e-4]
        spec = np.abs(np.fft.rfft(loud * np.hanning(1024), axis=1)).mean(axis=0)
        freqs = np.fft.rfftfreq(1024, 1 / speech.sr)
        return float((spec * freqs).sum() / spec.sum())

    # same notes, same words: only the spectral envelope moves down (by roughly the formant factor)
    assert 0.75 < centroid(MALE_FORMANT) / centroid(1.0) < 0.95


def test_without_festival_the_voice_falls_back_to_flite_word_by_word(monkeypatch: pytest.MonkeyPatch) -> None:
    words = ["hold", "on", "to", "the", "night"]
    monkeypatch.setattr(festival, "available", lambda: False)
    for gender in ("f", "m"):
        speech = speak(words, gender, [0] * 5)
        assert np.array_equal(speech.audio, speak_words(words, gender).audio) and speech.formant == 1.0
        assert len(speech.words) == 5


def test_predicted_syllable_lengths_match_the_notes_and_stress() -> None:
    for word in ["hold", "every", "city", "avenue", "the", "zzyzzx", "heartbeat"]:
        lengths = syllable_seconds(word)
        assert len(lengths) == len(stresses(word)) and all(0.05 < d < 0.8 for d in lengths), word
    assert syllable_seconds("night")[0] > syllable_seconds("the")[0]  # a stressed word outlasts a function word


def test_speech_rhythm_follows_the_spoken_lengths_on_a_sixteenth_grid() -> None:
    spoken = [0.1, 0.3, 0.1, 0.1, 0.4]
    beat_s = 0.5
    times = speech_rhythm(spoken, 12.0, beat_s)
    assert len(times) == 5 and times[0][0] == 0.0
    assert all(abs(a / 0.25 - round(a / 0.25)) < 1e-9 for a, _ in times)
    assert all(d > 0 for _, d in times)
    assert [a for a, _ in times] == sorted(a for a, _ in times)
    # long syllables get longer notes; the line is slowed by a factor inside SING_STRETCH
    assert times[1][1] > times[0][1] and times[4][1] >= times[2][1]
    ratio = times[-1][0] * beat_s / sum(spoken[:-1])
    assert SING_STRETCH[0] - 0.1 <= ratio <= SING_STRETCH[1] + 0.1


def test_speech_rhythm_squeezes_a_line_that_does_not_fit_its_room() -> None:
    times = speech_rhythm([0.3] * 20, 4.0, 0.5)
    assert times[-1][0] + times[-1][1] <= 4.0 + 1e-9 and len(times) == 20


def test_fitted_lines_keep_their_first_note_pitches_and_stay_before_the_next_line() -> None:
    song = _song()
    before = list(song.syllables)
    speech = speak(song.words, song.voice, song.word_line)
    fit_to_speech(song, speech)
    assert [s.pitch for s in song.syllables] == [s.pitch for s in before]
    firsts = {}
    for old, new in zip(before, song.syllables, strict=True):
        line = song.word_line[new.word]
        if line not in firsts:
            firsts[line] = new.start
            assert new.start == old.start
    line_of = [song.word_line[s.word] for s in song.syllables]
    for k in range(len(song.syllables) - 1):
        a, b = song.syllables[k], song.syllables[k + 1]
        assert a.start < b.start and a.dur > 0
        if line_of[k] != line_of[k + 1]:
            assert a.start + a.dur <= b.start - 1.0 + 1e-9  # a beat to breathe


def test_the_time_map_only_moves_forward_through_the_speech() -> None:
    song = _song("pop, male vocals")
    speech = speak(song.words, song.voice, song.word_line)
    fit_to_speech(song, speech)
    for seg in segments(units(song, speech)):
        assert np.all(np.diff(seg[:, 0]) >= 0) and np.all(np.diff(seg[:, 1]) >= 0)


def test_word_error_rate_counts_substitutions_insertions_and_deletions() -> None:
    ref = "sing it loud sing it clear".split()
    assert word_error_rate(ref, ref) == 0.0
    assert word_error_rate(ref, "sing it loud saying it clear".split()) == 1 / 6
    assert word_error_rate(ref, "sing it loud sing it clear now".split()) == 1 / 6
    assert word_error_rate(ref, "sing loud sing clear".split()) == 2 / 6
    assert word_error_rate([], ["la"]) == 1.0


@pytest.mark.slow
@pytest.mark.parametrize("voice", ["female", "male"])
def test_a_speech_recogniser_follows_most_sung_words(voice: str) -> None:
    """The intelligibility bar, on the dry vocal of the benchmark song: pocketsphinx (trained on speech, not on
    singing) gets more than half of the words right. bench/composer.py prints the same figure for the mixed stem."""
    song = _song(f"upbeat pop, {voice} vocals", VCVC, seed=1234)
    speech = speak(song.words, song.voice, song.word_line)
    fit_to_speech(song, speech)
    vocal = sing(song, speech, song.seconds(song.total_beats) + 1)
    lines = []
    for line in sorted(set(song.word_line)):
        sylls = [s for s in song.syllables if song.word_line[s.word] == line]
        words = [w for w, ln in zip(song.words, song.word_line, strict=True) if ln == line]
        lines.append((words, song.seconds(sylls[0].start), song.seconds(sylls[-1].start + sylls[-1].dur)))
    wer = line_wer(vocal, speech.sr, lines)
    print(f"{voice}: word error {wer:.2f}")
    assert wer < 0.5
