"""A real worker running in a background thread, for routes that wait on a job (``/suno/act/wav`` ...)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from songforge.runtime import Runtime
from songforge.worker import Worker


@contextmanager
def background_worker(rt: Runtime) -> Iterator[Worker]:
    """Run a worker on every queue until the block ends."""
    worker = Worker(rt, worker_id="test-background")
    thread = threading.Thread(target=lambda: asyncio.run(worker.run_forever()), daemon=True)
    thread.start()
    try:
        yield worker
    finally:
        worker.stopping = True
        thread.join(timeout=30)
