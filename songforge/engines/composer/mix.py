"""Mixing: stem levels, a vocal compressor, a convolution reverb, and the master bus (float32 throughout)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.ndimage import uniform_filter1d
from scipy.signal import butter, oaconvolve, resample_poly, sosfilt

from songforge.engines.composer.loudness import k_weight, master, weighted_loudness

SR = 44100
LEVELS = {"Drums": 0.9, "Bass": 0.85, "Chords": 0.75, "Pad": 0.55, "Lead": 0.6, "Source": 1.0}
VOCAL_OVER_BAND_DB = 3.0  # vocals sit this much louder than the band: words first
REVERB_SEND = {"band": 0.10, "vocal": 0.12}  # a drier vocal keeps the words clear
VOCAL_REVERB_HIGHPASS_HZ = 400.0  # pocketsphinx WER on the stem: 54 → 51 % (male), 41 → 40 % (female)
F32 = np.float32


@lru_cache(maxsize=1)
def reverb_ir(seconds: float = 1.3) -> np.ndarray:
    """A room impulse response at half rate: decaying filtered noise from a fixed seed (deterministic)."""
    rate = SR // 2
    rng = np.random.default_rng(20240601)
    n = int(seconds * rate)
    t = np.arange(n) / rate
    noise = rng.standard_normal(n) * np.exp(-6.9 * t / seconds)
    noise = sosfilt(butter(2, 6000, fs=rate, output="sos"), noise)
    noise[: int(0.012 * rate)] = 0.0  # pre-delay keeps the dry attack clear
    return np.asarray(noise / np.sqrt((noise ** 2).sum()), dtype=F32)


def reverb(x: np.ndarray, send: float, highpass_hz: float = 0.0) -> np.ndarray:
    """x (mono or stereo) plus a stereo reverb; the wet path runs at half rate since the IR stops at 6 kHz.
    ``highpass_hz`` filters what is sent to the reverb (low-end reverb muddies a voice)."""
    mono = (x.mean(axis=1, dtype=F32) if x.ndim == 2 else x).astype(F32, copy=False)
    if highpass_hz > 0:
        mono = sosfilt(butter(2, highpass_hz, "highpass", fs=SR, output="sos"), mono).astype(F32)
    n = len(mono) // 2 * 2
    half = 0.5 * (mono[0:n:2] + mono[1:n:2])  # the IR's own low-pass hides the crude decimation
    wet_half = oaconvolve(half, reverb_ir())[: len(half)].astype(F32)
    wet = np.empty(len(mono), dtype=F32)
    wet[0:n:2] = wet_half
    wet[1:n:2] = 0.5 * (wet_half + np.concatenate([wet_half[1:], wet_half[-1:]]))
    if n < len(mono):
        wet[-1] = wet_half[-1]
    d = int(0.013 * SR)  # a small offset decorrelates the sides enough for width
    right = np.concatenate([np.zeros(d, F32), wet[:-d]])
    dry = x.astype(F32, copy=True) if x.ndim == 2 else np.stack([x, x], axis=1).astype(F32)
    dry[:, 0] += send * wet
    dry[:, 1] += send * (0.9 * right + 0.1 * wet)
    return dry


def compress(x: np.ndarray, threshold_db: float = -20.0, ratio: float = 3.0) -> np.ndarray:
    """A smooth RMS compressor (20 ms detector) for the vocal."""
    x = x.astype(F32)
    env = np.sqrt(uniform_filter1d(x * x, int(0.02 * SR)) + 1e-12)
    thr = 10 ** (threshold_db / 20) * float(np.abs(x).max() or 1.0)
    gain = np.minimum(1.0, (env / thr) ** (1.0 / ratio - 1.0))
    return np.asarray(x * uniform_filter1d(gain, int(0.01 * SR)), dtype=F32)


def vocal_to_mix_rate(v: np.ndarray, sr: int) -> np.ndarray:
    """Resample the singer's output (16 kHz) to the mix rate."""
    return np.asarray(resample_poly(v.astype(F32), SR // 100, sr // 100) if sr != SR else v, dtype=F32)


def mix(stems: dict[str, np.ndarray], vocal: np.ndarray | None, frames: int, target_lufs: float = -14.0,
        ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, dict[str, np.ndarray]]:
    """(master, instrumental stem, vocal stem, per-instrument stems), all mastered with one gain curve."""
    band_parts = {k: (F32(LEVELS.get(k, 0.7)) * v[:frames]).astype(F32, copy=False) for k, v in stems.items()}
    dry = np.zeros((frames, 2), F32)
    for part in band_parts.values():
        dry[: len(part)] += part
    band = reverb(dry, REVERB_SEND["band"])
    kb = k_weight(band, SR)  # K-weighting is linear: weight band and vocal once, combine the results
    total, ktotal, voc = band, kb, None
    if vocal is not None and np.abs(vocal).max() > 0:
        v = compress(np.pad(vocal, (0, max(0, frames - len(vocal))))[:frames])
        voc = reverb(v, REVERB_SEND["vocal"], VOCAL_REVERB_HIGHPASS_HZ)
        kv = k_weight(voc, SR)
        band_l = weighted_loudness(kb, SR) if np.abs(band).max() > 0 else -30.0
        g = F32(10 ** ((band_l + VOCAL_OVER_BAND_DB - weighted_loudness(kv, SR)) / 20))
        voc *= g
        total, ktotal = band + voc, kb + g * kv
    final, curve = master(total, SR, target_lufs, kx=ktotal)
    c = curve.astype(F32)[:, None]
    # Stems get the typical master gain (the limiter only touches rare peaks); dry, the band reverb lives in
    # the instrumental stem. In-place: these arrays are the biggest in the worker.
    g = F32(np.median(curve))
    parts = {k: np.multiply(p, g, out=p) for k, p in band_parts.items()}
    return final, band * c, (voc * c if voc is not None else None), parts
