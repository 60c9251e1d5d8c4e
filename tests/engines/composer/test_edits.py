"""Edits of a source clip: extend, cover, add vocals / instrumental, replace a section, uploads included."""

from __future__ import annotations

from pathlib import Path

import pytest

from songforge.engines.base import ClipResult, InvalidEngineInput, SourceClip, TaskKind
from songforge.engines.composer.analyse import analyse
from songforge.engines.composer.engine import ComposerEngine
from tests.engines.composer.conftest import SHORT_LYRICS, make_request, run


@pytest.fixture(scope="module")
def made(engine: ComposerEngine, tmp_path_factory: pytest.TempPathFactory) -> ClipResult:
    sink = run(engine, make_request(tmp_path_factory.mktemp("src"), n_clips=1, seed=5))
    return sink.finished[0]


def _ours(r: ClipResult) -> SourceClip:
    return SourceClip("src", r.audio_mp3, r.duration, wav_path=r.audio_wav, midi_path=r.midi,
                      engine_data=r.engine_data, title="Source", tags="pop", lyrics=SHORT_LYRICS)


@pytest.mark.slow
def test_extend_keeps_key_and_tempo_and_sings_the_new_lines(engine: ComposerEngine, made: ClipResult,
                                                             tmp_path: Path) -> None:
    sink = run(engine, make_request(tmp_path, kind=TaskKind.EXTEND, source=_ours(made), continue_at=20.0, n_clips=1,
                                    lyrics="[Verse]\nWe keep on dancing in the light"))
    r = sink.finished[0]
    assert (r.engine_data["bpm"], r.engine_data["key"]) == (made.engine_data["bpm"], made.engine_data["key"])
    words = [w.word for w in r.aligned_words]
    assert words[:3] == ["hold", "on", "to"] and words[-3:] == ["in", "the", "light"]
    half_bar = 2 * 60.0 / r.engine_data["bpm"]  # the continuation starts on the bar line nearest continue_at
    assert abs(min(w.start_s for w in r.aligned_words if w.word == "keep") - 20.0) <= half_bar + 1


def test_extend_beyond_the_end_is_refused(engine: ComposerEngine, made: ClipResult, tmp_path: Path) -> None:
    with pytest.raises(InvalidEngineInput, match="outside the source"):
        run(engine, make_request(tmp_path, kind=TaskKind.EXTEND, source=_ours(made), continue_at=made.duration + 30))


def test_replace_section_with_a_backwards_window_is_refused(engine: ComposerEngine, made: ClipResult,
                                                            tmp_path: Path) -> None:
    with pytest.raises(InvalidEngineInput, match="infill"):
        run(engine, make_request(tmp_path, kind=TaskKind.REPLACE_SECTION, source=_ours(made), infill_start=10.0,
                                 infill_end=5.0))


@pytest.mark.slow
def test_cover_sings_the_same_words_in_the_new_style(engine: ComposerEngine, made: ClipResult, tmp_path: Path) -> None:
    sink = run(engine, make_request(tmp_path, kind=TaskKind.COVER, source=_ours(made), tags="jazz, male vocals",
                                    lyrics="", n_clips=1))
    r = sink.finished[0]
    assert [w.word for w in r.aligned_words] == [w.word for w in made.aligned_words]
    assert 100 <= r.engine_data["bpm"] <= 140 and r.engine_data["song"]["voice"] == "m"


@pytest.mark.slow
def test_add_vocals_sings_over_an_uploaded_instrumental(engine: ComposerEngine, made: ClipResult,
                                                        tmp_path: Path) -> None:
    up = SourceClip("up", made.instrumental_stem, made.duration, is_upload=True)  # type: ignore[arg-type]
    sink = run(engine, make_request(tmp_path, kind=TaskKind.ADD_VOCALS, source=up, n_clips=1))
    r = sink.finished[0]
    assert "Source" in r.stems and r.vocal_stem is not None and len(r.aligned_words) > 10


def test_upload_analysis_finds_tempo_and_key(made: ClipResult) -> None:
    a = analyse(str(made.audio_wav))
    assert abs(a.bpm - made.engine_data["bpm"]) / made.engine_data["bpm"] < 0.02
    assert (a.key, a.mode) == (made.engine_data["key"], made.engine_data["mode"])
