"""Stems of a clip: exact for our own clips (the engine stored them), a classical estimate for uploads."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from songforge.media import ffmpeg, separate
from songforge.media.source import ClipInfo, TaskInfo, fetch, fetch_audio, load_clip

if TYPE_CHECKING:
    from songforge.runtime import Runtime

TYPES = ("separate_vocal", "split_stem")


def _silence_like(rt: Runtime, clip: ClipInfo, work: Path, ref_key: str) -> str:
    """A silent WAV as long as ``ref_key`` (Vocals of an instrumental clip)."""
    ref, sr = ffmpeg.read_audio(fetch(rt, ref_key, work, "ref.wav"))
    key = f"clips/{clip.id}/estimated/Vocals.wav"
    rt.store.put_file(key, ffmpeg.write_wav(work / "silence.wav", np.zeros_like(ref), sr))
    return key


def _estimated(rt: Runtime, clip: ClipInfo, work: Path, split: bool) -> dict[str, str]:
    names = ("Vocals", "Instrumental", "Drums", "Bass") if split else ("Vocals", "Instrumental")
    paths = separate.estimate(fetch_audio(rt, clip, work, lossless=True), work, names)
    keys: dict[str, str] = {}
    for name, path in paths.items():
        keys[name] = f"clips/{clip.id}/estimated/{name}.wav"
        rt.store.put_file(keys[name], path)
    return keys


def stem_keys(rt: Runtime, clip: ClipInfo, work: Path, split: bool = False) -> dict[str, str]:
    """Blob keys of Vocals + Instrumental (+ the per-instrument stems when ``split``)."""
    files = clip.files
    vocal, inst = files.get("vocal"), files.get("instrumental")
    if not inst or (not vocal and clip.has_vocal):  # not stored by an engine (an upload): estimate
        return _estimated(rt, clip, work, split)
    keys = {"Vocals": str(vocal) if vocal else _silence_like(rt, clip, work, str(inst)),
            "Instrumental": str(inst)}
    if split:
        keys.update({str(name): str(key) for name, key in (files.get("stems") or {}).items()})
    return keys


def run(rt: Runtime, task: TaskInfo, work: Path) -> dict[str, Any]:
    """``{"type", "stems", "origin_key"}`` for the task's source clip."""
    kind = str(task.options.get("type") or "separate_vocal")
    if kind not in TYPES:
        raise ffmpeg.MediaError(f"unknown stem type {kind!r}; accepted: {', '.join(TYPES)}", code="invalid_request")
    clip = load_clip(rt, task.parent_id, task.key_id)
    stems = stem_keys(rt, clip, work, split=kind == "split_stem")
    return {"type": kind, "stems": stems, "origin_key": clip.files.get("mp3") or clip.files.get("wav") or ""}
