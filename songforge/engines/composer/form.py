"""Song form: lyric sections (or none) → blocks of bars, with a phrase slot per sung line."""

from __future__ import annotations

from dataclasses import dataclass, field

from songforge.engines.composer.melody import HOLD_BEATS, SING_STRETCH
from songforge.engines.composer.prosody import line_seconds
from songforge.engines.composer.text import LyricLine, Section

INSTRUMENTAL_BARS = {"Solo": 8, "Instrumental": 8, "Interlude": 4, "Break": 4, "Drop": 8, "Intro": 4, "Outro": 4}
ENERGY = {"Intro": 0.55, "Verse": 0.7, "Pre-Chorus": 0.8, "Chorus": 1.0, "Hook": 1.0, "Post-Chorus": 0.9,
          "Bridge": 0.75, "Outro": 0.6, "Break": 0.6, "Solo": 0.9, "Instrumental": 0.85, "Drop": 1.0}
CHORUS_LIKE = ("Chorus", "Hook", "Post-Chorus", "Drop")


@dataclass
class Phrase:
    """A sung line placed in a block: bar offset inside the block and its length in bars."""

    line: LyricLine
    bar: int
    bars: int
    sung: int = 0  # bars actually sung; the rest of the phrase is an instrumental answer (0 = all)


@dataclass
class Block:
    """A run of bars belonging to one section."""

    name: str
    bars: int
    phrases: list[Phrase] = field(default_factory=list)


def phrase_bars(line: LyricLine, beat_s: float) -> int:
    """Bars needed to sing a line at its spoken rhythm, slowed a little, with a held last note and a breath."""
    beats = sum(line_seconds(line.words)) * SING_STRETCH[1] / beat_s + HOLD_BEATS + 1.5
    return 2 if beats <= 8.0 else 4


def vocal_form(sections: list[Section], beat_s: float, intro: bool = True, slot: int = 4) -> list[Block]:
    """Blocks for a song with lyrics: intro, the sections as written with short breaks, an outro."""
    blocks: list[Block] = []
    if intro and (not sections or sections[0].name != "Intro" or sections[0].lines):
        blocks.append(Block("Intro", 4))
    for i, sec in enumerate(sections):
        if not sec.lines:
            blocks.append(Block(sec.name, INSTRUMENTAL_BARS.get(sec.name, 4)))
            continue
        block = Block(sec.name, 0)
        for line in sec.lines:
            n = phrase_bars(line, beat_s)  # every line gets ``slot`` bars: sung ones, then the band answers
            block.phrases.append(Phrase(line, block.bars, max(slot, n), n))
            block.bars += max(slot, n)
        blocks.append(block)
        nxt = sections[i + 1] if i + 1 < len(sections) else None
        if sec.name in CHORUS_LIKE and nxt is not None and nxt.lines:
            blocks.append(Block("Break", 2))
    if not sections or sections[-1].name != "Outro" or sections[-1].lines:
        blocks.append(Block("Outro", 4))
    return blocks


def instrumental_form(target_bars: int, intro: bool = True) -> list[Block]:
    """Blocks for an instrumental of about ``target_bars`` bars (intro, A/B sections, bridge, outro)."""
    body = ["Verse", "Chorus", "Verse", "Chorus", "Bridge", "Chorus", "Chorus"]
    blocks = [Block("Intro", 4)] if intro else []
    used = 8 if intro else 4  # intro + outro
    for name in body:
        if used + 8 > target_bars and len(blocks) >= (3 if intro else 1):
            break
        blocks.append(Block(name, 8))
        used += 8
    blocks.append(Block("Outro", 4))
    return blocks
