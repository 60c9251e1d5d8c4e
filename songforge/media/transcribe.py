"""A rough monophonic transcription (dominant pitch per frame → notes) for audio without a stored MIDI.

Used on the vocal estimate of uploads: one "Vocals" track of melody notes. No model; expect octave slips and
missed notes on dense mixes. Our own clips never come here: their MIDI is the arrangement itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from scipy.signal import stft

from songforge.media import ffmpeg

RATE = 22050
NPERSEG = 2048
HOP = 512
FMIN, FMAX = 80.0, 1000.0
MIN_NOTE_S = 0.12
SILENCE = 0.05  # frames quieter than this share of the loudest frame are rests


def _frame_pitches(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """MIDI pitch (0 = rest) and level 0..1 per frame."""
    freqs, _, spec = stft(samples, fs=RATE, nperseg=NPERSEG, noverlap=NPERSEG - HOP)
    mag = np.abs(spec)
    band = (freqs >= FMIN) & (freqs <= FMAX)
    peak = freqs[band][np.argmax(mag[band], axis=0)]
    level = mag[band].max(axis=0)
    level = level / (level.max() or 1.0)
    pitch = np.where(level > SILENCE, np.round(69 + 12 * np.log2(np.maximum(peak, 1e-6) / 440.0)), 0)
    return pitch.astype(int), level


def notes(audio: Path, work: Path) -> list[dict[str, Any]]:
    """Notes ``{"pitch", "start", "end", "velocity"}`` of the dominant melody in ``audio``."""
    wav = work / "transcribe.wav"
    ffmpeg.run(["-i", str(audio), "-vn", "-ac", "1", "-ar", str(RATE), "-c:a", "pcm_s16le", str(wav)])
    samples, _ = ffmpeg.read_audio(wav)
    if len(samples) < NPERSEG:
        return []
    pitch, level = _frame_pitches(samples[:, 0])
    out: list[dict[str, Any]] = []
    start = 0
    for i in range(1, len(pitch) + 1):
        if i < len(pitch) and pitch[i] == pitch[start]:
            continue
        begin, end = start * HOP / RATE, i * HOP / RATE
        if pitch[start] and end - begin >= MIN_NOTE_S:
            out.append({"pitch": int(pitch[start]), "start": round(begin, 3), "end": round(end, 3),
                        "velocity": round(float(np.clip(level[start:i].mean() * 1.2, 0.1, 1.0)), 3)})
        start = i
    return out
