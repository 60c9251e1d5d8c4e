"""Route helpers of the KIE dialect: submitting tasks, loading a family's task, settings shortcuts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from songforge.account.service import Caller
from songforge.errors import InvalidRequest, TaskNotFound
from songforge.ids import hex32
from songforge.runtime import Runtime
from songforge.task import catalog
from songforge.task import repository as repo
from songforge.task.models import Action, Task
from songforge.task.schemas import GenerationRequest
from songforge.task.view import RenderContext

DIALECT = "kie"
ROUTED_EXTRAS = ("V6", "V6_WILD", "V6_MINI")  # accepted only when the routing table names them (spec §3)
Prepare = Callable[[Session, GenerationRequest], GenerationRequest]
After = Callable[[Session, Task], None]


def strict(rt: Runtime) -> bool:
    """Whether a missing callBackUrl is refused."""
    return rt.settings.dialects.kie.strict_callback_url


def extra_models(rt: Runtime) -> frozenset[str]:
    """Undocumented model values an engine route exists for."""
    routes = rt.settings.engine_routes
    return frozenset(m for m in ROUTED_EXTRAS if m in routes or catalog.BY_KIE[m].slug in routes)


def submit(rt: Runtime, who: Caller, req: GenerationRequest, body: dict[str, Any], base: str, *,
           prepare: Prepare | None = None, after: After | None = None) -> str:
    """Accept ``req`` as a KIE task in one transaction (``prepare`` may look things up first); returns its id."""
    task_id = hex32()
    with rt.db.write() as session:
        if prepare is not None:
            req = prepare(session, req)
        task = rt.tasks.submit(session, who, dialect=DIALECT, task_id=task_id, req=req, request_body=body,
                               base_url=base)
        if after is not None:
            after(session, task)
    return task_id


def task_id_param(value: str | None) -> str:
    """The ``taskId`` query/body value, required."""
    value = (value or "").strip()
    if not value:
        raise InvalidRequest("taskId is required", field="taskId")
    return value


def own_task(session: Session, who: Caller, task_id: str, *actions: Action, dialect: str | None = DIALECT) -> Task:
    """The caller's task of one of ``actions`` (made through this dialect unless ``dialect`` is None)."""
    task = repo.task_for_key(session, who.key_id, task_id)
    if task is None or (dialect and task.dialect != dialect) or (actions and task.action not in actions):
        raise TaskNotFound("Task not found", field="taskId")
    return task


def details(rt: Runtime, who: Caller, task_id: str | None, actions: tuple[Action, ...],
            view: Callable[[Task, RenderContext], Any]) -> Any:
    """Render one of the caller's tasks of ``actions`` with ``view``."""
    tid = task_id_param(task_id)
    with rt.db.read() as session:
        task = own_task(session, who, tid, *actions)
        return view(task, rt.tasks.ctx(task))
