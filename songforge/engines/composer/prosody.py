"""Spoken rhythm of the lyrics: how long each syllable takes when the line is said, predicted from the dictionary.

The melody's rhythm is built from these lengths (slowed a little and put on the grid), so the singer only has
to stretch speech evenly. Measured with pocketsphinx: evenly stretched speech stays as clear as the source up to
about 1.6x, while speech forced onto a one-note-per-syllable grid loses half of its recognised words.
"""

from __future__ import annotations

from functools import lru_cache

from songforge.engines.composer.pronounce import FUNCTION_WORDS, VOWELS, phones, stresses, syllable_spans

# Mean phone lengths (seconds) of the singer's voice reading song lyrics (festival, HTS slt voice).
PHONE_S = {
    "aa": 0.082, "ae": 0.107, "ah": 0.070, "ao": 0.132, "aw": 0.167, "ax": 0.039, "ay": 0.132, "eh": 0.084,
    "er": 0.098, "ey": 0.143, "ih": 0.070, "iy": 0.122, "ow": 0.126, "oy": 0.150, "uh": 0.052, "uw": 0.126,
    "b": 0.064, "ch": 0.130, "d": 0.050, "dh": 0.039, "f": 0.116, "g": 0.071, "hh": 0.074, "jh": 0.090,
    "k": 0.100, "l": 0.081, "m": 0.077, "n": 0.068, "ng": 0.093, "p": 0.106, "r": 0.081, "s": 0.135,
    "sh": 0.130, "t": 0.066, "th": 0.148, "v": 0.066, "w": 0.068, "y": 0.101, "z": 0.072, "zh": 0.090,
}
VOWEL_S, CONSONANT_S = 0.100, 0.080
STRESSED, UNSTRESSED, FUNCTION = 1.15, 1.0, 0.8  # stress lengthens, function words are said quickly
UNKNOWN_SYLLABLE_S = 0.2


def _length(p: str) -> float:
    name = p.lower()
    return PHONE_S.get(name, VOWEL_S if p.upper() in VOWELS else CONSONANT_S)


@lru_cache(maxsize=4096)
def syllable_seconds(word: str) -> tuple[float, ...]:
    """Predicted spoken length of each sung syllable of ``word`` (as many as ``stresses(word)`` has)."""
    marks = stresses(word)
    ph = phones(word)
    parts = [ph[a:e] for a, _, e in syllable_spans([p.upper() in VOWELS for p in ph])] if ph else []
    if len(parts) != len(marks):  # not in the dictionary (or counted differently): an average syllable each
        return tuple(UNKNOWN_SYLLABLE_S * (STRESSED if s else UNSTRESSED) for s in marks)
    func = word.lower() in FUNCTION_WORDS
    return tuple(sum(_length(p) for p in part) * (FUNCTION if func else STRESSED if s else UNSTRESSED)
                 for part, s in zip(parts, marks, strict=True))


def line_seconds(words: tuple[str, ...] | list[str]) -> list[float]:
    """Predicted spoken length of every syllable of a line, in order."""
    return [d for w in words for d in syllable_seconds(w)]
