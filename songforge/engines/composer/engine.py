"""ComposerEngine: the offline default engine; plans the clips, runs them in a process pool, streams results."""

from __future__ import annotations

import asyncio
import hashlib
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, ClassVar

from songforge.engines.base import (
    AlignedWord, ClipResult, ClipText, EngineError, EngineRequest, InvalidEngineInput, LyricsResult, ProgressSink,
    TaskKind,
)
from songforge.engines.composer.clip import ClipJob, make_clip, warm
from songforge.engines.composer.edits import edit_jobs
from songforge.engines.composer.settings import ComposerSettings
from songforge.engines.composer.texts import clip_texts, lyric_variants

POLL_S = 0.05


def clip_seed(seed: int, index: int) -> int:
    """A per-clip seed: stable, different for each clip of a task."""
    return int.from_bytes(hashlib.sha256(f"{seed}:{index}".encode()).digest()[:4], "little")


class ComposerEngine:
    """Lyrics → arrangement → FluidSynth band + flite/PSOLA singer → mastered MP3, on CPU, no downloads."""

    name: ClassVar[str] = "composer"
    kinds: ClassVar[frozenset[TaskKind]] = frozenset(TaskKind)

    def __init__(self, settings: dict[str, Any] | None = None) -> None:
        self.settings = ComposerSettings.from_dict(settings)
        self._pool: ProcessPoolExecutor | None = None
        if self.settings.prestart:
            self.start()

    def start(self) -> None:
        """Start the worker processes now (each loads the soundfont) instead of on the first task."""
        pool = self._executor()
        for _ in range(self.settings.workers):
            pool.submit(int)  # a no-op per worker makes the pool spawn its processes

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            ctx = multiprocessing.get_context("forkserver")  # fork is unsafe in a threaded server process
            ctx.set_forkserver_preload(["songforge.engines.composer.clip"])
            self._pool = ProcessPoolExecutor(self.settings.workers, mp_context=ctx, initializer=warm,
                                             initargs=(self.settings.soundfont,))
        return self._pool

    def close(self) -> None:
        """Stop the worker processes."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    async def run(self, request: EngineRequest, sink: ProgressSink) -> None:
        """Make the request's clips (or lyrics) and report them through the sink."""
        if request.kind == TaskKind.LYRICS:
            sink.lyrics_ready([LyricsResult(w.title, w.lyrics) for w in lyric_variants(request, self.settings)])
            return
        texts = clip_texts(request, self.settings)
        sink.text_ready(texts)
        jobs = await asyncio.to_thread(self._jobs, request, texts)  # reading an upload takes seconds
        (request.work_dir / ".stream").mkdir(parents=True, exist_ok=True)
        await self._run_jobs(jobs, request, sink)

    def _jobs(self, request: EngineRequest, texts: list[ClipText]) -> list[ClipJob]:
        s = self.settings
        base = [ClipJob(index=i, work_dir=str(request.work_dir), seed=clip_seed(request.seed, i), title=t.title,
                        tags=t.tags, lyrics=t.lyrics, negative_tags=request.negative_tags,
                        vocal_gender=request.vocal_gender, instrumental=request.instrumental or not t.lyrics,
                        soundfont=s.soundfont, target_s=_target_seconds(request), bitrate=s.bitrate, stream=s.stream)
                for i, t in enumerate(texts)]
        if request.kind == TaskKind.GENERATE:
            return base
        return edit_jobs(request, base)

    async def _run_jobs(self, jobs: list[ClipJob], request: EngineRequest, sink: ProgressSink) -> None:
        loop = asyncio.get_running_loop()
        pool = self._executor()
        try:
            futures = [loop.run_in_executor(pool, make_clip, job) for job in jobs]
        except BrokenProcessPool:
            self._pool = None
            futures = [loop.run_in_executor(self._executor(), make_clip, job) for job in jobs]
        pending = {i: f for i, f in enumerate(futures)}
        sent = {i: 0 for i in pending}
        stream_dir = request.work_dir / ".stream"
        deadline = loop.time() + self.settings.clip_timeout_s
        try:
            while pending:
                done, _ = await asyncio.wait(pending.values(), timeout=POLL_S)
                self._forward_chunks(stream_dir, sent, sink)
                for i in [i for i, f in pending.items() if f in done]:
                    result = pending.pop(i).result()
                    self._forward_chunks(stream_dir, sent, sink)
                    sink.clip_finished(i, _clip_result(result, request.work_dir))
                    sink.progress(1.0 - len(pending) / len(jobs))
                if loop.time() > deadline:
                    raise EngineError("the composer took too long", code="engine_timeout", retryable=True)
        except BrokenProcessPool as exc:
            self._pool = None
            raise EngineError("a composer worker process died", retryable=True) from exc
        except BaseException:
            for f in pending.values():
                f.cancel()
            if pending:
                self._kill_pool()
            raise

    def _kill_pool(self) -> None:
        """Stop runaway workers so nothing keeps burning CPU after a failure or timeout."""
        pool, self._pool = self._pool, None
        if pool is not None:
            for proc in list(getattr(pool, "_processes", {}).values()):
                proc.terminate()
            pool.shutdown(wait=False, cancel_futures=True)

    @staticmethod
    def _forward_chunks(stream_dir: Path, sent: dict[int, int], sink: ProgressSink) -> None:
        for i in sent:
            while (path := stream_dir / f"{i}-{sent[i]:03d}.mp3").exists():
                sink.audio_chunk(i, path.read_bytes())
                sent[i] += 1


def _target_seconds(request: EngineRequest) -> float:
    """Length asked for instrumentals without lyrics (1.5-2.5 min by default)."""
    if request.duration_hint:
        return float(min(240.0, max(20.0, request.duration_hint)))
    return 120.0


def _clip_result(result: dict[str, Any], work_dir: Path) -> ClipResult:
    """Turn a worker's answer into a ClipResult, or raise the error it carried."""
    if "error" in result:
        err = result["error"]
        cls = InvalidEngineInput if err.get("invalid") else EngineError
        raise cls(err["message"], code=err["code"], retryable=bool(err["retryable"]))
    song = result["song"]
    words = [AlignedWord(w["word"], w["start_s"], w["end_s"], w["line_index"], w["section"])
             for w in result.get("aligned_words", [])]
    return ClipResult(
        audio_mp3=Path(result["mp3"]), duration=float(result["duration"]), audio_wav=Path(result["wav"]),
        image_png=Path(result["png"]), midi=Path(result["midi"]),
        vocal_stem=Path(result["vocal"]) if result.get("vocal") else None,
        instrumental_stem=Path(result["instrumental"]), stems={k: Path(v) for k, v in result["stems"].items()},
        aligned_words=words,
        engine_data={"engine": "composer", "version": 1, "seed": result.get("seed"), "bpm": song["bpm"],
                     "key": song["key"], "mode": song["mode"], "tags": result.get("tags", ""), "song": song},
    )


__all__ = ["ComposerEngine", "clip_seed"]
