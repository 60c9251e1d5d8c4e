"""The singer's main speech source: festival with the HTS ``slt`` voice, run as a separate process.

Festival says each distinct lyric line once (natural phrasing and coarticulation) and reports every word's
phones with their times, so the singer knows where each syllable sits. Measured with pocketsphinx on the bench
lyrics: 29 % word error on this speech against about 60 % for flite saying one word at a time.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import resample_poly

from songforge.engines.base import EngineError
from songforge.engines.composer.voice import Phone, Speech

VOICE = "cmu_us_slt_arctic_hts"
VOICE_DIRS = (Path("/usr/share/festival/voices/us") / VOICE, Path("/usr/lib/festival/voices/us") / VOICE)
SR = 16000  # the singer works at this rate (the voice itself is 32 kHz)
TIMEOUT_S = 120

# Prints, per utterance, "U k", then "W word" and "phone start end" for every phone of every word.
_DUMP = """(define (sf-dump u k)
 (format t "U %d\\n" k)
 (mapcar (lambda (w) (format t "W %s\\n" (item.name w))
   (mapcar (lambda (syl) (mapcar (lambda (seg) (format t "P %s %f %f\\n" (item.name seg)
                                                      (item.feat seg "segment_start") (item.feat seg "end")))
                                 (item.daughters syl)))
           (item.daughters (item.relation w 'SylStructure))))
  (utt.relation.items u 'Word)))
"""


@lru_cache(maxsize=1)
def available() -> bool:
    """Whether festival and the HTS voice are installed (Debian: festival, festvox-us-slt-hts)."""
    return shutil.which("festival") is not None and any(d.is_dir() for d in VOICE_DIRS)


def _run(texts: list[str], tmp: Path) -> list[tuple[list[list[Phone]], np.ndarray]]:
    """Say each text as one utterance: its words' phones (seconds from the utterance start) and audio at SR."""
    script = [f"({'voice_' + VOICE})\n", _DUMP]
    for k, text in enumerate(texts):
        script.append(f'(set! u (SynthText "{text}"))\n(sf-dump u {k})\n(utt.save.wave u "{tmp / f"{k}.wav"}" \'riff)\n')
    (tmp / "say.scm").write_text("".join(script), encoding="utf-8")
    try:
        proc = subprocess.run(["festival", "-b", str(tmp / "say.scm")], capture_output=True, text=True,
                              timeout=TIMEOUT_S, check=True)
    except FileNotFoundError as exc:
        raise EngineError("festival is not installed (apt-get install festival festvox-us-slt-hts)",
                          code="engine_unavailable") from exc
    except (subprocess.SubprocessError, OSError) as exc:
        raise EngineError(f"festival failed: {exc}", retryable=True) from exc
    words: list[list[list[Phone]]] = []
    for line in proc.stdout.splitlines():
        parts = line.split()
        if parts[:1] == ["U"]:
            words.append([])
        elif parts[:1] == ["W"] and words:
            words[-1].append([])
        elif parts[:1] == ["P"] and len(parts) == 4 and words and words[-1]:
            words[-1][-1].append(Phone(parts[1], float(parts[2]), float(parts[3])))
    if len(words) != len(texts):
        raise EngineError(f"festival said {len(words)} of {len(texts)} lines", retryable=True)
    out = []
    for k, ws in enumerate(words):
        audio, sr = sf.read(str(tmp / f"{k}.wav"), dtype="float64")
        if sr != SR:
            g = int(np.gcd(int(sr), SR))
            audio = resample_poly(audio, SR // g, int(sr) // g)
        out.append((ws, np.asarray(audio)))
    return out


def speak_lines(words: list[str], word_line: list[int]) -> Speech:
    """Speech for every word; each distinct line is said once and repeated lines share its audio."""
    lines: dict[int, list[int]] = {}
    for i, line in enumerate(word_line):
        lines.setdefault(line, []).append(i)
    texts = list(dict.fromkeys(" ".join(words[i] for i in idx) for idx in lines.values()))
    with tempfile.TemporaryDirectory(prefix="songforge-festival-") as tmp:
        said = dict(zip(texts, _run([t + "." for t in texts], Path(tmp)), strict=True))
        # Festival may read a word as two ("rock'n'roll"): such lines are said again one word at a time.
        odd = [t for t in texts if len(said[t][0]) != len(t.split())]
        singles = list(dict.fromkeys(w for t in odd for w in t.split()))
        alone = dict(zip(singles, _run([w + "." for w in singles], Path(tmp)), strict=True)) if singles else {}
    chunks: list[np.ndarray] = []
    placed: dict[str, float] = {}  # recording → where its audio starts in the concatenated speech
    offset = 0.0

    def place(key: str, phones: list[list[Phone]], audio: np.ndarray) -> list[list[Phone]]:
        """The recording's words with times in the concatenated speech (each recording is added once)."""
        nonlocal offset
        if key not in placed:
            placed[key] = offset
            chunks.append(audio)
            offset += len(audio) / SR
        at = placed[key]
        return [[Phone(p.name, p.start + at, p.end + at) for p in w] for w in phones]

    per_word: list[list[Phone]] = [[] for _ in words]
    for idx in lines.values():
        text = " ".join(words[i] for i in idx)
        if text in odd:  # every word alone; a word festival split in two keeps all its phones
            groups = [[p for w in place("W:" + words[i], *alone[words[i]]) for p in w] for i in idx]
        else:
            groups = place("L:" + text, *said[text])
        for i, g in zip(idx, groups, strict=True):
            per_word[i] = g
    for i, g in enumerate(per_word):
        if not g:  # festival said nothing for it (punctuation-only): a short neutral vowel, never a crash
            per_word[i] = [Phone("ah", 0.0, 0.1)]
    audio = np.concatenate(chunks) if chunks else np.zeros(SR // 10)
    return Speech(audio, SR, per_word)
