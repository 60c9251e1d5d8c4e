"""YIN pitch tracker in numpy (independent of the singer's DIO; used to check vocals and to read uploads)."""

from __future__ import annotations

import numpy as np


def yin(x: np.ndarray, sr: int, fmin: float = 70.0, fmax: float = 800.0, hop_s: float = 0.01,
        threshold: float = 0.15) -> tuple[np.ndarray, np.ndarray]:
    """(f0 in Hz per frame, 0 where unvoiced; frame centre times in s) by the YIN method, vectorised with FFTs."""
    w = int(sr / fmin) * 2
    max_lag = int(sr / fmin) + 1
    min_lag = max(2, int(sr / fmax))
    hop = int(hop_s * sr)
    n = max(0, (len(x) - w - max_lag) // hop + 1)
    if n == 0:
        return np.zeros(0), np.zeros(0)
    idx = np.arange(w + max_lag)[None, :] + hop * np.arange(n)[:, None]
    frames = x[idx].astype(np.float64)
    size = 1 << int(np.ceil(np.log2(2 * (w + max_lag))))
    spec = np.fft.rfft(frames, size)
    head = np.fft.rfft(frames[:, :w], size)
    acf = np.fft.irfft(np.conj(head) * spec, size)[:, :max_lag]  # Σ_j x_j x_{j+τ} over the window
    sq = np.cumsum(np.pad(frames ** 2, ((0, 0), (1, 0))), axis=1)
    e0 = sq[:, w][:, None]
    etau = sq[:, w: w + max_lag] - sq[:, :max_lag]
    d = e0 + etau - 2 * acf
    d[:, 0] = 0
    cum = np.cumsum(d[:, 1:], axis=1) / np.arange(1, max_lag)[None, :]
    cmnd = np.ones_like(d)
    cmnd[:, 1:] = d[:, 1:] / np.maximum(cum, 1e-12)
    cmnd[:, :min_lag] = 2.0
    below = cmnd < threshold
    first = np.where(below.any(axis=1), below.argmax(axis=1), 0)
    # the local minimum just after the threshold crossing: argmin over the next few lags (vectorised walk)
    span = np.minimum(first[:, None] + np.arange(12)[None, :], max_lag - 1)
    vals = np.take_along_axis(cmnd, span, axis=1)
    lag = np.where(first > 0, np.take_along_axis(span, vals.argmin(axis=1)[:, None], axis=1)[:, 0], 0)
    f0 = np.zeros(n)
    ok = lag > 0
    k = lag[ok]
    a, b, c = cmnd[ok, k - 1], cmnd[ok, k], cmnd[ok, np.minimum(k + 1, max_lag - 1)]
    denom = a - 2 * b + c
    shift = np.where(np.abs(denom) > 1e-12, 0.5 * (a - c) / np.where(denom == 0, 1, denom), 0.0)
    f0[ok] = sr / (k + shift)
    energy = np.sqrt(e0[:, 0] / w)
    f0[energy < 1e-3 * max(1e-9, float(energy.max()))] = 0.0
    times = (np.arange(n) * hop + w / 2) / sr
    return f0, times


def note_accuracy(f0: np.ndarray, times: np.ndarray, notes: list[tuple[float, float, int]],
                  tolerance_cents: float = 50.0) -> tuple[float, int]:
    """Share of voiced notes whose median pitch over their middle half is within tolerance; and how many were voiced."""
    hits = voiced = 0
    for start, end, midi in notes:
        a, b = start + 0.25 * (end - start), end - 0.25 * (end - start)
        sel = (times >= a) & (times < b) & (f0 > 0)
        if sel.sum() < 2:
            continue
        voiced += 1
        cents = 1200 * np.log2(np.median(f0[sel]) / (440.0 * 2 ** ((midi - 69) / 12)))
        hits += abs(cents) <= tolerance_cents
    return (hits / voiced if voiced else 0.0), voiced
