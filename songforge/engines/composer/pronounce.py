"""Pronunciations from the CMU dictionary shipped inside the pocketsphinx wheel (BSD data, no GPL wrapper)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

VOWELS = frozenset("AA AE AH AO AW AX AXR AY EH ER EY IH IX IY OW OY UH UW".split())
# Words sung unstressed (short, on weak beats); everything else counts as a stressed content word.
FUNCTION_WORDS = frozenset(
    "a an the and or but to of in on at by for with from as is are was were be been am i you he she it we "
    "they me him her us them my your his its our their this that these those so if then than do does did "
    "not no nor up down out into onto upon i'm you're we're it's don't can't won't i'll".split())
_UNSTRESSED_PREFIXES = ("be", "re", "de", "a", "un", "for", "to")


@lru_cache(maxsize=1)
def dictionary_path() -> Path:
    """Where the CMU dictionary of the installed pocketsphinx lives."""
    import pocketsphinx  # imported lazily: the package is big and only this file is needed

    return Path(pocketsphinx.__file__).parent / "model" / "en-us" / "cmudict-en-us.dict"


@lru_cache(maxsize=1)
def cmu() -> dict[str, tuple[str, ...]]:
    """Word → first listed pronunciation (ARPAbet, no stress marks in this edition)."""
    table: dict[str, tuple[str, ...]] = {}
    with dictionary_path().open(encoding="utf-8", errors="ignore") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) < 2 or "(" in parts[0]:
                continue
            table.setdefault(parts[0], tuple(parts[1:]))
    return table


def phones(word: str) -> tuple[str, ...] | None:
    """ARPAbet phones of a word, or None when it is not in the dictionary."""
    return cmu().get(word.lower())


def syllables(word: str) -> int:
    """Number of sung syllables (dictionary vowels, else a spelling heuristic)."""
    ph = phones(word)
    if ph:
        return max(1, sum(p in VOWELS for p in ph))
    groups = re.findall(r"[aeiouy]+", word.lower())
    n = len(groups) - (1 if word.lower().endswith("e") and len(groups) > 1 else 0)
    return max(1, n)


def syllable_spans(is_vowel: Sequence[bool]) -> list[tuple[int, int, int]]:
    """(start, vowel, end) phone indices of each syllable; of the consonants between two vowels the last one
    starts the next syllable, the others close this one. Used on dictionary phones and on spoken ones alike."""
    idx = [i for i, v in enumerate(is_vowel) if v]
    out: list[tuple[int, int, int]] = []
    start = 0
    for k, v in enumerate(idx):
        between = idx[k + 1] - v - 1 if k + 1 < len(idx) else None
        end = len(is_vowel) if between is None else v + 1 + (between - 1 if between >= 2 else 0)
        out.append((start, v, end))
        start = end
    return out


def stresses(word: str) -> list[bool]:
    """Which syllables of the word carry stress (rule of thumb; the dictionary has no marks)."""
    n = syllables(word)
    if n == 1:
        return [word.lower() not in FUNCTION_WORDS]
    first = not word.lower().startswith(_UNSTRESSED_PREFIXES) or n > 3
    return [first if i == 0 else (i == 1 and not first) for i in range(n)]


def rhyme_key(word: str) -> str:
    """The sound from the last vowel to the end: words sharing it rhyme."""
    ph = phones(word)
    if not ph:
        m = re.search(r"[aeiouy]+[^aeiouy]*$", word.lower())
        return m.group(0) if m else word.lower()
    last = max(i for i, p in enumerate(ph) if p in VOWELS) if any(p in VOWELS for p in ph) else 0
    return " ".join(ph[last:])
