"""End-to-end runs of the composer engine (real FluidSynth, flite and ffmpeg)."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from songforge.engines.base import InvalidEngineInput, TaskKind
from songforge.engines.composer.decode import decode
from songforge.engines.composer.engine import ComposerEngine
from songforge.engines.composer.loudness import lufs, true_peak_db
from songforge.engines.composer.pitch import note_accuracy, yin
from songforge.engines.composer.song import Song
from tests.engines.composer.conftest import RecordingSink, make_request, run


@pytest.mark.slow
def test_two_clips_with_vocals_and_every_file(engine: ComposerEngine, tmp_path: Path) -> None:
    sink = run(engine, make_request(tmp_path))
    assert len(sink.texts) == 2 and set(sink.finished) == {0, 1}
    assert sink.events[0] == ("text", -1) and sink.events.index(("chunk", 0)) < sink.events.index(("finished", 0))
    a, b = sink.finished[0], sink.finished[1]
    for r in (a, b):
        for p in (r.audio_mp3, r.audio_wav, r.image_png, r.midi, r.vocal_stem, r.instrumental_stem):
            assert p is not None and p.exists() and p.stat().st_size > 0
        assert {"Drums", "Bass", "Chords"} <= set(r.stems)
        assert [w.word for w in r.aligned_words][:3] == ["hold", "on", "to"]
        assert r.engine_data["song"]["bpm"] == r.engine_data["bpm"]
    assert a.audio_mp3.read_bytes() != b.audio_mp3.read_bytes()  # the two clips differ


@pytest.mark.slow
def test_streamed_chunks_concatenate_into_a_playable_mp3(engine: ComposerEngine, tmp_path: Path) -> None:
    sink = run(engine, make_request(tmp_path, n_clips=1))
    stream = tmp_path / "stream.mp3"
    stream.write_bytes(b"".join(sink.chunks[0]))
    audio = decode(str(stream), 44100)
    assert len(sink.chunks[0]) >= 2 and abs(len(audio) / 44100 - sink.finished[0].duration) < 1.0


@pytest.mark.slow
def test_sung_notes_hit_the_melody_and_master_is_at_minus_14_lufs(engine: ComposerEngine, tmp_path: Path) -> None:
    sink = run(engine, make_request(tmp_path, n_clips=1))
    r = sink.finished[0]
    voc, sr = sf.read(str(r.vocal_stem))
    mono = voc.mean(axis=1)[::2]  # 22.05 kHz is plenty for a pitch tracker
    f0, times = yin(mono, sr // 2)
    song = Song.from_json(r.engine_data["song"])
    notes = [(song.seconds(s.start), song.seconds(s.start + s.dur), s.pitch) for s in song.syllables]
    share, voiced = note_accuracy(f0, times, notes)
    assert voiced >= 0.8 * len(notes) and share >= 0.95
    mix, _ = sf.read(str(r.audio_wav))
    assert abs(lufs(mix, sr) + 14) <= 1.0 and true_peak_db(mix) <= -1.0


@pytest.mark.slow
def test_same_seed_gives_identical_mp3(engine: ComposerEngine, tmp_path: Path) -> None:
    one = run(engine, make_request(tmp_path / "a", n_clips=1, seed=42))
    two = run(engine, make_request(tmp_path / "b", n_clips=1, seed=42))
    assert one.finished[0].audio_mp3.read_bytes() == two.finished[0].audio_mp3.read_bytes()
    assert b"".join(one.chunks[0]) == b"".join(two.chunks[0])


@pytest.mark.slow
def test_instrumental_from_a_description_has_no_vocals(engine: ComposerEngine, tmp_path: Path) -> None:
    sink = run(engine, make_request(tmp_path, n_clips=1, custom_mode=False, lyrics="", instrumental=True,
                                    description="a calm lofi beat for studying"))
    r = sink.finished[0]
    assert r.vocal_stem is None and r.aligned_words == [] and 90 <= r.duration <= 155
    probe = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0",
                            str(r.audio_mp3)], capture_output=True, text=True, check=True)
    assert abs(float(probe.stdout) - r.duration) < 0.5


def test_empty_lyrics_in_custom_mode_is_invalid(engine: ComposerEngine, tmp_path: Path) -> None:
    with pytest.raises(InvalidEngineInput, match="lyrics"):
        run(engine, make_request(tmp_path, lyrics="  \n[Verse]\n"))


def test_cjk_lyrics_are_invalid(engine: ComposerEngine, tmp_path: Path) -> None:
    with pytest.raises(InvalidEngineInput, match="script"):
        run(engine, make_request(tmp_path, lyrics="[Verse]\n我爱你\n你爱我"))


def test_lyrics_task_returns_one_variant_per_clip(engine: ComposerEngine, tmp_path: Path) -> None:
    sink = RecordingSink()
    asyncio.run(engine.run(make_request(tmp_path, kind=TaskKind.LYRICS, custom_mode=False,
                                        description="summer love by the sea", n_clips=2), sink))
    assert len(sink.lyrics) == 2 and sink.lyrics[0].text != sink.lyrics[1].text
    assert all("[Chorus]" in v.text for v in sink.lyrics)
