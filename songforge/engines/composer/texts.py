"""Per-clip title, tags and lyrics: as given (custom mode) or written (inspiration mode), checked for singability."""

from __future__ import annotations

from songforge.engines.base import ClipText, EngineRequest, InvalidEngineInput, TaskKind
from songforge.engines.composer.llm import llm_write
from songforge.engines.composer.settings import ComposerSettings
from songforge.engines.composer.text import check_singable, has_sung_words, parse_lyrics
from songforge.engines.composer.writer import Written, write

MAX_DESCRIPTION = 3000


def written(request: EngineRequest, settings: ComposerSettings, variant: int = 0) -> Written:
    """Lyrics for inspiration mode: the LLM endpoint if configured and working, else the rules."""
    idea = (request.description or request.tags or "a song")[:MAX_DESCRIPTION]
    got = llm_write(settings.lyrics_llm, idea) if variant == 0 else None
    if got is not None and has_sung_words(parse_lyrics(got.lyrics)):
        return got
    return write(idea, request.seed + 7919 * variant)


def lyric_variants(request: EngineRequest, settings: ComposerSettings) -> list[Written]:
    """Variants for a lyrics-only task."""
    return [written(request, settings, i) for i in range(max(1, request.n_clips))]


def clip_texts(request: EngineRequest, settings: ComposerSettings) -> list[ClipText]:
    """Title, tags and lyrics of every clip (the clips of one task share them, like the hosted services)."""
    title, tags, lyrics = request.title, request.tags, request.lyrics
    source = request.source
    if request.kind == TaskKind.GENERATE and not request.custom_mode:
        w = written(request, settings)
        title, tags = title or w.title, tags or w.tags
        lyrics = "" if request.instrumental else w.lyrics
    elif source is not None:
        title, tags = title or source.title, tags or source.tags
        if request.kind == TaskKind.COVER and not lyrics:
            lyrics = source.lyrics
    if request.instrumental:
        lyrics = ""
    check_singable(lyrics)
    needs_lyrics = request.kind in (TaskKind.GENERATE, TaskKind.ADD_VOCALS) and request.custom_mode
    if needs_lyrics and not request.instrumental and not has_sung_words(parse_lyrics(lyrics)):
        raise InvalidEngineInput("custom mode needs lyrics with at least one singable word (or instrumental=true)")
    title = title or (lyrics.strip().splitlines()[0][:40] if lyrics.strip() else "Untitled")
    if title.startswith("["):
        title = next((ln for ln in lyrics.splitlines() if ln.strip() and not ln.startswith("[")), "Untitled")[:40]
    return [ClipText(title, tags or "pop", lyrics) for _ in range(max(1, request.n_clips))]
