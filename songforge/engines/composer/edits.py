"""Jobs for edits of a source clip: extend, cover, add vocals/instrumental, replace a section."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from songforge.engines.base import EngineRequest, InvalidEngineInput, SourceClip, TaskKind
from songforge.engines.composer.analyse import analyse
from songforge.engines.composer.arrange import VOICE_RANGE, Basics, arrange, choose_basics, new_band, sing_over
from songforge.engines.composer.clip import ClipJob
from songforge.engines.composer.song import Bar, Note, Song
from songforge.engines.composer.songops import join, transpose, truncate, without_vocals
from songforge.engines.composer.splice import Splice
from songforge.engines.composer.style import parse_style
from songforge.engines.composer.text import parse_lyrics


def source_song(src: SourceClip) -> Song:
    """The arrangement stored with one of our clips, or one inferred from uploaded audio."""
    if "song" in src.engine_data:
        return Song.from_json(src.engine_data["song"])
    a = analyse(str(src.wav_path or src.audio_path))
    song = Song(round(a.bpm, 2), a.key, a.mode, False, {})
    song.bars = [Bar("Verse", c, 0.8) for c in a.chords]
    beat = 60.0 / a.bpm
    song.notes = [Note("Lead", s / beat, (e - s) / beat, p, 80) for s, e, p in a.melody]  # for add_instrumental
    return song


def _style(request: EngineRequest, job: ClipJob):  # type: ignore[no-untyped-def]
    return parse_style(job.tags, request.negative_tags, request.vocal_gender)


def _extend(request: EngineRequest, job: ClipJob, src: SourceClip, song: Song) -> ClipJob:
    at = src.duration if request.continue_at is None else request.continue_at
    if at < 0 or at > src.duration + 0.05:
        raise InvalidEngineInput(f"continue_at {at:.2f} s is outside the source clip (0 to {src.duration:.2f} s)")
    bar_s = 4 * 60.0 / song.bpm
    basics = Basics(song.bpm, song.key, song.mode)
    cont = arrange(parse_lyrics(request.lyrics), _style(request, job), job.seed, instrumental=request.instrumental,
                   target_s=60.0, basics=basics, intro=False)
    cont.voice = song.voice if not request.vocal_gender else cont.voice
    if src.is_upload or not song.syllables and not song.notes:
        return replace(job, song_json=cont.to_json(), splices=(Splice(str(src.audio_path), 0.0, at, 0.0, at),))
    head = truncate(song, max(0, round(at / bar_s)))  # the new part starts on the bar line nearest continue_at
    return replace(job, song_json=join(head, cont).to_json())


def _cover(request: EngineRequest, job: ClipJob, src: SourceClip, song: Song) -> ClipJob:
    style = _style(request, job)
    basics = choose_basics(style, np.random.default_rng(job.seed))
    shift = (basics.key - song.key + 6) % 12 - 6
    moved = transpose(song, shift, basics.key)
    moved.bpm, moved.voice = basics.bpm, style.voice
    if moved.syllables:  # keep the tune in the new voice's range
        mean = float(np.mean([s.pitch for s in moved.syllables]))
        octave = 12 * round((VOICE_RANGE[style.voice][2] + 1.5 - mean) / 12)
        moved = transpose(moved, octave, basics.key) if octave else moved
    if src.is_upload:  # uploads: the lead plays the melody we heard, and new lyrics (if any) are sung
        lead = [n for n in moved.notes if n.track == "Lead"]
        moved = new_band(moved, style, job.seed)
        moved.notes += [replace(n, pitch=n.pitch + 12 * round((72 - n.pitch) / 12)) for n in lead]
        if request.lyrics:
            sing_over(moved, parse_lyrics(request.lyrics), job.seed, 2)
        return replace(job, song_json=moved.to_json())
    return replace(job, song_json=new_band(moved, style, job.seed).to_json())


def _add_vocals(request: EngineRequest, job: ClipJob, src: SourceClip, song: Song) -> ClipJob:
    song = replace(song, syllables=[], words=[], word_line=[], line_sections=[], notes=[])
    song.voice = _style(request, job).voice
    first = next((i for i, b in enumerate(song.bars) if b.section != "Intro"), 0) if not src.is_upload else 2
    sing_over(song, parse_lyrics(job.lyrics), job.seed, first)
    if not song.syllables:
        raise InvalidEngineInput("add_vocals needs lyrics that fit in the source clip")
    return replace(job, song_json=song.to_json(), instrumental=False, splices=(Splice(str(src.audio_path)),))


def _add_instrumental(request: EngineRequest, job: ClipJob, src: SourceClip, song: Song) -> ClipJob:
    band = new_band(replace(song, notes=[]), _style(request, job), job.seed)
    return replace(job, song_json=band.to_json(), instrumental=True, splices=(Splice(str(src.audio_path)),))


def _replace_section(request: EngineRequest, job: ClipJob, src: SourceClip, song: Song) -> ClipJob:
    a, b = request.infill_start, request.infill_end
    if a is None or b is None or not 0 <= a < b <= src.duration + 0.05:
        raise InvalidEngineInput(f"replace_section needs 0 <= infill_start < infill_end <= {src.duration:.2f} s")
    beat = 60.0 / song.bpm
    if src.is_upload:
        piece = arrange(parse_lyrics(request.lyrics), _style(request, job), job.seed, instrumental=not request.lyrics,
                        target_s=b - a + 4, basics=Basics(song.bpm, song.key, song.mode), intro=False)
        return replace(job, song_json=piece.to_json(),
                       splices=(Splice(str(src.audio_path), new_offset=a, new_window=(a, b)),))
    bar0, bar1 = int(a / (4 * beat)), max(int(a / (4 * beat)) + 1, math.ceil(b / (4 * beat)))
    cut = without_vocals(song, 4.0 * bar0, 4.0 * bar1)
    if request.lyrics:
        sing_over(cut, parse_lyrics(request.lyrics), job.seed, bar0, bar1)
    else:  # no new words: the band takes a new turn in the window
        cut.notes = [n for n in cut.notes if not 4.0 * bar0 <= n.start < 4.0 * bar1]
        fresh = new_band(replace(song, notes=[]), _style(request, job), job.seed)
        cut.notes += [n for n in fresh.notes if 4.0 * bar0 <= n.start < 4.0 * bar1]
    cut.notes.sort(key=lambda n: (n.start, n.track, n.pitch))
    return replace(job, song_json=cut.to_json())


HANDLERS = {TaskKind.EXTEND: _extend, TaskKind.COVER: _cover, TaskKind.ADD_VOCALS: _add_vocals,
            TaskKind.ADD_INSTRUMENTAL: _add_instrumental, TaskKind.REPLACE_SECTION: _replace_section}


def edit_jobs(request: EngineRequest, base: list[ClipJob]) -> list[ClipJob]:
    """Turn the per-clip base jobs into edit jobs for the request's kind."""
    src = request.source
    if src is None:
        raise InvalidEngineInput(f"{request.kind} needs a source clip")
    if request.kind == TaskKind.ADD_VOCALS and not parse_lyrics(request.lyrics):
        raise InvalidEngineInput("add_vocals needs lyrics")
    data = source_song(src).to_json()
    return [HANDLERS[request.kind](request, job, src, Song.from_json(data)) for job in base]  # fresh copy each
