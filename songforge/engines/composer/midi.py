"""The arrangement as a Standard MIDI File (one track per instrument plus the sung melody)."""

from __future__ import annotations

from pathlib import Path

import pretty_midi

from songforge.engines.composer.song import TRACKS, Song

VOCAL_PROGRAM = 53  # "Voice Oohs": a stand-in for the sung line when the MIDI is played back


def write_midi(song: Song, path: Path, with_vocals: bool = True) -> Path:
    """Write the song's notes (and the vocal melody) to ``path``."""
    pm = pretty_midi.PrettyMIDI(initial_tempo=song.bpm)
    for name in TRACKS:
        notes = [n for n in song.notes if n.track == name]
        if not notes:
            continue
        inst = pretty_midi.Instrument(program=song.programs.get(name.lower(), 0), is_drum=name == "Drums", name=name)
        inst.notes = [pretty_midi.Note(velocity=max(1, min(127, n.vel)), pitch=n.pitch, start=song.seconds(n.start),
                                       end=song.seconds(n.start + n.dur)) for n in notes]
        pm.instruments.append(inst)
    if with_vocals and song.syllables:
        inst = pretty_midi.Instrument(program=VOCAL_PROGRAM, name="Vocals")
        inst.notes = [pretty_midi.Note(velocity=100, pitch=s.pitch, start=song.seconds(s.start),
                                       end=song.seconds(s.start + s.dur)) for s in song.syllables]
        pm.instruments.append(inst)
    pm.write(str(path))
    return path
