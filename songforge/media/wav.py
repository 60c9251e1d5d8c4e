"""WAV of a clip: the engine's own WAV when it stored one, else the MP3 decoded by ffmpeg."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from songforge.media import ffmpeg
from songforge.media.source import TaskInfo, fetch_audio, load_clip, set_clip_files

if TYPE_CHECKING:
    from songforge.runtime import Runtime


def run(rt: Runtime, task: TaskInfo, work: Path) -> dict[str, Any]:
    """``{"wav_key"}`` for the task's source clip."""
    clip = load_clip(rt, task.parent_id, task.key_id)
    if clip.files.get("wav"):
        return {"wav_key": clip.files["wav"]}
    wav = ffmpeg.to_wav(fetch_audio(rt, clip, work), work / "audio.wav")
    key = f"clips/{clip.id}/audio.wav"
    rt.store.put_file(key, wav)
    set_clip_files(rt, clip.id, {"wav": key})  # the next WAV request for this clip is instant
    return {"wav_key": key}
