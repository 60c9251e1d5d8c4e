"""Source audio kept in an edited clip: placed as a "Source" stem next to (or around) the new material."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import soundfile as sf
from scipy.signal import resample_poly

FADE_S = 0.08  # crossfade where new material meets kept source audio


@dataclass(frozen=True)
class Splice:
    """Put ``path``'s audio [src_start, src_end) at ``dst_start`` in the output; new material is shifted by
    ``new_offset`` and, if ``new_window`` is set, only kept inside that window (seconds, output time)."""

    path: str
    src_start: float = 0.0
    src_end: float | None = None
    dst_start: float = 0.0
    new_offset: float = 0.0
    new_window: tuple[float, float] | None = None


def load(path: str, sr: int) -> np.ndarray:
    """Read any audio soundfile/ffmpeg can read as stereo float at ``sr``."""
    try:
        x, rate = sf.read(path, dtype="float64", always_2d=True)
    except Exception:  # noqa: BLE001 - mp3 etc.: let ffmpeg decode
        from songforge.engines.composer.decode import decode

        x, rate = decode(path, sr), sr
    if x.shape[1] == 1:
        x = np.repeat(x, 2, axis=1)
    x = x[:, :2]
    if rate != sr:
        x = resample_poly(x, sr, rate, axis=0)
    return np.asarray(x)


def _fade_mask(n: int, window: tuple[float, float], sr: int) -> np.ndarray:
    a, b = int(window[0] * sr), int(window[1] * sr)
    f = int(FADE_S * sr)
    t = np.arange(n)
    rise = np.clip((t - a + f) / f, 0, 1)
    fall = np.clip((b - t) / f, 0, 1)
    return np.asarray(np.minimum(rise, fall))


def apply_splices(splices: tuple[Splice, ...], stems: dict[str, np.ndarray], vocal: np.ndarray | None,
                  frames: int, sr: int) -> tuple[dict[str, np.ndarray], np.ndarray | None, int]:
    """New stems/vocal shifted and windowed as asked, plus the kept source audio as a "Source" stem."""
    if not splices:
        return stems, vocal, frames
    sp = splices[0]
    shift = int(sp.new_offset * sr)
    srcs = [(s, load(s.path, sr)) for s in splices]
    ends = [int(s.dst_start * sr) + len(a[int(s.src_start * sr): None if s.src_end is None else int(s.src_end * sr)])
            for s, a in srcs]
    total = max([frames + shift, *ends])

    def place(x: np.ndarray) -> np.ndarray:
        out = np.zeros((total,) + x.shape[1:])
        out[shift: shift + len(x)] = x[: total - shift]
        if sp.new_window is not None:
            m = _fade_mask(total, sp.new_window, sr)
            out *= m[:, None] if out.ndim == 2 else m
        return out

    new_stems = {k: place(v) for k, v in stems.items()}
    new_vocal = place(vocal) if vocal is not None else None
    source = np.zeros((total, 2))
    for s, audio in srcs:
        seg = audio[int(s.src_start * sr): None if s.src_end is None else int(s.src_end * sr)]
        a = int(s.dst_start * sr)
        seg = seg[: total - a].copy()
        if sp.new_window is not None:
            keep = 1.0 - _fade_mask(total, sp.new_window, sr)[a: a + len(seg)]
            seg *= keep[:, None]
        elif s.src_end is not None and sp.new_offset > 0:  # fade the kept prefix out into the new part
            f = min(len(seg), int(FADE_S * sr))
            seg[len(seg) - f:] *= np.linspace(1, 0, f)[:, None]
        source[a: a + len(seg)] += seg
    new_stems["Source"] = source
    return new_stems, new_vocal, total
