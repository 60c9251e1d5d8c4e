"""Thin, typed wrappers around the ffmpeg/ffprobe command lines the media jobs use."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

TIMEOUT = 600.0  # no single conversion of an 8-minute song takes near this long


class MediaError(Exception):
    """A media step failed; ``code`` is the task's error code, the message is safe to show the caller."""

    def __init__(self, message: str, code: str = "media_failed") -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Probe:
    """What ffprobe says about a file."""

    duration: float
    has_audio: bool
    has_video: bool
    audio_codec: str
    channels: int


def run(args: list[str], timeout: float = TIMEOUT, cwd: Path | None = None) -> None:
    """Run ffmpeg quietly; MediaError with the tail of its stderr when it fails."""
    cmd = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args]
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False, cwd=cwd)
    except subprocess.TimeoutExpired as exc:
        raise MediaError("ffmpeg took too long") from exc
    if proc.returncode != 0:
        tail = proc.stderr.decode(errors="replace").strip().splitlines()[-3:]
        raise MediaError("ffmpeg failed: " + " | ".join(tail))


def probe(path: Path) -> Probe:
    """Duration and streams of ``path``; MediaError("not an audio file") when ffprobe cannot read it."""
    cmd = ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)]
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=60, check=False)
    except subprocess.TimeoutExpired as exc:
        raise MediaError("the file could not be read in time", code="invalid_audio") from exc
    if proc.returncode != 0:
        raise MediaError("the file is not a readable audio file", code="invalid_audio")
    info = json.loads(proc.stdout or b"{}")
    streams = info.get("streams", [])
    audio = [s for s in streams if s.get("codec_type") == "audio"]
    # cover art inside mp3/m4a shows up as a one-frame "video" stream; it is not a video
    video = [s for s in streams if s.get("codec_type") == "video"
             and not (s.get("disposition") or {}).get("attached_pic")]
    duration = float(info.get("format", {}).get("duration") or (audio[0].get("duration") if audio else 0) or 0)
    return Probe(duration=duration, has_audio=bool(audio), has_video=bool(video),
                 audio_codec=str(audio[0].get("codec_name", "")) if audio else "",
                 channels=int(audio[0].get("channels", 0)) if audio else 0)


def to_wav(src: Path, dest: Path, *, start: float = 0.0, end: float | None = None) -> Path:
    """Decode ``src`` (optionally the [start, end) window) to 44.1 kHz 16-bit PCM WAV."""
    window = ["-ss", f"{start:.3f}"] if start else []
    if end is not None:
        window += ["-to", f"{end:.3f}"]
    run(["-i", str(src), *window, "-vn", "-ar", "44100", "-c:a", "pcm_s16le", str(dest)])
    return dest


def to_mp3(src: Path, dest: Path, bitrate: str = "192k") -> Path:
    """Encode ``src`` to MP3 (bit-exact flags so the same input gives the same bytes)."""
    run(["-i", str(src), "-vn", "-fflags", "+bitexact", "-flags:a", "+bitexact", "-c:a", "libmp3lame",
         "-b:a", bitrate, "-ar", "44100", str(dest)])
    return dest


def read_audio(path: Path) -> tuple[np.ndarray, int]:
    """Samples as float32 (frames, channels) and the sample rate (WAV/FLAC/OGG via soundfile)."""
    data, sr = sf.read(str(path), dtype="float32", always_2d=True)
    return data, int(sr)


def write_wav(path: Path, samples: np.ndarray, sr: int) -> Path:
    """Write float samples as 16-bit WAV."""
    sf.write(str(path), np.clip(samples, -1.0, 1.0), sr, subtype="PCM_16")
    return path
