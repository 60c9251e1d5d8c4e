"""BS.1770 loudness, true peak and the mastering stage."""

from __future__ import annotations

import numpy as np

from songforge.engines.composer.loudness import lufs, master, true_peak_db

SR = 44100


def test_full_scale_1khz_sine_measures_minus_3_lufs() -> None:
    t = np.arange(SR * 5) / SR
    assert abs(lufs(np.sin(2 * np.pi * 997 * t), SR) + 3.01) < 0.1


def test_master_reaches_minus_14_lufs_under_the_true_peak_ceiling() -> None:
    rng = np.random.default_rng(0)
    t = np.arange(SR * 8) / SR
    x = 0.05 * np.sin(2 * np.pi * 220 * t)[:, None] * np.ones(2) + 0.01 * rng.standard_normal((len(t), 2))
    x[SR: SR + 200] *= 20  # a transient the limiter has to catch
    y, _ = master(x, SR)
    assert abs(lufs(y, SR) + 14) < 0.5 and true_peak_db(y) <= -1.0
