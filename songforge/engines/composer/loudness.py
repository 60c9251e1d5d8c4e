"""Loudness (ITU-R BS.1770 K-weighted, gated) and true peak in numpy, and a mastering limiter."""

from __future__ import annotations

import numpy as np
from scipy.ndimage import maximum_filter1d, uniform_filter1d
from scipy.signal import lfilter, resample_poly


def _k_weight(x: np.ndarray, sr: int) -> np.ndarray:
    """BS.1770 pre-filter (high shelf) then RLB high-pass, coefficients computed for any sample rate."""
    f0, g, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = np.tan(np.pi * f0 / sr)
    vh, vb = 10 ** (g / 20), 10 ** (g / 20) ** 0.499666774155
    a0 = 1 + k / q + k * k
    b1 = [(vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0]
    a1 = [1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    f1, q1 = 38.13547087602444, 0.5003270373238773
    k = np.tan(np.pi * f1 / sr)
    a0 = 1 + k / q1 + k * k
    b2 = [1.0, -2.0, 1.0]
    a2 = [1.0, 2 * (k * k - 1) / a0, (1 - k / q1 + k * k) / a0]
    return lfilter(b2, a2, lfilter(b1, a1, x, axis=0), axis=0)


def lufs(x: np.ndarray, sr: int) -> float:
    """Integrated loudness (LUFS) of mono (n,) or stereo (n, 2) audio, with the absolute and relative gates."""
    y = _k_weight(x.reshape(len(x), -1).astype(np.float64), sr)
    block, step = int(0.4 * sr), int(0.1 * sr)
    if len(y) < block:
        return -70.0
    power = uniform_filter1d(y ** 2, block, axis=0, mode="constant")  # centred 400 ms means
    centres = np.arange(block // 2, len(y) - block // 2 + 1, step)
    z = power[centres].sum(axis=1)
    loud = -0.691 + 10 * np.log10(np.maximum(z, 1e-12))
    z = z[loud > -70]
    if z.size == 0:
        return -70.0
    rel = -0.691 + 10 * np.log10(z.mean()) - 10
    z = z[-0.691 + 10 * np.log10(z) > rel]
    return float(-0.691 + 10 * np.log10(z.mean()))


def true_peak_db(x: np.ndarray) -> float:
    """True peak in dBTP: the sample peak after 4x oversampling."""
    up = resample_poly(x.reshape(len(x), -1), 4, 1, axis=0)
    return float(20 * np.log10(max(1e-9, float(np.abs(up).max()))))


def peak_envelope(x: np.ndarray) -> np.ndarray:
    """Per-sample peak of the 4x-oversampled signal (inter-sample peaks included), max over channels."""
    x2 = x.reshape(len(x), -1)
    up = np.abs(resample_poly(x2, 4, 1, axis=0))[: 4 * len(x)]
    return np.asarray(up.reshape(len(x), 4, -1).max(axis=(1, 2)))


def limiter_gain(peak: np.ndarray, ceiling_db: float, sr: int) -> np.ndarray:
    """Look-ahead gain (5 ms attack, smooth) that keeps every peak under the ceiling."""
    need = np.minimum(1.0, 10 ** (ceiling_db / 20) / np.maximum(peak, 1e-9))
    win = int(0.005 * sr)
    held = -maximum_filter1d(-need, 2 * win + 1)  # minimum over ±win, so the average below never overshoots
    return np.asarray(uniform_filter1d(held, win))


def master(x: np.ndarray, sr: int, target_lufs: float = -14.0, ceiling_db: float = -1.5,
           ) -> tuple[np.ndarray, np.ndarray]:
    """Gain to the target loudness, then limit; repeated because limiting lowers the loudness a little.

    Returns the mastered audio and the per-sample gain curve (applied to the stems too, so they still add up)."""
    peak = peak_envelope(x)
    gain_db = target_lufs - lufs(x, sr)
    y, curve = x, np.ones(len(x))
    for _ in range(5):
        g = 10 ** (gain_db / 20)
        curve = g * limiter_gain(peak * g, ceiling_db, sr)
        y = x * (curve[:, None] if x.ndim == 2 else curve)
        err = target_lufs - lufs(y, sr)
        if abs(err) < 0.1:
            break
        gain_db += err
    return y, curve
