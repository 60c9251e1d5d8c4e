"""Rule-based lyric writer: title, style tags and rhyming, metred lyrics from a description (offline)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from songforge.engines.composer.pronounce import rhyme_key, syllables
from songforge.engines.composer.style import GENRES, MOODS, SYNONYMS

NOUNS = ("night light sky eyes heart fire rain flame road home dream sun moon stars sea shore wave town lane "
         "street door floor sound ground dance chance line time mind sign song day way name game face place "
         "space grace stone bone soul gold cold hold rose glow snow show storm sign heat beat street "
         "shine line fears years tears air chair prayer care dawn gone sound around youth truth hands sands").split()
PREFIXES = [
    "hold me close beneath the", "we keep on running to the", "i can hear you calling through the",
    "every little heartbeat in the", "dancing on the edge of the", "nothing ever changes in the",
    "take my hand and lead me to the", "we were chasing after the", "singing softly to the",
    "you and i against the", "lost and found inside the", "waiting for the morning and the",
    "all the colors of the", "never looking back at the", "we could live forever in the",
    "falling slowly through the", "light a candle for the", "burning brighter than the",
    "written in the silver", "we are golden in the", "tell me that you feel the", "counting every single",
]
HOOKS = ["oh {t}, {t}", "we are {t} tonight", "sing it out, {t}", "never let go of {t}", "this is {t}"]
THEMES = {
    "summer": "sun sea waves shore", "love": "heart eyes hands night", "night": "night moon stars city",
    "rain": "rain storm clouds tears", "road": "road highway miles wheels", "dream": "dream sky stars light",
    "city": "city street lights neon", "ocean": "ocean waves shore sea", "fire": "fire flame heat night",
}
STOP = frozenset(("a an the and or but of for to in on at with about by from into over under song songs music track "
                  "tune that this these those is are be was were my your our their his her its it you we they me "
                  "us them very really some something someone who what when where how why all any one two three "
                  "vocals vocal voice male female man woman boy girl singer instrumental beat beats style feel banger "
                  "anthem jam vibe vibes ballad tempo bpm").split())
TITLE_WORDS = ["Golden", "Midnight", "Electric", "Silver", "Endless", "Wild", "Paper", "Neon", "Runaway", "Burning"]


@dataclass(frozen=True)
class Written:
    """A title, style tags and sectioned lyrics."""

    title: str
    tags: str
    lyrics: str


def tags_from(description: str) -> str:
    """Style tags read off the description (genre, mood, voice), with a pop default."""
    low = description.lower()
    genre = next((g for g in [*GENRES, *SYNONYMS] if re.search(rf"\b{re.escape(g)}\b", low)), "pop")
    mood = next((m for m in MOODS if re.search(rf"\b{m}\b", low)), "upbeat")
    tags = [SYNONYMS.get(genre, genre), mood]
    if re.search(r"\b(male|man|boy)\b", low):
        tags.append("male vocals")
    elif re.search(r"\b(female|woman|girl)\b", low):
        tags.append("female vocals")
    return ", ".join(tags)


def _rhyme_groups() -> list[list[str]]:
    groups: dict[str, list[str]] = {}
    for w in dict.fromkeys(NOUNS):
        groups.setdefault(rhyme_key(w), []).append(w)
    return [g for g in groups.values() if len(g) >= 2]


def _line(end: str, rng: np.random.Generator, used: set[str]) -> str:
    """A prefix + end word of 7 to 10 syllables, not used before in this song if possible."""
    order = rng.permutation(len(PREFIXES))
    for i in order:
        pre = PREFIXES[int(i)]
        n = sum(syllables(w) for w in pre.split()) + syllables(end)
        if 7 <= n <= 10 and pre not in used:
            used.add(pre)
            return f"{pre} {end}".capitalize()
    return f"{PREFIXES[int(order[0])]} {end}".capitalize()


def _couplets(rng: np.random.Generator, n: int, used: set[str]) -> list[str]:
    groups = _rhyme_groups()
    lines: list[str] = []
    for _ in range(n // 2):
        g = groups[int(rng.integers(0, len(groups)))]
        a, b = rng.choice(len(g), 2, replace=False)
        lines += [_line(g[int(a)], rng, used), _line(g[int(b)], rng, used)]
    return lines


def topic_of(description: str) -> str | None:
    """The word the description is about ("a happy song about coffee" → coffee), if there is one."""
    low = description.lower()
    skip = STOP | set(GENRES) | set(MOODS) | set(SYNONYMS)
    content = [w for w in re.findall(r"[a-z]+", low) if len(w) > 2 and w not in skip]
    about = re.search(r"\babout\s+(.*)", low)
    if about:
        after = [w for w in re.findall(r"[a-z]+", about.group(1)) if w in content and not w.endswith("ing")]
        if after:
            return str(after[0])
    nouns = [w for w in content if not w.endswith("ing")]
    return nouns[-1] if nouns else None


def title_from(description: str, rng: np.random.Generator) -> str:
    """A short title: a seed-chosen adjective and the description's topic (else a noun from its theme)."""
    low = description.lower()
    theme = next((v for k, v in THEMES.items() if k in low), "night light heart dream")
    noun = topic_of(description) or str(rng.choice(theme.split()))
    return f"{TITLE_WORDS[int(rng.integers(0, len(TITLE_WORDS)))]} {noun.capitalize()}"


def _topic_couplet(topic: str, rng: np.random.Generator, used: set[str]) -> list[str]:
    """Two rhyming lines ending in the topic and a noun that rhymes with it; [] when none fits the metre."""
    partners = [w for w in dict.fromkeys(NOUNS) if w != topic and rhyme_key(w) == rhyme_key(topic)]
    if not partners:
        return []
    trial = set(used)
    lines = [_line(topic, rng, trial), _line(str(rng.choice(partners)), rng, trial)]
    if all(7 <= sum(syllables(w) for w in line.lower().split()) <= 10 for line in lines):
        used.update(trial)
        return lines
    return []


def write(description: str, seed: int) -> Written:
    """Title, tags and lyrics (verse, chorus, verse, chorus, bridge, chorus) for a description."""
    rng = np.random.default_rng(seed)
    title = title_from(description, rng)
    used: set[str] = set()
    hook = HOOKS[int(rng.integers(0, len(HOOKS)))].format(t=title.lower())
    chorus = [hook.capitalize(), *_couplets(rng, 2, used), hook.capitalize()]
    topic = topic_of(description)
    opening = _topic_couplet(topic, rng, used) if topic else []
    verse = [*opening, *_couplets(rng, 4 - len(opening), used)]
    parts = ["[Verse]", *verse, "", "[Chorus]", *chorus, "", "[Verse 2]",
             *_couplets(rng, 4, used), "", "[Chorus]", *chorus, "", "[Bridge]", *_couplets(rng, 2, used), "",
             "[Chorus]", *chorus]
    return Written(title, tags_from(description), "\n".join(parts))
