"""`songforge generate`: run an engine directly and write its files to a folder."""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

from songforge.engines.base import ClipResult, ClipText, EngineError, EngineRequest, LyricsResult, TaskKind
from songforge.engines.registry import EngineRegistry
from songforge.settings import Settings


class FolderSink:
    """Writes what the engine reports into ``out``."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.texts: list[ClipText] = []

    def text_ready(self, clips: list[ClipText]) -> None:
        self.texts = clips
        for i, clip in enumerate(clips):
            print(f"clip {i}: {clip.title!r} [{clip.tags}]", file=sys.stderr)

    def audio_chunk(self, index: int, mp3_bytes: bytes) -> None:
        with open(self.out / f"clip{index}.stream.mp3", "ab") as fh:
            fh.write(mp3_bytes)

    def clip_finished(self, index: int, result: ClipResult) -> None:
        folder = self.out / f"clip{index}"
        folder.mkdir(parents=True, exist_ok=True)
        for name, path in [("audio.mp3", result.audio_mp3), ("audio.wav", result.audio_wav),
                           ("cover.png", result.image_png), ("song.mid", result.midi),
                           ("vocals.wav", result.vocal_stem), ("instrumental.wav", result.instrumental_stem)]:
            if path is not None and Path(path).exists():
                shutil.copyfile(path, folder / name)
        for stem, path in result.stems.items():
            (folder / "stems").mkdir(exist_ok=True)
            shutil.copyfile(path, folder / "stems" / f"{stem}.wav")
        text = self.texts[index] if index < len(self.texts) else ClipText("", "", "")
        info = {"title": text.title, "tags": text.tags, "lyrics": text.lyrics, "duration": result.duration,
                "aligned_words": [asdict(w) for w in result.aligned_words]}
        (folder / "info.json").write_text(json.dumps(info, indent=2))
        (self.out / f"clip{index}.stream.mp3").unlink(missing_ok=True)
        print(f"{folder / 'audio.mp3'}  ({result.duration:.1f} s)")

    def lyrics_ready(self, variants: list[LyricsResult]) -> None:
        for i, v in enumerate(variants):
            (self.out / f"lyrics{i}.txt").write_text(f"{v.title}\n\n{v.text}\n")
            print(self.out / f"lyrics{i}.txt")

    def progress(self, fraction: float) -> None:
        pass


def generate(args: argparse.Namespace, settings: Settings) -> int:
    """Run the engine; exit code 1 with a message when it refuses the request."""
    lyrics = args.lyrics
    if lyrics.startswith("@"):
        lyrics = Path(lyrics[1:]).read_text()
    name = args.engine or settings.default_engine
    engine = EngineRegistry(settings.engines).get(name)
    if engine is None:
        print(f"engine {name!r} is not installed (see `songforge engines`)", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="songforge-gen-") as work:
        request = EngineRequest(task_id="cli", kind=TaskKind.GENERATE, work_dir=Path(work),
                                custom_mode=not args.description, description=args.description, lyrics=lyrics,
                                title=args.title, tags=args.tags, negative_tags=args.negative_tags,
                                instrumental=args.instrumental, seed=args.seed, n_clips=args.clips)
        try:
            asyncio.run(engine.run(request, FolderSink(args.out)))
        except EngineError as exc:
            print(f"generation failed: {exc.message}", file=sys.stderr)
            return 1
    return 0
