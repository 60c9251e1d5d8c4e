"""MIDI of a clip as note lists: the arrangement MIDI our engine stored, parsed with pretty_midi."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pretty_midi

from songforge.media.ffmpeg import MediaError
from songforge.media.source import TaskInfo, fetch, load_clip

if TYPE_CHECKING:
    from songforge.runtime import Runtime


def instruments(path: Path) -> list[dict[str, Any]]:
    """``[{"name", "notes": [{"pitch", "start", "end", "velocity"}]}]`` with seconds and velocity 0..1."""
    try:
        song = pretty_midi.PrettyMIDI(str(path))
    except Exception as exc:  # pretty_midi/mido raise many types on a broken file
        raise MediaError(f"the stored MIDI cannot be read: {type(exc).__name__}", code="midi_failed") from exc
    out: list[dict[str, Any]] = []
    for inst in song.instruments:
        name = inst.name.strip() or ("Drums" if inst.is_drum else pretty_midi.program_to_instrument_name(inst.program))
        notes = [{"pitch": int(n.pitch), "start": round(float(n.start), 3), "end": round(float(n.end), 3),
                  "velocity": round(n.velocity / 127.0, 3)} for n in sorted(inst.notes, key=lambda n: n.start)]
        out.append({"name": name, "notes": notes})
    return out


def run(rt: Runtime, task: TaskInfo, work: Path) -> dict[str, Any]:
    """``{"state": "complete", "instruments": [...]}``; empty for clips without a stored MIDI (uploads)."""
    clip = load_clip(rt, task.parent_id, task.key_id)
    key = clip.files.get("midi")
    if not key:  # no transcription model offline: KIE documents empty midiData as a valid outcome
        return {"state": "complete", "instruments": []}
    return {"state": "complete", "instruments": instruments(fetch(rt, str(key), work, "song.mid"))}
