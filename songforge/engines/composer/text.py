"""Lyrics text: section tags, lines, sung words, and the input checks on them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from songforge.engines.base import InvalidEngineInput

MAX_CHARS = 6000  # above this the request is refused: nobody sings a novel
MAX_LINES = 48  # sung lines kept; the rest is dropped (documented truncation, ~4 minutes)
MAX_WORDS_PER_LINE = 16  # longer lines are split so each phrase stays singable

_TAG = re.compile(r"^\s*[\[(]\s*([A-Za-z][A-Za-z \-]*?)\s*(?:\d+)?\s*[:\])]\s*$")
_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)*|\d+")
_KNOWN = {
    "intro": "Intro", "verse": "Verse", "pre chorus": "Pre-Chorus", "prechorus": "Pre-Chorus",
    "chorus": "Chorus", "hook": "Hook", "refrain": "Chorus", "post chorus": "Post-Chorus",
    "bridge": "Bridge", "outro": "Outro", "interlude": "Interlude", "solo": "Solo",
    "instrumental": "Instrumental", "break": "Break", "breakdown": "Break", "drop": "Drop", "end": "Outro",
}
_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
         "sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


@dataclass(frozen=True)
class LyricLine:
    """One sung line: the section it belongs to, the original text and the words to sing."""

    section: str
    text: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    """A section of the song; instrumental sections have no lines."""

    name: str
    lines: tuple[LyricLine, ...]


def section_name(raw: str) -> str:
    """Normalise a tag such as ``verse 2`` or ``PRE-CHORUS`` to a canonical section name."""
    key = re.sub(r"[\s\-_]+", " ", raw.strip().lower())
    key = re.sub(r"\s*\d+$", "", key)
    return _KNOWN.get(key, key.title() or "Verse")


def _number(token: str) -> list[str]:
    n = int(token)
    if n < 20:
        return [_ONES[n]]
    if n < 100:
        return [_TENS[n // 10]] + ([_ONES[n % 10]] if n % 10 else [])
    return [_ONES[int(d)] for d in token]  # years and codes: read digit by digit


def sung_words(line: str) -> tuple[str, ...]:
    """The words of a line the English voice can sing (accents folded, other scripts dropped)."""
    folded = unicodedata.normalize("NFKD", line).encode("ascii", "ignore").decode()
    words: list[str] = []
    for tok in _WORD.findall(folded):
        words.extend(_number(tok) if tok.isdigit() else [tok.lower()])
    return tuple(words)


def _letters(text: str) -> tuple[int, int]:
    """Count (all letters, letters outside the Latin script)."""
    total = foreign = 0
    for ch in text:
        if ch.isalpha():
            total += 1
            if "LATIN" not in unicodedata.name(ch, ""):
                foreign += 1
    return total, foreign


def check_singable(lyrics: str) -> None:
    """Refuse lyrics that are too long or mostly in a script the voice cannot sing."""
    if len(lyrics) > MAX_CHARS:
        raise InvalidEngineInput(f"lyrics are {len(lyrics)} characters; the composer sings at most {MAX_CHARS}")
    total, foreign = _letters(lyrics)
    if total and foreign / total > 0.5:
        raise InvalidEngineInput(
            "lyrics are mostly in a script the composer's English voice cannot sing (e.g. CJK, Cyrillic); "
            "write them in Latin letters or ask for an instrumental")


def _split_long(words: tuple[str, ...]) -> list[tuple[str, ...]]:
    if len(words) <= MAX_WORDS_PER_LINE:
        return [words]
    half = (len(words) + 1) // 2
    return _split_long(words[:half]) + _split_long(words[half:])


def parse_lyrics(lyrics: str) -> list[Section]:
    """Split lyrics into sections of sung lines; untagged text is a verse. Truncates at MAX_LINES."""
    sections: list[tuple[str, list[LyricLine]]] = []
    current = "Verse"
    kept = 0
    for raw in lyrics.splitlines():
        tag = _TAG.match(raw)
        if tag:
            current = section_name(tag.group(1))
            sections.append((current, []))
            continue
        words = sung_words(raw)
        if not words or kept >= MAX_LINES:
            continue
        if not sections:
            sections.append((current, []))
        for part in _split_long(words):
            sections[-1][1].append(LyricLine(current, raw.strip(), part))
        kept += 1
    return [Section(name, tuple(lines)) for name, lines in sections]


def has_sung_words(sections: list[Section]) -> bool:
    """Whether any section has something to sing."""
    return any(sec.lines for sec in sections)
