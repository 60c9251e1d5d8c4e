"""MIDI of a clip as note lists: the arrangement MIDI our engine stored, parsed with pretty_midi."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pretty_midi

from songforge.media import transcribe
from songforge.media.ffmpeg import MediaError
from songforge.media.source import TaskInfo, fetch, load_clip
from songforge.media.stems import stem_keys

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


def for_stem(found: list[dict[str, Any]], stem: str) -> list[dict[str, Any]]:
    """The instruments of one stem (our engines name MIDI tracks like their stems); all when ``stem`` is ""."""
    if not stem:
        return found
    if stem.lower() == "instrumental":
        return [i for i in found if i["name"].lower() != "vocals"]
    return [i for i in found if i["name"].lower() == stem.lower()]


def run(rt: Runtime, task: TaskInfo, work: Path) -> dict[str, Any]:
    """``{"state": "complete", "instruments": [...]}`` (of ``options.stem`` only when given; KIE audioId).

    Clips without a stored MIDI (uploads) get a rough melody transcription of their vocal estimate.
    """
    clip = load_clip(rt, task.parent_id, task.key_id)
    key = clip.files.get("midi")
    if key:
        found = instruments(fetch(rt, str(key), work, "song.mid"))
    else:
        vocals = fetch(rt, stem_keys(rt, clip, work)["Vocals"], work, "vocals.wav")
        melody = transcribe.notes(vocals, work)
        found = [{"name": "Vocals", "notes": melody}] if melody else []
    return {"state": "complete", "instruments": for_stem(found, str(task.options.get("stem") or ""))}
