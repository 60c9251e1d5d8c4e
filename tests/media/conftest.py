"""Fixtures for media jobs: a caller, testtone source clips, a task submitter and ffprobe helpers."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from songforge.account import service as accounts
from songforge.account.service import Caller
from songforge.ids import dashed_uuid, hex32
from songforge.runtime import Runtime
from songforge.task.models import Action, Clip, Task
from songforge.task.schemas import GenerationRequest
from tests.conftest import run_jobs

LYRICS = "[Verse]\nSing a little song tonight\nUnder neon city light\n[Chorus]\nHold on hold on"


@pytest.fixture
def caller(rt: Runtime) -> Caller:
    """A key with plenty of credits."""
    with rt.db.write() as s:
        key = accounts.create_key(s, name="media", credits=10_000).key
        return Caller(key.id, key.name, key.unlimited)


def submit(rt: Runtime, who: Caller, dialect: str = "kie", **fields: Any) -> str:
    """Accept a task built from ``fields`` (GenerationRequest names); returns its id."""
    task_id = dashed_uuid() if dialect == "suno" else hex32()
    with rt.db.write() as s:
        rt.tasks.submit(s, who, dialect=dialect, task_id=task_id, req=GenerationRequest(**fields),
                        request_body={}, base_url="http://testserver")
    return task_id


@pytest.fixture
def song(rt: Runtime, caller: Caller) -> Callable[..., str]:
    """Make a finished testtone music task; returns its id."""

    def make(**fields: Any) -> str:
        body = {"lyrics": LYRICS, "title": "Neon", "tags": "synth pop", **fields}
        task_id = submit(rt, caller, **body)
        assert run_jobs(rt) >= 1
        return task_id

    return make


def task_of(rt: Runtime, task_id: str) -> Task:
    """The task with its clips (detached copy, attributes loaded)."""
    with rt.db.read() as s:
        task = s.get(Task, task_id)
        assert task is not None
        _ = [c.files for c in task.clips]
        s.expunge_all()
        return task


def clip_of(rt: Runtime, clip_id: str) -> Clip:
    """A clip (detached copy)."""
    with rt.db.read() as s:
        clip = s.get(Clip, clip_id)
        assert clip is not None
        s.expunge(clip)
        return clip


def derive(rt: Runtime, who: Caller, action: Action, parent: str, **options: Any) -> Task:
    """Submit a derivative task of ``parent`` and run it to its end."""
    fields: dict[str, Any] = {"action": action, "operation": str(action), "n_clips": 0, "options": options}
    if action == Action.COVER_IMAGE:
        fields["source_task_id"] = parent
    else:
        fields["source_clip_id"] = parent
    task_id = submit(rt, who, **fields)
    run_jobs(rt)
    return task_of(rt, task_id)


def ffprobe(path: Path) -> dict[str, Any]:
    """ffprobe's JSON for a file."""
    out = subprocess.run(["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams",
                          str(path)], capture_output=True, check=True)
    return json.loads(out.stdout)
