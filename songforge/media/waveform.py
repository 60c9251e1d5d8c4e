"""A coarse peak envelope of a clip's audio (Suno's ``waveform_data``)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from songforge.media import ffmpeg

POINTS = 200
RATE = 8000  # plenty for an envelope, and decoding an 8-minute song stays fast


def peaks(audio: Path, points: int = POINTS) -> list[float]:
    """``points`` peak values in 0..1 across the whole file."""
    with tempfile.TemporaryDirectory(prefix="songforge-wave-") as tmp:
        wav = Path(tmp) / "mono.wav"
        ffmpeg.run(["-i", str(audio), "-vn", "-ac", "1", "-ar", str(RATE), "-c:a", "pcm_s16le", str(wav)])
        samples, _ = ffmpeg.read_audio(wav)
    mono = np.abs(samples[:, 0])
    if mono.size == 0:
        return [0.0] * points
    buckets = np.array_split(mono, min(points, mono.size))
    values = np.array([b.max() for b in buckets])
    top = float(values.max()) or 1.0
    return [round(float(v) / top, 5) for v in values]
