"""Files out: 16-bit WAV, and MP3 through ffmpeg with bit-exact flags (same input → same bytes)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import soundfile as sf

from songforge.engines.base import EngineError

SR = 44100
TIMEOUT_S = 120


def pcm16(x: np.ndarray) -> np.ndarray:
    """Float audio → interleaved int16 (clipped, rounded; no dither so output is reproducible)."""
    return np.asarray(np.clip(np.round(x * 32767.0), -32768, 32767).astype("<i2"))


def write_wav(path: Path, x: np.ndarray) -> Path:
    """Write 16-bit PCM WAV."""
    sf.write(str(path), pcm16(x), SR, subtype="PCM_16")
    return path


def mp3_bytes(x: np.ndarray, *, stream: bool = False, title: str = "", bitrate: str = "192k",
              path: Path | None = None) -> bytes:
    """Encode stereo float audio to MP3 (to ``path`` if given, so the Xing length header can be written).

    ``stream``: bare frames (no ID3/Xing) so that chunks concatenate into one playable stream."""
    cmd = ["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "s16le", "-ar", str(SR), "-ac", "2", "-i", "pipe:0",
           "-fflags", "+bitexact", "-flags:a", "+bitexact", "-map_metadata", "-1", "-c:a", "libmp3lame",
           "-b:a", bitrate]
    if stream:
        cmd += ["-write_xing", "0", "-id3v2_version", "0"]
    else:
        cmd += ["-id3v2_version", "3", "-write_id3v1", "0"] + (["-metadata", f"title={title}"] if title else [])
    cmd += ["-f", "mp3", "-y", str(path) if path else "pipe:1"]
    stereo = x if x.ndim == 2 else np.stack([x, x], axis=1)
    try:
        proc = subprocess.run(cmd, input=pcm16(stereo).tobytes(), capture_output=True, timeout=TIMEOUT_S, check=True)
    except FileNotFoundError as exc:
        raise EngineError("ffmpeg is not installed", code="engine_unavailable") from exc
    except subprocess.CalledProcessError as exc:
        raise EngineError(f"ffmpeg failed: {exc.stderr.decode(errors='replace')[:300]}", retryable=True) from exc
    except subprocess.TimeoutExpired as exc:
        raise EngineError("ffmpeg timed out", retryable=True) from exc
    return path.read_bytes() if path else proc.stdout
