"""``task.generate``: runs one music/lyrics task through its engine, committing each stage as it comes."""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy.orm import Session

from songforge.db import Database
from songforge.engines.base import (
    ClipResult,
    ClipText,
    Engine,
    EngineError,
    EngineRequest,
    LyricsResult,
    SourceClip,
    TaskKind,
)
from songforge.storage.base import BlobStore
from songforge.task.models import Action, Clip, Task, TaskStatus
from songforge.task.schemas import GenerationRequest
from songforge.task.service import TaskService

log = structlog.get_logger(__name__)

OPERATION_KIND = {
    "generate": TaskKind.GENERATE, "extend": TaskKind.EXTEND, "upload_extend": TaskKind.EXTEND,
    "cover": TaskKind.COVER, "upload_cover": TaskKind.COVER, "add_vocals": TaskKind.ADD_VOCALS,
    "add_instrumental": TaskKind.ADD_INSTRUMENTAL, "replace_section": TaskKind.REPLACE_SECTION,
    "infill": TaskKind.REPLACE_SECTION, "artist_consistency": TaskKind.GENERATE, "lyrics": TaskKind.LYRICS,
    "mashup": TaskKind.COVER,
}


class RetryJob(Exception):
    """The engine says running the task again may help; the worker re-queues the job."""


def default_seed(task_id: str) -> int:
    """A stable seed derived from the task id when the caller gave none."""
    return int.from_bytes(hashlib.sha256(task_id.encode()).digest()[:4], "big")


class DbSink:
    """The engine's progress sink: stores files in the blob store and commits each stage."""

    def __init__(self, db: Database, store: BlobStore, service: TaskService, task_id: str, clip_ids: list[str]):
        self.db, self.store, self.service = db, store, service
        self.task_id = task_id
        self.clip_ids = clip_ids
        self._streamed: set[int] = set()

    def _task(self, session: Session) -> Task:
        task = session.get(Task, self.task_id)
        if task is None:  # deleted under us: nothing sensible to report to
            raise EngineError("the task no longer exists", code="task_gone")
        return task

    def text_ready(self, clips: list[ClipText]) -> None:
        with self.db.write() as s:
            self.service.text_ready(s, self._task(s), [(c.title, c.tags, c.lyrics) for c in clips])

    def audio_chunk(self, index: int, mp3_bytes: bytes) -> None:
        key = f"clips/{self.clip_ids[index]}/stream.mp3"
        if index not in self._streamed:
            self.store.put_bytes(key, mp3_bytes)  # a retried job starts the stream afresh
            self._streamed.add(index)
            with self.db.write() as s:
                self.service.streaming(s, self._task(s), index, key)
        else:
            self.store.append(key, mp3_bytes)

    def clip_finished(self, index: int, result: ClipResult) -> None:
        files = self._store_files(self.clip_ids[index], result)
        words = [asdict(w) for w in result.aligned_words]
        with self.db.write() as s:
            self.service.clip_finished(s, self._task(s), index, files=files, duration=result.duration,
                                       aligned_words=words, engine_data=result.engine_data)

    def _store_files(self, clip_id: str, r: ClipResult) -> dict[str, Any]:
        roles: dict[str, Path | None] = {"mp3": r.audio_mp3, "wav": r.audio_wav, "png": r.image_png,
                                         "midi": r.midi, "vocal": r.vocal_stem, "instrumental": r.instrumental_stem}
        names = {"mp3": "audio.mp3", "wav": "audio.wav", "png": "cover.png", "midi": "song.mid",
                 "vocal": "vocals.wav", "instrumental": "instrumental.wav"}
        files: dict[str, Any] = {}
        for role, path in roles.items():
            if path is not None and Path(path).exists():
                key = f"clips/{clip_id}/{names[role]}"
                self.store.put_file(key, Path(path))
                files[role] = key
        stems = {}
        for name, path in r.stems.items():
            key = f"clips/{clip_id}/stems/{_safe(name)}.wav"
            self.store.put_file(key, Path(path))
            stems[name] = key
        if stems:
            files["stems"] = stems
        return files

    def lyrics_ready(self, variants: list[LyricsResult]) -> None:
        with self.db.write() as s:
            result = {"lyrics": [{"title": v.title, "text": v.text} for v in variants]}
            self.service.complete(s, self._task(s), result=result)

    def progress(self, fraction: float) -> None:
        with self.db.write() as s:
            self.service.progress(self._task(s), fraction)


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name) or "stem"


