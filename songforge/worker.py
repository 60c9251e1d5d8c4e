"""Worker processes: claim jobs, run them, renew leases; embedded mode starts them as children of `serve`."""

from __future__ import annotations

import asyncio
import ctypes
import multiprocessing as mp
import os
import signal
import socket
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

import structlog

from songforge.logging import configure_logging
from songforge.queue.base import ClaimedJob
from songforge.runtime import Runtime
from songforge.settings import Settings
from songforge.task.jobs import RetryJob, run_engine_task
from songforge.task.models import Task
from songforge.task.service import MEDIA_QUEUE

log = structlog.get_logger(__name__)

JobHandler = Callable[[Runtime, ClaimedJob], Awaitable[None]]


async def _engine_job(rt: Runtime, job: ClaimedJob) -> None:
    with rt.db.read() as s:
        task = s.get(Task, job.task_id)
        engine_name = task.engine if task is not None else ""
        needs_source = task is not None and bool(task.params.get("source_url")) and not task.parent_id
    if needs_source:  # KIE uploadUrl & co: turn the URL into an upload clip first (fails the task if it can't)
        from songforge.upload.service import materialize_source

        if not await asyncio.to_thread(materialize_source, rt, job.task_id):
            return
    engine = rt.engines.get(engine_name) if engine_name else None
    await run_engine_task(rt.db, rt.store, rt.tasks, engine, job.task_id, rt.settings.queue.task_timeout_seconds,
                          can_retry=job.attempts < rt.settings.queue.max_attempts)


async def _media_job(rt: Runtime, job: ClaimedJob) -> None:
    from songforge.media.jobs import run_media_task  # derivative tasks (wav, stems, mp4 ...), uploads

    await run_media_task(rt, job.task_id)


def handler_for(queue: str) -> JobHandler:
    """Media jobs go to the media handlers; every other queue is an engine name."""
    return _media_job if queue == MEDIA_QUEUE else _engine_job


class Heartbeat(threading.Thread):
    """Renews a job's lease while the (possibly CPU-bound) job runs."""

    def __init__(self, rt: Runtime, job: ClaimedJob, worker_id: str) -> None:
        super().__init__(daemon=True)
        self.rt, self.job, self.worker_id = rt, job, worker_id
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.rt.settings.queue.heartbeat_seconds):
            try:
                self.rt.queue.heartbeat(self.job, self.worker_id)
            except Exception:  # a missed beat is retried next period
                log.exception("job.heartbeat_failed", job_id=self.job.job_id)


class Worker:
    """Takes jobs from the given queues (None: all) one at a time until stopped."""

    def __init__(self, rt: Runtime, queues: list[str] | None = None, worker_id: str | None = None) -> None:
        self.rt = rt
        self.queues = queues
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}"
        self.stopping = False

    async def run_one(self) -> bool:
        """Claim and run one job; False when there was none."""
        job = self.rt.queue.claim(self.queues, self.worker_id)
        if job is None:
            return False
        structlog.contextvars.bind_contextvars(job_id=job.job_id, task_id=job.task_id)
        beat = Heartbeat(self.rt, job, self.worker_id)
        beat.start()
        try:
            if job.attempts > self.rt.settings.queue.max_attempts:
                self._give_up(job)
                return True
            log.info("job.start", queue=job.queue, attempt=job.attempts)
            await handler_for(job.queue)(self.rt, job)
            self.rt.queue.finish(job)
            log.info("job.done")
        except RetryJob as exc:
            self.rt.queue.finish(job, error=str(exc), retry_in=2.0 ** job.attempts)
        except Exception as exc:  # worker boundary
            log.exception("job.crashed")
            self.rt.queue.finish(job, error=f"{type(exc).__name__}: {exc}")
        finally:
            beat.stopped.set()
            structlog.contextvars.unbind_contextvars("job_id", "task_id")
        return True

    def _give_up(self, job: ClaimedJob) -> None:
        with self.rt.db.write() as s:
            task = s.get(Task, job.task_id)
            if task is not None:
                self.rt.tasks.fail(s, task, "worker_lost", "the task's worker stopped repeatedly")
        self.rt.queue.finish(job, error="too many attempts")

    async def run_forever(self, parent_pid: int | None = None) -> None:
        """Loop until stopped (or, as a child, until the parent is gone)."""
        idle = self.rt.settings.queue.poll_seconds
        while not self.stopping:
            if parent_pid is not None and os.getppid() != parent_pid:
                log.info("worker.parent_gone")
                return
            try:
                busy = await self.run_one()
            except Exception:  # the database may be briefly unavailable; keep going
                log.exception("worker.loop_error")
                busy = False
            if not busy:
                await asyncio.sleep(idle)


def warm_up(rt: Runtime, queues: list[str] | None) -> None:
    """Build the engines this worker serves and call their optional ``start()`` (load models, start pools),
    so the first task streams as soon as later ones do."""
    names = set(queues) if queues else {rt.settings.default_engine, *rt.settings.engine_routes.values()}
    for name in sorted(names - {MEDIA_QUEUE}):
        try:
            engine = rt.engines.get(name)
            start = getattr(engine, "start", None)
            if callable(start):
                start()
        except Exception:  # a failing warm-up must not stop the worker; the task will report the error
            log.exception("engine.warm_up_failed", engine=name)


def _die_with_parent() -> None:
    """Linux: ask the kernel to kill us when the parent dies (a kill -9'd server leaves no orphans)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _child_main(settings_json: str, queues: list[str] | None, parent_pid: int) -> None:
    _die_with_parent()
    settings = Settings.model_validate_json(settings_json)
    if settings.queue.worker_nice:
        os.nice(settings.queue.worker_nice)  # generations yield the CPU to the API process
    configure_logging(settings)
    rt = Runtime(settings)
    warm_up(rt, queues)
    worker = Worker(rt, queues)
    signal.signal(signal.SIGTERM, lambda *_: setattr(worker, "stopping", True))
    asyncio.run(worker.run_forever(parent_pid))


class WorkerPool:
    """Worker child processes of the embedded server (spawned, not forked)."""

    def __init__(self, settings: Settings, count: int, queues: list[str] | None = None) -> None:
        self.settings, self.count, self.queues = settings, count, queues
        self.procs: list[Any] = []

    def start(self) -> None:
        """Start the children."""
        ctx = mp.get_context("spawn")
        payload = self.settings.model_dump_json()
        for i in range(self.count):
            proc = ctx.Process(target=_child_main, args=(payload, self.queues, os.getpid()),
                               name=f"songforge-worker-{i}", daemon=False)  # engines may start pools
            # of their own, which daemonic processes may not; PR_SET_PDEATHSIG still ends them with the server
            proc.start()
            self.procs.append(proc)

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the children to finish their current job and exit; kill stragglers."""
        for proc in self.procs:
            if proc.is_alive():
                proc.terminate()
        deadline = time.monotonic() + timeout
        for proc in self.procs:
            proc.join(max(0.0, deadline - time.monotonic()))
            if proc.is_alive():
                proc.kill()
        self.procs.clear()
