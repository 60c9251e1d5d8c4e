"""Low-quality classical source separation for audio we did not make (uploads): no model weights needed.

Stereo input with a real stereo image: vocals are taken as the centre-panned, mid-band time-frequency bins
(inter-channel coherence mask). Mono or near-mono input: vocals are the harmonic (median-filter HPSS),
mid-band part. Either way Instrumental = mix - Vocals, so the two stems always sum back to the mix.
Drums are the percussive part of the instrumental, Bass its harmonic part below 180 Hz.
Our own engines' clips never come here: their stems are exact by construction.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy.ndimage import median_filter
from scipy.signal import istft, stft

from songforge.media import ffmpeg

NPERSEG = 2048
BLOCK_SECONDS = 20.0  # STFT in blocks so an 8-minute upload stays within a few hundred MB
VOCAL_BAND = (150.0, 8000.0)
BASS_CUTOFF = 180.0


def _band(freqs: np.ndarray, lo: float, hi: float) -> np.ndarray:
    return ((freqs >= lo) & (freqs <= hi)).astype(np.float32)[:, None]


def _hpss_masks(mag: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    harm = median_filter(mag, size=(1, 17))
    perc = median_filter(mag, size=(17, 1))
    total = harm**2 + perc**2 + 1e-12
    return harm**2 / total, perc**2 / total


def _stft(x: np.ndarray, sr: int) -> np.ndarray:
    return np.asarray(stft(x, fs=sr, nperseg=NPERSEG)[2])  # (freq, time)


def _freqs(sr: int) -> np.ndarray:
    return np.fft.rfftfreq(NPERSEG, 1.0 / sr)


def _istft(spec: np.ndarray, sr: int, length: int) -> np.ndarray:
    _, x = istft(spec, fs=sr, nperseg=NPERSEG, time_axis=1, freq_axis=0)
    return np.asarray(x[:length], dtype=np.float32)


def _vocal_mask(block: np.ndarray, sr: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """A (freq, time) mask of the vocal estimate and the per-channel spectra."""
    specs = [_stft(block[:, c], sr) for c in range(block.shape[1])]
    band = _band(_freqs(sr), *VOCAL_BAND)
    if len(specs) == 2:
        left, right = specs
        side = np.sum(np.abs(left - right) ** 2)
        mid = np.sum(np.abs(left + right) ** 2) + 1e-12
        if side / mid > 1e-3:  # a real stereo image: centre-panned bins are the vocal
            coherence = 2 * np.abs(left * np.conj(right)) / (np.abs(left) ** 2 + np.abs(right) ** 2 + 1e-12)
            return band * coherence**8, specs
    mono = np.mean(np.abs(np.stack(specs)), axis=0)
    harmonic, _ = _hpss_masks(mono)
    return band * harmonic, specs


def _split_block(block: np.ndarray, sr: int, detail: bool) -> dict[str, np.ndarray]:
    n = block.shape[0]
    mask, specs = _vocal_mask(block, sr)
    vocals = np.stack([_istft(mask * s, sr, n) for s in specs], axis=1)
    inst = block - vocals
    out = {"Vocals": vocals, "Instrumental": inst}
    if detail:  # split_stem: drums and bass out of the instrumental
        ispecs = [_stft(inst[:, c], sr) for c in range(inst.shape[1])]
        harmonic, percussive = _hpss_masks(np.mean(np.abs(np.stack(ispecs)), axis=0))
        low = _band(_freqs(sr), 0.0, BASS_CUTOFF) * harmonic
        out["Drums"] = np.stack([_istft(percussive * s, sr, n) for s in ispecs], axis=1)
        out["Bass"] = np.stack([_istft(low * s, sr, n) for s in ispecs], axis=1)
    return out


def estimate(mix: Path, work: Path, names: tuple[str, ...] = ("Vocals", "Instrumental")) -> dict[str, Path]:
    """Estimated stems of ``mix`` (any format ffmpeg reads) as WAV files in ``work``."""
    wav = ffmpeg.to_wav(mix, work / "separate-input.wav")
    samples, sr = ffmpeg.read_audio(wav)
    if len(samples) < NPERSEG:
        raise ffmpeg.MediaError("the audio is too short to separate", code="invalid_audio")
    step = int(BLOCK_SECONDS * sr)
    parts: dict[str, list[np.ndarray]] = {name: [] for name in names}
    for start in range(0, len(samples), step):
        block = samples[start:start + step]
        if len(block) < NPERSEG:  # a tail too short for one frame stays with the instrumental
            for name in names:
                parts[name].append(block if name == "Instrumental" else np.zeros_like(block))
            continue
        split = _split_block(block, sr, detail=len(names) > 2)
        for name in names:
            parts[name].append(split[name])
    return {name: ffmpeg.write_wav(work / f"est-{name}.wav", np.concatenate(parts[name]), sr) for name in names}


def vocal_ratio(mix: Path, work: Path, seconds: float = 30.0) -> float:
    """Energy share of the vocal estimate in the first ``seconds`` (a rough has-vocal signal)."""
    wav = ffmpeg.to_wav(mix, work / "ratio-input.wav", end=seconds)
    samples, sr = ffmpeg.read_audio(wav)
    if len(samples) < NPERSEG:
        return 0.0
    vocals = _split_block(samples, sr, detail=False)["Vocals"]
    return float(np.sum(vocals**2) / (np.sum(samples**2) + 1e-12))
