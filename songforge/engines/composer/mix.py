"""Mixing: stem levels, a vocal compressor, a convolution reverb, and the master bus."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.ndimage import uniform_filter1d
from scipy.signal import butter, oaconvolve, resample_poly, sosfilt

from songforge.engines.composer.loudness import lufs, master

SR = 44100
LEVELS = {"Drums": 0.9, "Bass": 0.85, "Chords": 0.75, "Pad": 0.55, "Lead": 0.6}
VOCAL_OVER_BAND_DB = 3.0  # vocals sit this much louder than the band: words first
REVERB_SEND = {"band": 0.10, "vocal": 0.16}


@lru_cache(maxsize=1)
def reverb_ir(seconds: float = 1.4) -> np.ndarray:
    """A stereo room impulse response: decaying filtered noise from a fixed seed (deterministic)."""
    rng = np.random.default_rng(20240601)
    n = int(seconds * SR)
    t = np.arange(n) / SR
    noise = rng.standard_normal((n, 2)) * np.exp(-6.9 * t / seconds)[:, None]
    noise = sosfilt(butter(2, 6000, fs=SR, output="sos"), noise, axis=0)
    noise[: int(0.012 * SR)] = 0.0  # pre-delay keeps the dry attack clear
    return np.asarray(noise / np.sqrt((noise ** 2).sum(axis=0)))


def reverb(x: np.ndarray, send: float) -> np.ndarray:
    """x plus a reverberated copy (mono sum in, stereo out; one float32 convolution, the right side delayed)."""
    mono = (x.mean(axis=1) if x.ndim == 2 else x).astype(np.float32)
    left = oaconvolve(mono, reverb_ir()[:, 0].astype(np.float32))[: len(mono)]
    d = int(0.013 * SR)  # a small offset decorrelates the sides enough for width
    right = np.concatenate([np.zeros(d, np.float32), left[:-d]])
    wet = np.stack([left, 0.9 * right + 0.1 * left], axis=1)
    dry = x if x.ndim == 2 else np.stack([x, x], axis=1)
    return dry + send * wet


def compress(x: np.ndarray, threshold_db: float = -20.0, ratio: float = 3.0) -> np.ndarray:
    """A smooth RMS compressor (20 ms detector) for the vocal."""
    env = np.sqrt(uniform_filter1d(x ** 2, int(0.02 * SR)) + 1e-12)
    thr = 10 ** (threshold_db / 20) * float(np.abs(x).max() or 1.0)
    gain = np.minimum(1.0, (env / thr) ** (1.0 / ratio - 1.0))
    return x * uniform_filter1d(gain, int(0.01 * SR))


def vocal_to_mix_rate(v: np.ndarray, sr: int) -> np.ndarray:
    """Resample the singer's output (16 kHz) to the mix rate."""
    return resample_poly(v, SR // 100, sr // 100) if sr != SR else v


def mix(stems: dict[str, np.ndarray], vocal: np.ndarray | None, frames: int, target_lufs: float = -14.0,
        ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, dict[str, np.ndarray]]:
    """(master, instrumental stem, vocal stem, per-instrument stems), all mastered with one gain curve."""
    band_parts = {k: LEVELS.get(k, 0.7) * v[:frames] for k, v in stems.items()}
    dry = sum(band_parts.values()) if band_parts else np.zeros((frames, 2))
    band = reverb(np.asarray(dry), REVERB_SEND["band"])
    voc = None
    if vocal is not None and np.abs(vocal).max() > 0:
        v = compress(np.pad(vocal, (0, max(0, frames - len(vocal))))[:frames])
        band_l = lufs(band, SR) if np.abs(band).max() > 0 else -30.0
        v_l = lufs(v, SR)
        v = v * 10 ** ((band_l + VOCAL_OVER_BAND_DB - v_l) / 20)
        voc = reverb(v, REVERB_SEND["vocal"])
    total = band + voc if voc is not None else band
    final, curve = master(total, SR, target_lufs)
    c = curve[:, None]
    parts = {k: p * c for k, p in band_parts.items()}  # dry; the band reverb lives in the instrumental stem
    return final, band * c, (voc * c if voc is not None else None), parts
