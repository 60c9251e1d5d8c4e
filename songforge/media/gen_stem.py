"""Suno ``task:"gen_stem"``: a music task whose two clips are the source's Vocals and Instrumental."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from songforge.media import clips, ffmpeg
from songforge.media.source import TaskInfo, fetch, load_clip
from songforge.media.stems import stem_keys

if TYPE_CHECKING:
    from songforge.runtime import Runtime

PARTS = ("Vocals", "Instrumental")


def run(rt: Runtime, task: TaskInfo, work: Path) -> None:
    """Finish clip 0 as "<title> - Vocals" and clip 1 as "<title> - Instrumental"."""
    source = load_clip(rt, task.parent_id, task.key_id)
    stems = stem_keys(rt, source, work)
    ids = clips.ensure_clips(rt, task.id, [{"clip_type": "stem"} for _ in PARTS])
    for idx, part in enumerate(PARTS):
        wav = fetch(rt, stems[part], work, f"{part}.wav")
        mp3 = ffmpeg.to_mp3(wav, work / f"{part}.mp3")
        key = f"clips/{ids[idx]}/audio.mp3"
        rt.store.put_file(key, mp3)
        clips.update_clip(rt, task.id, idx, title=f"{source.title} - {part}", tags=source.tags,
                          has_vocal=part == "Vocals", lyrics=source.lyrics if part == "Vocals" else "")
        files = {"mp3": key, "wav": stems[part], **({"png": source.files["png"]} if source.files.get("png") else {})}
        clips.finish(rt, task.id, idx, files, ffmpeg.probe(mp3).duration,
                     source.aligned_words if part == "Vocals" else [])
