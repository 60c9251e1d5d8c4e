"""Style tags → musical choices (key, mode, tempo, feel, progressions, instruments, drums); see docs/composer.md."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import cast

# genre: tempo range, mode preference, feel, drum pattern, bass pattern, comp pattern, programs, progressions
# Programs are General MIDI numbers (0-based): 0 piano, 4 e-piano, 25 steel guitar, 29 overdrive, 30 distortion,
# 33 finger bass, 34 pick bass, 38 synth bass, 48 strings, 81 saw lead, 89 warm pad, 16 organ, 65 alto sax.
GENRES: dict[str, dict[str, object]] = {
    "pop": dict(tempo=(96, 116), mode="major", drums="pop", bass="eighths", comp="strum", chords=0, pad=89, lead=80),
    "rock": dict(tempo=(104, 128), mode="major", drums="rock", bass="eighths", comp="power", chords=29, pad=48,
                 lead=30, bass_prog=34),
    "punk": dict(tempo=(150, 175), mode="major", drums="punk", bass="eighths", comp="power", chords=30, pad=48,
                 lead=30, bass_prog=34),
    "metal": dict(tempo=(120, 150), mode="minor", drums="rock", bass="eighths", comp="power", chords=30, pad=48,
                  lead=30, bass_prog=34),
    "electronic": dict(tempo=(118, 128), mode="minor", drums="four", bass="offbeat", comp="stabs", chords=81,
                       pad=89, lead=81, bass_prog=38),
    "hip hop": dict(tempo=(84, 96), mode="minor", drums="boombap", bass="sparse", comp="block", chords=4, pad=89,
                    lead=80, bass_prog=38),
    "r&b": dict(tempo=(76, 92), mode="minor", drums="halftime", bass="sparse", comp="block", chords=4, pad=89,
                lead=65),
    "jazz": dict(tempo=(100, 140), mode="major", drums="swing", bass="walking", comp="block", chords=0, pad=48,
                 lead=65, bass_prog=32, swing=True, sevenths=True),
    "blues": dict(tempo=(80, 100), mode="major", drums="swing", bass="walking", comp="block", chords=16, pad=48,
                  lead=26, swing=True, sevenths=True),
    "country": dict(tempo=(96, 120), mode="major", drums="train", bass="rootfifth", comp="strum", chords=25,
                    pad=48, lead=22),
    "folk": dict(tempo=(88, 108), mode="major", drums="light", bass="rootfifth", comp="arp", chords=25, pad=48,
                 lead=73),
    "lofi": dict(tempo=(72, 86), mode="minor", drums="boombap", bass="sparse", comp="block", chords=4, pad=89,
                 lead=11, swing=True, sevenths=True),
    "ballad": dict(tempo=(66, 80), mode="major", drums="light", bass="whole", comp="arp", chords=0, pad=48,
                   lead=73),
    "reggae": dict(tempo=(72, 86), mode="major", drums="onedrop", bass="sparse", comp="skank", chords=16, pad=89,
                   lead=80),
    "funk": dict(tempo=(98, 112), mode="minor", drums="funk", bass="funky", comp="stabs", chords=27, pad=89,
                 lead=61, bass_prog=36, sevenths=True),
    "disco": dict(tempo=(116, 124), mode="minor", drums="four", bass="octaves", comp="stabs", chords=27, pad=48,
                  lead=48),
    "ambient": dict(tempo=(66, 78), mode="major", drums="none", bass="whole", comp="arp", chords=4, pad=89,
                    lead=88),
    "classical": dict(tempo=(72, 96), mode="major", drums="none", bass="whole", comp="arp", chords=0, pad=48,
                      lead=40, bass_prog=42),
}
SYNONYMS = {
    "edm": "electronic", "house": "electronic", "techno": "electronic", "synthwave": "electronic",
    "dance": "electronic", "trance": "electronic", "synthpop": "pop", "indie": "rock", "grunge": "rock",
    "alternative": "rock", "emo": "punk", "pop punk": "punk", "hardcore": "punk", "heavy metal": "metal",
    "rap": "hip hop", "hiphop": "hip hop", "trap": "hip hop", "soul": "r&b", "rnb": "r&b", "neo soul": "r&b",
    "swing": "jazz", "bossa": "jazz", "acoustic": "folk", "singer-songwriter": "folk", "bluegrass": "country",
    "lo-fi": "lofi", "lo fi": "lofi", "chill": "lofi", "chillhop": "lofi", "orchestral": "classical",
    "cinematic": "classical", "piano ballad": "ballad", "gospel": "r&b", "k-pop": "pop", "kpop": "pop",
}
MOODS = {  # mood word: (mode or None, tempo factor)
    "happy": ("major", 1.05), "upbeat": ("major", 1.08), "joyful": ("major", 1.05), "bright": ("major", 1.0),
    "uplifting": ("major", 1.03), "romantic": ("major", 0.95), "sad": ("minor", 0.88), "melancholic": ("minor", 0.9),
    "melancholy": ("minor", 0.9), "dark": ("minor", 0.97), "moody": ("minor", 0.95), "angry": ("minor", 1.08),
    "aggressive": ("minor", 1.1), "epic": ("minor", 1.0), "dreamy": (None, 0.92), "calm": (None, 0.88),
    "chill": (None, 0.9), "relaxed": (None, 0.9), "energetic": (None, 1.1), "nostalgic": (None, 0.95),
}
TEMPO_WORDS = {"slow": 0.82, "downtempo": 0.85, "mid-tempo": 1.0, "fast": 1.18, "uptempo": 1.15, "driving": 1.08}
INSTRUMENTS = {  # tag word: (role, GM program)
    "piano": ("chords", 0), "rhodes": ("chords", 4), "electric piano": ("chords", 4), "organ": ("chords", 16),
    "acoustic guitar": ("chords", 25), "guitar": ("chords", 25), "electric guitar": ("chords", 29),
    "synth": ("chords", 81), "synths": ("chords", 81), "strings": ("pad", 48), "violin": ("lead", 40),
    "cello": ("pad", 42), "sax": ("lead", 65), "saxophone": ("lead", 65), "trumpet": ("lead", 56),
    "flute": ("lead", 73), "harp": ("chords", 46), "brass": ("pad", 61), "choir": ("pad", 52),
    "808": ("bass", 38), "synth bass": ("bass", 38), "bass": ("bass", 33), "marimba": ("chords", 12),
}
PROGRESSIONS = {  # scale degrees (0-based) per bar; chosen by seed per section
    "major": [[0, 4, 5, 3], [0, 5, 3, 4], [5, 3, 0, 4], [0, 3, 4, 3], [0, 3, 5, 4], [3, 0, 4, 5], [0, 2, 3, 4]],
    "minor": [[0, 5, 2, 6], [0, 3, 6, 2], [0, 5, 3, 4], [5, 6, 0, 0], [0, 6, 5, 6], [0, 3, 4, 0], [0, 2, 5, 6]],
}
KEYS = {"c": 0, "c#": 1, "db": 1, "d": 2, "d#": 3, "eb": 3, "e": 4, "f": 5, "f#": 6, "gb": 6, "g": 7, "g#": 8,
        "ab": 8, "a": 9, "a#": 10, "bb": 10, "b": 11}


@dataclass(frozen=True)
class Style:
    """The musical choices a set of tags leads to (before the per-clip seed picks the details)."""

    genre: str = "pop"
    mode: str = "major"
    tempo_range: tuple[float, float] = (96.0, 116.0)
    tempo_factor: float = 1.0
    bpm: float | None = None  # an explicit "120 bpm" tag
    key: int | None = None  # an explicit "in D minor" tag (pitch class)
    feel_swing: bool = False
    sevenths: bool = False
    drums: str = "pop"
    bass: str = "eighths"
    comp: str = "strum"
    programs: dict[str, int] = field(default_factory=dict)  # role → GM program
    voice: str = "f"
    muted: frozenset[str] = frozenset()  # roles removed by negative tags


def split_tags(tags: str) -> list[str]:
    """Comma/semicolon separated tags, lower-cased, in the order given."""
    return [t.strip().lower() for t in re.split(r"[,;/\n]+", tags) if t.strip()]


def _genre_of(tags: list[str]) -> str:
    for tag in tags:  # the first tag naming a genre wins (documented resolution of contradictions)
        for word in [tag, *tag.split()]:
            name = SYNONYMS.get(word, word)
            if name in GENRES:
                return name
    return "pop"


def _base(genre: str) -> Style:
    g = GENRES[genre]
    lo, hi = cast(tuple[float, float], g["tempo"])
    programs = {"chords": int(g["chords"]), "pad": int(g["pad"]), "lead": int(g["lead"]),  # type: ignore[call-overload]
                "bass": int(g.get("bass_prog", 33))}  # type: ignore[call-overload]
    return Style(genre=genre, mode=str(g["mode"]), tempo_range=(float(lo), float(hi)), drums=str(g["drums"]),
                 bass=str(g["bass"]), comp=str(g["comp"]), programs=programs, feel_swing=bool(g.get("swing")),
                 sevenths=bool(g.get("sevenths")))


def _muted(negative: list[str]) -> frozenset[str]:
    roles = {"drums": "drums", "percussion": "drums", "bass": "bass", "piano": "chords", "guitar": "chords",
             "synth": "chords", "strings": "pad", "pad": "pad", "lead": "lead", "sax": "lead", "vocals": "vocals"}
    return frozenset(roles[w] for t in negative for w in t.replace("no ", "").split() if w in roles)


def parse_style(tags: str, negative_tags: str = "", vocal_gender: str | None = None) -> Style:
    """Turn the tag strings into a Style; unknown tags are ignored, the first of two contradicting tags wins."""
    words = split_tags(tags)
    negative = split_tags(negative_tags) + [t for t in words if t.startswith("no ")]
    positive = [t for t in words if not t.startswith("no ")]
    style = _base(_genre_of(positive))
    mode_set = factor_set = False
    programs = dict(style.programs)
    taken: set[str] = set()
    for tag in positive:
        if (m := re.search(r"(\d{2,3})\s*bpm", tag)) and style.bpm is None:
            style = replace(style, bpm=float(min(200, max(50, int(m.group(1))))))
        if (m := re.fullmatch(r"(?:in )?([a-g][#b]?)\s*(major|minor|maj|min|m)?", tag)) and style.key is None:
            style = replace(style, key=KEYS[m.group(1)])
            if m.group(2) and not mode_set:
                style, mode_set = replace(style, mode="minor" if m.group(2).startswith("m") and m.group(2) not in
                                          ("maj", "major") else "major"), True
        for word, (mode, fac) in MOODS.items():
            if re.search(rf"\b{re.escape(word)}\b", tag):
                if mode and not mode_set:
                    style, mode_set = replace(style, mode=mode), True
                if not factor_set:
                    style, factor_set = replace(style, tempo_factor=fac), True
        for word, fac in TEMPO_WORDS.items():
            if re.search(rf"\b{re.escape(word)}\b", tag) and not factor_set:
                style, factor_set = replace(style, tempo_factor=fac), True
        for word, (role, prog) in sorted(INSTRUMENTS.items(), key=lambda kv: -len(kv[0])):
            if re.search(rf"\b{re.escape(word)}\b", tag) and role not in taken:
                programs[role] = prog
                taken.add(role)
                break
    voices = [("m" if re.search(r"\b(male|man|boy)\b", t) else "f") for t in positive
              if re.search(r"\b(male|female|man|woman|boy|girl)\b", t)]
    if voices:  # the first vocal tag wins when tags disagree
        style = replace(style, voice=voices[0])
    if vocal_gender in ("m", "f"):
        style = replace(style, voice=vocal_gender)
    return replace(style, programs=programs, muted=_muted(negative))
