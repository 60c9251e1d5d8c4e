"""How many sung words a speech recogniser follows: pocketsphinx (its bundled en-US model) line by line.

Used by the engine's test suite and by ``bench/composer.py``. Pocketsphinx is trained on speech, not singing,
so the word error rate is a proxy: lower is clearer, it is not a listener's score.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from scipy.signal import resample_poly

RATE = 16000  # the acoustic model's sample rate
PAD_S = 0.3  # audio kept around each line


def word_error_rate(ref: Sequence[str], hyp: Sequence[str]) -> float:
    """Word error rate: edit distance between the word lists over the reference's length."""
    d = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, d[0] = d.copy(), i
        for j, h in enumerate(hyp, 1):
            d[j] = min(prev[j] + 1, d[j - 1] + 1, prev[j - 1] + (r != h))
    return d[-1] / max(1, len(ref))


def line_wer(audio: np.ndarray, sr: int, lines: Sequence[tuple[Sequence[str], float, float]]) -> float:
    """WER of mono ``audio`` against its sung ``lines`` (words, start s, end s), each line decoded alone."""
    from pocketsphinx import Decoder  # lazily: loading the model takes a while

    if sr != RATE:
        g = int(np.gcd(sr, RATE))
        audio = resample_poly(audio, RATE // g, sr // g)
    pcm = (audio / (np.abs(audio).max() + 1e-9) * 0.8 * 32767).astype(np.int16)
    dec = Decoder(samprate=RATE, loglevel="FATAL")
    ref: list[str] = []
    hyp: list[str] = []
    for words, start, end in lines:
        a, b = int((start - PAD_S) * RATE), int((end + PAD_S) * RATE)
        dec.start_utt()
        dec.process_raw(pcm[max(0, a):b].tobytes(), full_utt=True)
        dec.end_utt()
        ref += list(words)
        hyp += re.findall(r"[a-z']+", dec.hyp().hypstr.lower()) if dec.hyp() else []
    return word_error_rate(ref, hyp)
