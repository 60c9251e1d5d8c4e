"""Accepting tasks (auth'd, charged, queued in one transaction) and moving them through their stages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from songforge.account import service as accounts
from songforge.account.service import Caller
from songforge.callback.netguard import CallbackGuard
from songforge.callback.service import CallbackOutbox
from songforge.clock import utcnow
from songforge.errors import EngineUnavailable, InvalidRequest, NotReady, RateLimited, TaskNotFound
from songforge.ids import dashed_uuid
from songforge.queue.base import Queue
from songforge.settings import Settings
from songforge.storage.urls import UrlSigner
from songforge.task import catalog
from songforge.task import repository as repo
from songforge.task.models import Action, Clip, ClipStatus, Task, TaskStatus
from songforge.task.schemas import GenerationRequest
from songforge.task.view import RenderContext

# Actions that are made by a music engine; everything else runs on the "media" queue.
ENGINE_ACTIONS = {Action.MUSIC, Action.LYRICS}
MEDIA_QUEUE = "media"
# Music-task operations made by media jobs, not by an engine (Suno "gen_stem": the source's stems as clips).
MEDIA_OPERATIONS = {"gen_stem"}


@dataclass
class TaskService:
    """Everything the task lifecycle needs, built once by the composition root."""

    settings: Settings
    queue: Queue
    outbox: CallbackOutbox
    guard: CallbackGuard
    signer: UrlSigner
    engine_names: frozenset[str]

    # ----- accepting -------------------------------------------------------------------------------------
    def check_callback(self, url: str) -> None:
        """Refuse callback URLs we may not call (before anything is written)."""
        if url:
            self.guard.check(url)

    def check_rate(self, session: Session, caller: Caller) -> None:
        """RateLimited when the key created too many tasks in the last 10 s."""
        limit = self.settings.rate_limit_per_10s
        if limit and repo.count_recent(session, caller.key_id, utcnow() - timedelta(seconds=10)) >= limit:
            raise RateLimited("too many requests, slow down")

    def source_clip(self, session: Session, caller: Caller, clip_id: str, *, need_complete: bool = True) -> Clip:
        """The caller's clip ``clip_id`` (finished unless told otherwise), or TaskNotFound / NotReady."""
        clip = repo.clip_for_key(session, caller.key_id, clip_id)
        if clip is None:
            raise TaskNotFound(f"clip not found: {clip_id}", field="clip_id")
        if need_complete and clip.status != ClipStatus.COMPLETE:
            raise NotReady(f"clip {clip_id} is not finished yet")
        return clip

    def engine_for(self, req: GenerationRequest) -> str:
        """The routing table's engine for the model as the caller spelled it, its Suno slug or its KIE name."""
        info = catalog.BY_SLUG.get(req.model)
        for name in (req.model_alias, req.model, info.kie if info else ""):
            if name and name in self.settings.engine_routes:
                return self.settings.engine_routes[name]
        return self.settings.default_engine

    def submit(self, session: Session, caller: Caller, *, dialect: str, task_id: str, req: GenerationRequest,
               request_body: dict[str, Any], base_url: str) -> Task:
        """Validate, charge and queue a task with its clips; all or nothing in the caller's transaction."""
        self.check_callback(req.callback_url)
        self.check_rate(session, caller)
        source = self._check_source(session, caller, req)
        by_engine = req.action in ENGINE_ACTIONS and req.operation not in MEDIA_OPERATIONS
        engine = self.engine_for(req) if by_engine else MEDIA_QUEUE
        if by_engine and engine not in self.engine_names:
            raise EngineUnavailable(f"engine {engine!r} is not installed")
        params = req.model_dump(mode="json")
        params["_base_url"] = base_url
        task = Task(id=task_id, key_id=caller.key_id, dialect=dialect, action=req.action, operation=req.operation,
                    engine=engine, model=req.model, model_alias=req.model_alias or req.model,
                    params=params, request_body=request_body, callback_url=req.callback_url,
                    parent_id=req.source_clip_id, status=TaskStatus.QUEUED)
        session.add(task)
        if req.action == Action.MUSIC:
            for i in range(req.n_clips):
                session.add(self._new_clip(task, i, req, source))
        price = self.settings.prices.get(str(req.action), 0)
        accounts.charge(session, caller.key_id, task_id, price)
        task.credits_charged = price
        self.queue.enqueue(session, task_id, engine)
        session.flush()
        return task

    def _check_source(self, session: Session, caller: Caller, req: GenerationRequest) -> Clip | None:
        if req.source_task_id and repo.task_for_key(session, caller.key_id, req.source_task_id) is None:
            raise TaskNotFound(f"task not found: {req.source_task_id}", field="task_id")
        if not req.source_clip_id:
            return None
        clip = self.source_clip(session, caller, req.source_clip_id)
        duration = clip.duration or 0.0
        if req.continue_at is not None and duration and not 0 < req.continue_at < duration:
            raise InvalidRequest(f"continue_at must be between 0 and the clip's duration ({duration:.2f} s)",
                                 field="continue_at")
        if req.infill_start is not None and req.infill_end is not None and duration \
                and req.infill_end > duration + 0.01:
            raise InvalidRequest(f"the replaced window ends after the clip ({duration:.2f} s)", field="infill_end")
        return clip

    @staticmethod
    def _new_clip(task: Task, idx: int, req: GenerationRequest, source: Clip | None) -> Clip:
        meta: dict[str, Any] = {"type": "gen", "task": req.operation}
        if source is not None and req.operation in ("extend", "upload_extend"):
            meta["history"] = [{"id": source.id, "continue_at": req.continue_at, "type": source.clip_type,
                                "source": "web", "infill": False}]
        if req.persona_id:
            meta.update(persona_id=req.persona_id, artist_clip_id=req.artist_clip_id)
        if source is not None and req.operation == "gen_stem":
            meta.update(type="stem", stem_from_id=source.id)
        return Clip(id=dashed_uuid(), task_id=task.id, key_id=task.key_id, idx=idx, status=ClipStatus.SUBMITTED,
                    title=req.title, tags=req.tags, negative_tags=req.negative_tags,
                    lyrics="" if req.instrumental else req.lyrics, description=req.description,
                    model_name=req.model, clip_type=meta["type"], has_vocal=not req.instrumental, meta=meta)

    # ----- stages (worker side; each call runs in its own write transaction) ------------------------------
    def ctx(self, task: Task) -> RenderContext:
        """How to render URLs for ``task``."""
        return RenderContext.for_task(self.signer, self.settings.public_base_url, task)

    def _emit(self, session: Session, task: Task, event: str) -> None:
        session.flush()
        self.outbox.record(session, task, event, self.ctx(task))

    def start(self, session: Session, task: Task) -> None:
        """A worker took the task."""
        if task.status == TaskStatus.QUEUED:
            task.status = TaskStatus.RUNNING
        task.started_at = task.started_at or utcnow()
        for clip in task.clips:
            if clip.status == ClipStatus.SUBMITTED:
                clip.status = ClipStatus.QUEUED

    def text_ready(self, session: Session, task: Task, texts: list[tuple[str, str, str]]) -> None:
        """Titles, tags and lyrics are known: stage *text*."""
        for clip, (title, tags, lyrics) in zip(task.clips, texts, strict=False):
            clip.title, clip.tags, clip.lyrics = title, tags, lyrics
        if task.status in (TaskStatus.QUEUED, TaskStatus.RUNNING):
            task.status = TaskStatus.TEXT
            task.progress = max(task.progress, 30)
            self._emit(session, task, "text")

    def streaming(self, session: Session, task: Task, idx: int, stream_key: str) -> None:
        """Clip ``idx`` has playable audio: stage *first* when it is clip 0."""
        clip = task.clips[idx]
        if clip.status in (ClipStatus.SUBMITTED, ClipStatus.QUEUED):
            clip.status = ClipStatus.STREAMING
            clip.files = {**clip.files, "stream": stream_key}
        self._maybe_first(session, task)

    def _maybe_first(self, session: Session, task: Task) -> None:
        first = task.clips[0] if task.clips else None
        if first is None or first.status not in (ClipStatus.STREAMING, ClipStatus.COMPLETE):
            return
        if task.status in (TaskStatus.QUEUED, TaskStatus.RUNNING, TaskStatus.TEXT):
            if task.status != TaskStatus.TEXT:
                task.status = TaskStatus.TEXT
                self._emit(session, task, "text")
            task.status = TaskStatus.FIRST
            task.progress = max(task.progress, 60)
            self._emit(session, task, "first")

    def clip_finished(self, session: Session, task: Task, idx: int, *, files: dict[str, Any], duration: float,
                      aligned_words: list[dict[str, Any]], engine_data: dict[str, Any]) -> None:
        """Clip ``idx`` is final; the task completes with its last clip."""
        clip = task.clips[idx]
        clip.files = {**clip.files, **files}
        clip.duration = round(duration, 2)
        clip.aligned_words = aligned_words
        clip.engine_data = engine_data
        clip.status = ClipStatus.COMPLETE
        clip.meta = {**clip.meta, "duration": clip.duration}
        self._maybe_first(session, task)
        if all(c.status == ClipStatus.COMPLETE for c in task.clips):
            self.complete(session, task)
        else:
            done = sum(c.status == ClipStatus.COMPLETE for c in task.clips)
            task.progress = max(task.progress, min(99, 60 + int(39 * done / len(task.clips))))

    def complete(self, session: Session, task: Task, result: dict[str, Any] | None = None) -> None:
        """The task is done."""
        if TaskStatus(task.status).terminal:
            return
        if result is not None:
            task.result = result
        task.status = TaskStatus.COMPLETE
        task.progress = 100
        task.finished_at = utcnow()
        task.started_at = task.started_at or task.finished_at
        self._emit(session, task, "complete")

    def progress(self, task: Task, fraction: float) -> None:
        """Engine progress 0..1 mapped into the dialects' percentage, never going back."""
        floor = {TaskStatus.TEXT: 30, TaskStatus.FIRST: 60}.get(TaskStatus(task.status), 0)
        task.progress = max(task.progress, min(99, floor + int((99 - floor) * max(0.0, min(1.0, fraction)))))

    def fail(self, session: Session, task: Task, code: str, message: str) -> None:
        """The task failed: clips error, credits refunded, the error callback queued."""
        if TaskStatus(task.status).terminal:
            return
        task.status = TaskStatus.FAILED
        task.error_code = code
        task.error_message = message[:2000]
        task.progress = 100
        task.finished_at = utcnow()
        task.started_at = task.started_at or task.finished_at
        for clip in task.clips:
            if clip.status != ClipStatus.COMPLETE:
                clip.status = ClipStatus.ERROR
                clip.error_message = message[:2000]
        if accounts.refund(session, task.key_id, task.id):
            task.params = {**task.params, "_refunded": True}
        self._emit(session, task, "error")

    def fail_overdue(self, session: Session) -> int:
        """Fail tasks that ran past the timeout (their worker died or hung); returns how many."""
        cutoff = utcnow() - timedelta(seconds=self.settings.queue.task_timeout_seconds)
        tasks = repo.overdue(session, cutoff)
        for task in tasks:
            self.fail(session, task, "timeout", "time out")
        return len(tasks)
