"""The engine interface: what every music engine receives, reports and raises.

An engine is a class with a ``name``, the task ``kinds`` it can do, a constructor taking its own
settings section (a plain dict), and an async ``run(request, sink)``. Engines never touch the database
or HTTP: inputs (including paths of source audio) arrive in an :class:`EngineRequest`, outputs leave
through the :class:`ProgressSink`. Failures are raised as :class:`EngineError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar, Protocol, runtime_checkable


class TaskKind(StrEnum):
    """What a task asks an engine to make."""

    GENERATE = "generate"  # new song(s) from a description or from lyrics + style
    EXTEND = "extend"  # continue a source clip from ``continue_at`` seconds
    COVER = "cover"  # re-arrange / re-sing a source clip's melody in another style
    ADD_VOCALS = "add_vocals"  # sing over a source instrumental
    ADD_INSTRUMENTAL = "add_instrumental"  # play under a source vocal
    REPLACE_SECTION = "replace_section"  # replace [infill_start, infill_end) of a source clip
    LYRICS = "lyrics"  # lyrics (title + text) only, no audio


@dataclass(frozen=True)
class SourceClip:
    """A clip the request builds on (one of ours, or uploaded audio turned into a clip)."""

    clip_id: str
    audio_path: Path  # final mp3 or wav of the source
    duration: float
    wav_path: Path | None = None
    midi_path: Path | None = None  # present for clips our composer made
    # Engine-private data the engine stored with the clip when it made it (``ClipResult.engine_data``),
    # e.g. the composer's key, tempo, seed and arrangement. Empty for uploads.
    engine_data: dict[str, Any] = field(default_factory=dict)
    title: str = ""
    tags: str = ""
    lyrics: str = ""
    is_upload: bool = False


@dataclass(frozen=True)
class EngineRequest:
    """Everything an engine needs for one task. Dialect-neutral."""

    task_id: str
    kind: TaskKind
    work_dir: Path  # a private, empty directory; put every output file here
    custom_mode: bool = True  # False: inspiration mode, write lyrics/title/tags from ``description``
    description: str = ""  # inspiration-mode idea (gpt_description_prompt / non-custom prompt)
    lyrics: str = ""  # custom mode: sung verbatim, with [Section] tags
    title: str = ""  # may be empty: the engine makes one
    tags: str = ""  # style tags, comma separated
    negative_tags: str = ""
    instrumental: bool = False
    model: str = ""  # the Suno slug asked for, e.g. "chirp-v4"; informational for offline engines
    seed: int = 0  # same request + same seed => byte-identical output
    n_clips: int = 2  # how many distinct clips to make (lyrics: how many variants)
    vocal_gender: str | None = None  # "m" | "f" | None
    style_weight: float | None = None
    weirdness: float | None = None
    audio_weight: float | None = None
    source: SourceClip | None = None  # extend / cover / add_* / replace_section
    continue_at: float | None = None  # extend: seconds into the source; None = from the end of the source
    infill_start: float | None = None  # replace_section window, seconds
    infill_end: float | None = None
    duration_hint: float | None = None  # requested length in seconds, if the caller gave one
    options: dict[str, Any] = field(default_factory=dict)  # anything else, passed through


@dataclass(frozen=True)
class ClipText:
    """Title, style and lyrics of one clip, known before its audio."""

    title: str
    tags: str
    lyrics: str  # "" for instrumentals


@dataclass(frozen=True)
class LyricsResult:
    """One lyrics variant for a lyrics-only task."""

    title: str
    text: str


@dataclass(frozen=True)
class AlignedWord:
    """One sung word with its time span in the clip (seconds)."""

    word: str
    start_s: float
    end_s: float
    line_index: int = 0  # which lyric line the word belongs to
    section: str = ""  # the section tag the line is in, e.g. "Verse", "" if none


@dataclass(frozen=True)
class ClipResult:
    """The finished files of one clip. Paths lie inside ``EngineRequest.work_dir``."""

    audio_mp3: Path
    duration: float
    audio_wav: Path | None = None
    image_png: Path | None = None
    midi: Path | None = None
    vocal_stem: Path | None = None  # wav; None for instrumentals
    instrumental_stem: Path | None = None  # wav, everything but the vocal
    stems: dict[str, Path] = field(default_factory=dict)  # per-instrument wavs, e.g. {"Drums": ..., "Bass": ...}
    aligned_words: list[AlignedWord] = field(default_factory=list)
    engine_data: dict[str, Any] = field(default_factory=dict)  # JSON-able; handed back in SourceClip.engine_data


class ProgressSink(Protocol):
    """Where an engine reports progress. Calls are synchronous and cheap; call them from any thread."""

    def text_ready(self, clips: list[ClipText]) -> None:
        """Titles, tags and lyrics of every clip are known (stage *text*)."""

    def audio_chunk(self, index: int, mp3_bytes: bytes) -> None:
        """Append MP3 bytes to clip ``index``'s stream (the first call moves the task to stage *first*).

        The concatenation of all chunks of a clip must be a playable MP3 stream.
        """

    def clip_finished(self, index: int, result: ClipResult) -> None:
        """Clip ``index`` is final. The task completes when every clip is finished."""

    def lyrics_ready(self, variants: list[LyricsResult]) -> None:
        """The result of a lyrics-only task."""

    def progress(self, fraction: float) -> None:
        """Optional: overall progress 0..1, for the dialects' progress fields."""


class EngineError(Exception):
    """An engine could not do the task. ``retryable`` says whether running it again may help."""

    code: str = "engine_failed"

    def __init__(self, message: str, *, code: str | None = None, retryable: bool = False) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.retryable = retryable


class InvalidEngineInput(EngineError):
    """The request cannot be made by this engine (empty lyrics, unsingable script, bad window...)."""

    code = "invalid_input"


@runtime_checkable
class Engine(Protocol):
    """A music engine. Instances are built once per worker process and reused for many tasks."""

    name: ClassVar[str]
    kinds: ClassVar[frozenset[TaskKind]]

    async def run(self, request: EngineRequest, sink: ProgressSink) -> None:
        """Make the request's outputs, reporting them through ``sink``; raise EngineError on failure."""
        ...