def _source(store: BlobStore, clip: Clip, work: Path) -> SourceClip:
    audio_key = clip.files.get("mp3") or clip.files.get("wav")
    if not audio_key:
        raise EngineError("the source clip has no audio", code="source_missing")
    audio = store.fetch(audio_key, work / ("source" + Path(audio_key).suffix))
    wav = store.fetch(clip.files["wav"], work / "source.wav") if clip.files.get("wav") else None
    midi = store.fetch(clip.files["midi"], work / "source.mid") if clip.files.get("midi") else None
    return SourceClip(clip_id=clip.id, audio_path=audio, duration=clip.duration or 0.0, wav_path=wav,
                      midi_path=midi, engine_data=dict(clip.engine_data), title=clip.title, tags=clip.tags,
                      lyrics=clip.lyrics, is_upload=clip.clip_type == "upload")


def build_request(task: Task, source: SourceClip | None, work: Path) -> EngineRequest:
    """The engine's view of a task."""
    req = GenerationRequest.model_validate({k: v for k, v in task.params.items() if not k.startswith("_")})
    kind = TaskKind.LYRICS if task.action == Action.LYRICS else OPERATION_KIND.get(req.operation, TaskKind.GENERATE)
    return EngineRequest(
        task_id=task.id, kind=kind, work_dir=work, custom_mode=req.custom_mode, description=req.description,
        lyrics=req.lyrics, title=req.title, tags=req.tags, negative_tags=req.negative_tags,
        instrumental=req.instrumental, model=req.model,
        seed=req.seed if req.seed is not None else default_seed(task.id), n_clips=req.n_clips,
        vocal_gender=req.vocal_gender, style_weight=req.style_weight, weirdness=req.weirdness,
        audio_weight=req.audio_weight, source=source, continue_at=req.continue_at,
        infill_start=req.infill_start, infill_end=req.infill_end, duration_hint=req.duration, options=req.options)


async def run_engine_task(db: Database, store: BlobStore, service: TaskService, engine: Engine | None,
                          task_id: str, timeout: float, can_retry: bool = False) -> None:
    """Run ``task_id`` on ``engine``; a failure fails the task, or raises RetryJob when a retry may help."""
    work = Path(tempfile.mkdtemp(prefix=f"songforge-{task_id[:12]}-"))
    try:
        with db.write() as s:
            task = s.get(Task, task_id)
            if task is None or TaskStatus(task.status).terminal:
                return
            if engine is None:
                service.fail(s, task, "engine_unavailable", f"engine {task.engine!r} is not installed")
                return
            service.start(s, task)
            clip_ids = [c.id for c in task.clips]
            source_clip = s.get(Clip, task.parent_id) if task.parent_id else None
            source = _source(store, source_clip, work) if source_clip is not None else None
            request = build_request(task, source, work)
        sink = DbSink(db, store, service, task_id, clip_ids)
        await asyncio.wait_for(engine.run(request, sink), timeout=timeout)
        with db.write() as s:
            task = s.get(Task, task_id)
            if task is not None and not TaskStatus(task.status).terminal:
                service.fail(s, task, "engine_incomplete", "the engine finished without delivering every clip")
    except TimeoutError:
        _fail(db, service, task_id, "timeout", "time out")
    except EngineError as exc:
        if exc.retryable and can_retry:
            raise RetryJob(exc.message) from exc
        log.info("task.engine_failed", task_id=task_id, code=exc.code, error=exc.message)
        _fail(db, service, task_id, exc.code, exc.message)
    except Exception as exc:  # worker boundary: log with traceback, fail the task, keep the worker alive
        log.exception("task.crashed", task_id=task_id)
        _fail(db, service, task_id, "internal_error", f"internal error: {type(exc).__name__}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _fail(db: Database, service: TaskService, task_id: str, code: str, message: str) -> None:
    with db.write() as s:
        task = s.get(Task, task_id)
        if task is not None:
            service.fail(s, task, code, message)
