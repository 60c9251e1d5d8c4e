"""Loudness (ITU-R BS.1770 K-weighted, gated) and true peak in numpy, and a mastering limiter."""

from __future__ import annotations

import numpy as np
from scipy.ndimage import maximum_filter1d, uniform_filter1d
from scipy.signal import firwin, lfilter, upfirdn


def k_weight(x: np.ndarray, sr: int) -> np.ndarray:
    """BS.1770 pre-filter (high shelf) then RLB high-pass, coefficients computed for any sample rate."""
    f0, g, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = np.tan(np.pi * f0 / sr)
    vh = 10 ** (g / 20)
    vb = vh ** 0.4996667741545416
    a0 = 1 + k / q + k * k
    b1 = [(vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0]
    a1 = [1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    f1, q1 = 38.13547087602444, 0.5003270373238773
    k = np.tan(np.pi * f1 / sr)
    a0 = 1 + k / q1 + k * k
    b2 = [1.0, -2.0, 1.0]
    a2 = [1.0, 2 * (k * k - 1) / a0, (1 - k / q1 + k * k) / a0]
    x = x.reshape(len(x), -1).astype(np.float32, copy=False)  # float32 halves the cost; 0.01 dB is far below what matters
    f = np.float32
    return np.asarray(lfilter(np.asarray(b2, f), np.asarray(a2, f),
                              lfilter(np.asarray(b1, f), np.asarray(a1, f), x, axis=0), axis=0))


def block_powers(kx: np.ndarray, sr: int) -> np.ndarray:
    """Mean square of a K-weighted signal per 100 ms block, channels summed (the BS.1770 building block)."""
    step = int(0.1 * sr)
    n = len(kx) // step
    r = kx[: n * step].reshape(n, step, -1)
    return np.asarray((r * r).sum(axis=(1, 2), dtype=np.float64) / step)


def gated_loudness(sub: np.ndarray) -> float:
    """Integrated loudness from 100 ms block powers: 400 ms windows, absolute and relative gates."""
    if len(sub) < 4:
        return -70.0
    z = (sub[:-3] + sub[1:-2] + sub[2:-1] + sub[3:]) / 4
    loud = -0.691 + 10 * np.log10(np.maximum(z, 1e-12))
    z = z[loud > -70]
    if z.size == 0:
        return -70.0
    rel = -0.691 + 10 * np.log10(z.mean()) - 10
    z = z[-0.691 + 10 * np.log10(z) > rel]
    return float(-0.691 + 10 * np.log10(z.mean()))


def weighted_loudness(kx: np.ndarray, sr: int) -> float:
    """Integrated loudness of an already K-weighted signal."""
    return gated_loudness(block_powers(kx, sr))


def lufs(x: np.ndarray, sr: int) -> float:
    """Integrated loudness (LUFS) of mono (n,) or stereo (n, 2) audio (ITU-R BS.1770-4)."""
    return weighted_loudness(k_weight(x, sr), sr)


_OVERSAMPLE = firwin(49, 0.25, window=("kaiser", 8.0)) * 4  # 4x Nyquist interpolator: phase 0 is x itself


def oversample4(x: np.ndarray) -> np.ndarray:
    """4x oversampled copy (n*4, channels) for inter-sample peak detection."""
    up = upfirdn(_OVERSAMPLE, x.reshape(len(x), -1).astype(np.float32), up=4, axis=0)
    return np.asarray(up[24: 24 + 4 * len(x)])


def true_peak_db(x: np.ndarray) -> float:
    """True peak in dBTP: the sample peak after 4x oversampling."""
    up = oversample4(x)
    return float(20 * np.log10(max(1e-9, float(np.abs(up).max()))))


def peak_envelope(x: np.ndarray, floor: float = 0.0) -> np.ndarray:
    """Per-sample peak incl. inter-sample peaks (4x), computed exactly only where the sample peak >= floor."""
    x2 = x.reshape(len(x), -1)
    peak = np.abs(x2).max(axis=1)
    idx = np.flatnonzero(peak >= floor)
    idx = idx[(idx >= 12) & (idx < len(x) - 12)]
    if idx.size == 0:
        return np.asarray(peak)
    phases = np.stack([_OVERSAMPLE[p::4][:12][::-1] for p in (1, 2, 3)])  # points 1/4, 2/4, 3/4 past x[n]
    for c in range(x2.shape[1]):
        view = np.lib.stride_tricks.sliding_window_view(x2[:, c], 12)
        for a in range(0, idx.size, 1 << 18):  # in slices: the gathered windows would be 12x the audio
            part = idx[a: a + (1 << 18)]
            peak[part] = np.maximum(peak[part], np.abs(view[part - 5] @ phases.T).max(axis=1))  # x[n-5..n+6]
    return np.asarray(peak)


def limiter_gain(peak: np.ndarray, ceiling_db: float, sr: int) -> np.ndarray:
    """Look-ahead gain (5 ms attack, smooth) that keeps every peak under the ceiling."""
    need = np.minimum(1.0, 10 ** (ceiling_db / 20) / np.maximum(peak, 1e-9))
    win = int(0.005 * sr)
    held = -maximum_filter1d(-need, 2 * win + 1)  # minimum over ±win, so the average below never overshoots
    return np.asarray(uniform_filter1d(held, win))


def master(x: np.ndarray, sr: int, target_lufs: float = -14.0, ceiling_db: float = -1.5,
           kx: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Gain to the target loudness, then limit; repeated because limiting lowers the loudness a little.

    Returns the mastered audio and the per-sample gain curve (applied to the stems too, so they still add up).
    ``kx``: x already K-weighted, if the caller has it; the slow-moving gain is applied to it instead of
    filtering again."""
    kx = k_weight(x, sr) if kx is None else kx
    gain_db = target_lufs - weighted_loudness(kx, sr)
    peak = peak_envelope(x, 0.5 * 10 ** ((ceiling_db - gain_db - 3.0) / 20))  # only samples the limiter may touch
    y, curve = x, np.ones(len(x))
    for _ in range(3):  # the limiter only trims peaks, so this converges in one or two rounds
        g = 10 ** (gain_db / 20)
        curve = g * limiter_gain(peak * g, ceiling_db, sr)
        c = curve.astype(np.float32)
        err = target_lufs - weighted_loudness(kx * (c[:, None] if kx.ndim == 2 else c), sr)
        if abs(err) < 0.15:
            break
        gain_db += err
    y = x * (curve[:, None] if x.ndim == 2 else curve).astype(x.dtype)
    return y, curve
