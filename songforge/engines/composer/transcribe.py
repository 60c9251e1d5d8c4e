"""Notes heard in foreign audio, by basic-pitch's ONNX model (the file ships in the ``basic-pitch`` wheel).

The ``basic-pitch`` package is installed without its dependencies (they pull in TensorFlow) and never
imported: this module only reads its ONNX file and runs it with onnxruntime. The model takes 2-s windows of
22,050 Hz mono audio and gives, per 11.6 ms frame and piano key, the likelihood that a note sounds ("note")
and that one starts ("onset"). The melody is then read from those as the strongest key in a singing range.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

SR = 22050  # the model's sample rate
HOP = 256  # samples per output frame (86 frames/s)
WINDOW = 2 * SR - HOP  # samples per model input
OVERLAP_FRAMES = 30  # frames shared by neighbouring windows; half is dropped at each side
LOWEST_KEY = 21  # MIDI number of the model's first key (A0)
MELODY_RANGE = (48, 79)  # C3-G5: on our mixes 69 % of sung frames right, against 59 % for A2-C6 (piano, bass)
NOTE_MIN = 0.3  # frames below this "note" likelihood are silence
MIN_NOTE_S = 0.1


@lru_cache(maxsize=1)
def model_path() -> Path | None:
    """Where the installed basic-pitch wheel keeps ``nmp.onnx`` (found without importing the package)."""
    spec = importlib.util.find_spec("basic_pitch")
    if spec is None or not spec.submodule_search_locations:
        return None
    for root in spec.submodule_search_locations:
        path = Path(root) / "saved_models" / "icassp_2022" / "nmp.onnx"
        if path.is_file():
            return path
    return None


@lru_cache(maxsize=1)
def available() -> bool:
    """Whether the model file and onnxruntime are both installed."""
    return model_path() is not None and importlib.util.find_spec("onnxruntime") is not None


@lru_cache(maxsize=1)
def _session() -> Any:
    import onnxruntime  # lazily: only upload analysis needs it

    opts = onnxruntime.SessionOptions()
    opts.intra_op_num_threads = 1  # one core per clip worker; the pool already runs clips in parallel
    opts.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(str(model_path()), sess_options=opts, providers=["CPUExecutionProvider"])


def posteriors(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(note, onset) likelihoods, each (frames, 88), for mono audio at SR, and each frame's time in seconds.

    Windows overlap by OVERLAP_FRAMES; half of the overlap is dropped at each side, so the kept frames of a
    window cover ``hop`` samples with one frame more than ``hop / HOP``: times come from each frame's window
    and place in it, not from a fixed frame rate (which drifts ~10 ms per window)."""
    overlap = OVERLAP_FRAMES * HOP
    hop = WINDOW - overlap
    padded = np.concatenate([np.zeros(overlap // 2, np.float32), x.astype(np.float32)])
    starts = range(0, len(padded), hop)
    windows = np.zeros((len(starts), WINDOW, 1), np.float32)
    for i, s in enumerate(starts):
        chunk = padded[s: s + WINDOW]
        windows[i, : len(chunk), 0] = chunk
    sess = _session()
    name = sess.get_inputs()[0].name
    outs: dict[str, list[np.ndarray]] = {"note": [], "onset": []}
    for i in range(0, len(windows), 8):  # a few windows per call keeps memory flat on long uploads
        note, onset = sess.run(["StatefulPartitionedCall:1", "StatefulPartitionedCall:2"], {name: windows[i: i + 8]})
        outs["note"].append(note)
        outs["onset"].append(onset)
    half = OVERLAP_FRAMES // 2

    def unwrap(parts: list[np.ndarray]) -> np.ndarray:
        arr = np.concatenate(parts)[:, half:-half, :]
        return np.asarray(arr.reshape(-1, arr.shape[2]))

    note, onset = unwrap(outs["note"]), unwrap(outs["onset"])
    kept = note.shape[0] // len(starts)
    frame = np.arange(note.shape[0])
    times = ((frame // kept) * hop + (frame % kept + half) * HOP - overlap // 2) / SR
    keep = times < len(x) / SR
    return note[keep], onset[keep], times[keep]


def melody(x: np.ndarray) -> list[tuple[float, float, int]]:
    """(start s, end s, MIDI) notes of the dominant line in the singing range of mono audio at SR.

    Per frame the most likely key in MELODY_RANGE sounds if its likelihood passes NOTE_MIN; runs of one key
    form a note, split where the onset likelihood peaks again; notes shorter than MIN_NOTE_S are dropped.
    """
    note, onset, times = posteriors(x)
    lo, hi = MELODY_RANGE[0] - LOWEST_KEY, MELODY_RANGE[1] - LOWEST_KEY + 1
    band = note[:, lo:hi]
    best = band.argmax(axis=1)
    strength = band[np.arange(len(band)), best]
    key = np.where(strength >= NOTE_MIN, best + MELODY_RANGE[0], 0)
    step = HOP / SR
    hit = onset[np.arange(len(onset)), np.clip(key - LOWEST_KEY, 0, onset.shape[1] - 1)]
    out: list[tuple[float, float, int]] = []
    start = 0
    for i in range(1, len(key) + 1):
        new_onset = i < len(key) and key[i] == key[i - 1] and hit[i] > 0.5 >= hit[i - 1]
        if i == len(key) or key[i] != key[i - 1] or new_onset:
            end = float(times[i - 1]) + step
            if key[start] and end - float(times[start]) >= MIN_NOTE_S:
                out.append((float(times[start]), end, int(key[start])))
            start = i
    return out
