"""Decode any audio file to float stereo with ffmpeg (uploads may be MP3, M4A, OGG...)."""

from __future__ import annotations

import subprocess

import numpy as np

from songforge.engines.base import InvalidEngineInput

TIMEOUT_S = 120


def decode(path: str, sr: int, mono: bool = False) -> np.ndarray:
    """(n, 2) float64 at ``sr`` (or (n,) if mono)."""
    ch = 1 if mono else 2
    try:
        proc = subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", path, "-f", "f32le", "-ac", str(ch),
                               "-ar", str(sr), "pipe:1"], capture_output=True, timeout=TIMEOUT_S, check=True)
    except (subprocess.SubprocessError, OSError) as exc:
        raise InvalidEngineInput(f"cannot decode the source audio: {exc}") from exc
    x = np.frombuffer(proc.stdout, dtype="<f4").astype(np.float64)
    return x if mono else x.reshape(-1, 2)
