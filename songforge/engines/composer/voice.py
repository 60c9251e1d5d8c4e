"""Speech source for the singer: flite (BSD) speaks each word; its phone timings split words and syllables."""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import soundfile as sf

from songforge.engines.base import EngineError
from songforge.engines.composer.pronounce import syllable_spans

VOWELS = frozenset("aa ae ah ao aw ax axr ay eh er ey ih ix iy ow oy uh uw".split())
VOICES = {"f": "slt", "m": "rms"}
# Reduced vowels ("to" → "t ax") vanish when held; sing the full vowel as a singer would.
RESPELL = {"the": "thuh", "to": "too", "a": "uh", "of": "ov", "and": "and", "you": "yoo", "your": "yore"}
TIMEOUT_S = 60
# The female HTS voice an octave down with formants 15 % lower: pocketsphinx WER on the sung bench lyrics
# 27 % (dry), against 33 % without the formant shift and 44 % for flite's male voice word by word.
MALE_FORMANT = 0.85


@dataclass(frozen=True)
class Phone:
    """One phone of the spoken source: ARPAbet name and its span in seconds."""

    name: str
    start: float
    end: float


@dataclass(frozen=True)
class Speech:
    """The spoken words (16 kHz mono) and each word's phones."""

    audio: np.ndarray
    sr: int
    words: list[list[Phone]]
    formant: float = 1.0  # the singer scales the voice's formants by this (below 1: a lower, male timbre)


def _run_flite(text: str, voice: str, workdir: Path) -> tuple[np.ndarray, int, list[Phone]]:
    txt, wav = workdir / "speech.txt", workdir / "speech.wav"
    txt.write_text(text, encoding="utf-8")
    try:
        proc = subprocess.run(["flite", "-voice", voice, "-psdur", "-f", str(txt), "-o", str(wav)],
                              capture_output=True, text=True, timeout=TIMEOUT_S, check=True)
    except FileNotFoundError as exc:
        raise EngineError("flite is not installed (apt-get install flite)", code="engine_unavailable") from exc
    except (subprocess.SubprocessError, OSError) as exc:
        raise EngineError(f"flite failed: {exc}", retryable=True) from exc
    audio, sr = sf.read(str(wav), dtype="float64")
    phones: list[Phone] = []
    prev = 0.0
    for tok in proc.stdout.split():
        name, _, end = tok.rpartition(":")
        try:
            t = float(end)
        except ValueError:
            continue
        phones.append(Phone(name, prev, t))
        prev = t
    return audio, int(sr), phones


def _groups(phones: list[Phone]) -> list[list[Phone]]:
    """Split the phone stream into words at the pauses between them."""
    out: list[list[Phone]] = [[]]
    for ph in phones:
        if ph.name in ("pau", "h#", "sil"):
            if out[-1]:
                out.append([])
        else:
            out[-1].append(ph)
    return [g for g in out if g]


def speak(words: list[str], gender: str = "f", word_line: list[int] | None = None) -> Speech:
    """The spoken source for the singer. Festival's HTS voice says each lyric line (the clearest source); for
    the male voice the singer lowers its formants (MALE_FORMANT). Without festival, flite says each word.
    ``word_line`` gives each word's line (default: all one line)."""
    from songforge.engines.composer import festival  # imports Speech from here

    if festival.available():
        lines = word_line if word_line is not None and len(word_line) == len(words) else [0] * len(words)
        speech = festival.speak_lines(list(words), lines)  # HTS sings reduced vowels well: no respelling
        return replace(speech, formant=MALE_FORMANT) if gender == "m" else speech
    return speak_words(words, gender)


def speak_words(words: list[str], gender: str = "f") -> Speech:
    """Have flite say every word as its own sentence (clear, citation-form words with exact boundaries)."""
    voice = VOICES.get(gender, "slt")
    spoken = [RESPELL.get(w, w) for w in words]
    with tempfile.TemporaryDirectory(prefix="songforge-flite-") as tmp:
        audio, sr, phones = _run_flite(". ".join(spoken) + ".", voice, Path(tmp))
        groups = _groups(phones)
        if len(groups) != len(words):  # flite split or merged a word: fall back to one call per word
            groups, audio = _word_by_word(spoken, voice, Path(tmp), sr)
    return Speech(audio, sr, groups)


def _word_by_word(words: list[str], voice: str, tmp: Path, sr: int) -> tuple[list[list[Phone]], np.ndarray]:
    chunks: list[np.ndarray] = []
    groups: list[list[Phone]] = []
    offset = 0.0
    for w in words:
        audio, _, phones = _run_flite(w + ".", voice, tmp)
        ph = [Phone(p.name, p.start + offset, p.end + offset) for g in _groups(phones) for p in g]
        groups.append(ph or [Phone("ah", offset, offset + len(audio) / sr)])
        chunks.append(audio)
        offset += len(audio) / sr
    return groups, np.concatenate(chunks) if chunks else np.zeros(1)


def syllables(phones: list[Phone]) -> list[tuple[list[Phone], Phone | None, list[Phone]]]:
    """Split a word's phones into (onset, vowel, coda) syllables; one consonant between vowels starts the next."""
    spans = syllable_spans([p.name in VOWELS for p in phones])
    if not spans:
        return [([], None, list(phones))]
    return [(list(phones[a:v]), phones[v], list(phones[v + 1:e])) for a, v, e in spans]
