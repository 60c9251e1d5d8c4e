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
    y = np.multiply(x, np.float32(32767.0), dtype=np.float32)
    np.rint(y, out=y)
    np.clip(y, -32768, 32767, out=y)
    return np.asarray(y.astype("<i2"))


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
           "-b:a", bitrate,
           "-compression_level", "7",  # half the CPU of LAME's default, no audible difference at 192 kb/s
           "-reservoir", "0"]  # frames stand alone, so the file can be cut into stream chunks
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


def _frame_len(h: bytes) -> int:
    """Length of an MPEG-1/2 Layer III frame from its 4 header bytes (0 if not a frame header)."""
    if len(h) < 4 or h[0] != 0xFF or (h[1] & 0xE0) != 0xE0 or (h[1] >> 1) & 3 != 1:
        return 0
    mpeg1 = (h[1] >> 3) & 3 == 3
    rates = ((0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320) if mpeg1 else
             (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160))
    bi, si = h[2] >> 4, (h[2] >> 2) & 3
    if bi in (0, 15) or si == 3:
        return 0
    sr = (44100, 48000, 32000)[si] // (1 if mpeg1 else 2)
    return (144 if mpeg1 else 72) * rates[bi] * 1000 // sr + ((h[2] >> 1) & 1)


def audio_frames(mp3: bytes) -> list[tuple[int, int]]:
    """(offset, length) of each audio frame, skipping ID3v2 and the Xing/Info header frame."""
    pos = 0
    if mp3[:3] == b"ID3":
        pos = 10 + ((mp3[6] & 0x7F) << 21 | (mp3[7] & 0x7F) << 14 | (mp3[8] & 0x7F) << 7 | (mp3[9] & 0x7F))
    out: list[tuple[int, int]] = []
    while pos + 4 <= len(mp3):
        n = _frame_len(mp3[pos: pos + 4])
        if n == 0:
            pos += 1  # resync
            continue
        if not (out == [] and (b"Xing" in mp3[pos: pos + 64] or b"Info" in mp3[pos: pos + 64])):
            out.append((pos, n))
        pos += n
    return out


def tail_from(mp3: bytes, start_sample: int) -> bytes:
    """The frames of a finished MP3 from about ``start_sample`` on (LAME's 1105-sample delay accounted)."""
    frames = audio_frames(mp3)
    k = min(len(frames), round((start_sample + 1105) / 1152)) if start_sample > 0 else 0
    return b"".join(mp3[o: o + n] for o, n in frames[k:])
