"""The arranged song: bars, chords, instrument notes and sung syllables, all in beats."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

TRACKS = ("Drums", "Bass", "Chords", "Pad", "Lead")  # stem names, in mixing order
CHANNELS = {"Drums": 9, "Bass": 1, "Chords": 2, "Pad": 3, "Lead": 4}
PAN = {"Drums": 64, "Bass": 64, "Chords": 44, "Pad": 84, "Lead": 72}


@dataclass(frozen=True)
class Note:
    """One instrument note (times in beats)."""

    track: str
    start: float
    dur: float
    pitch: int
    vel: int


@dataclass(frozen=True)
class Syllable:
    """One sung syllable on one note (times in beats); ``word`` indexes Song.words."""

    word: int
    index: int  # syllable number inside the word
    start: float
    dur: float
    pitch: int


@dataclass(frozen=True)
class Bar:
    """One bar: its section, chord tones (MIDI pitches, root first) and loudness of the band."""

    section: str
    chord: tuple[int, ...]
    energy: float


@dataclass
class Song:
    """Everything needed to render and to continue a song later."""

    bpm: float
    key: int  # tonic pitch class
    mode: str
    swing: bool
    programs: dict[str, int]
    bars: list[Bar] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    syllables: list[Syllable] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    word_line: list[int] = field(default_factory=list)  # line index per word
    line_sections: list[str] = field(default_factory=list)
    voice: str = "f"

    @property
    def beat_s(self) -> float:
        """Seconds per beat."""
        return 60.0 / self.bpm

    @property
    def total_beats(self) -> float:
        """Length of the arrangement in beats (4/4 bars)."""
        return 4.0 * len(self.bars)

    def seconds(self, beats: float) -> float:
        """Convert a beat position to seconds."""
        return beats * self.beat_s

    def to_json(self) -> dict[str, Any]:
        """A JSON-able form (stored in ClipResult.engine_data to extend or re-sing the song later)."""
        data = asdict(self)
        data["notes"] = [[n.track, n.start, n.dur, n.pitch, n.vel] for n in self.notes]
        data["syllables"] = [[s.word, s.index, s.start, s.dur, s.pitch] for s in self.syllables]
        data["bars"] = [[b.section, list(b.chord), b.energy] for b in self.bars]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Song:
        """Rebuild a Song stored with :meth:`to_json`."""
        song = cls(bpm=float(data["bpm"]), key=int(data["key"]), mode=str(data["mode"]), swing=bool(data["swing"]),
                   programs={k: int(v) for k, v in data["programs"].items()}, voice=str(data.get("voice", "f")))
        song.bars = [Bar(s, tuple(int(p) for p in c), float(e)) for s, c, e in data["bars"]]
        song.notes = [Note(t, float(a), float(d), int(p), int(v)) for t, a, d, p, v in data["notes"]]
        song.syllables = [Syllable(int(w), int(i), float(a), float(d), int(p)) for w, i, a, d, p in data["syllables"]]
        song.words = list(data["words"])
        song.word_line = [int(x) for x in data["word_line"]]
        song.line_sections = list(data["line_sections"])
        return song
