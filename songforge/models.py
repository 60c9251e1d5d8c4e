"""Imports every table so the metadata is complete (for Alembic and tests)."""

from songforge.account.models import ApiKey, LedgerEntry
from songforge.callback.models import Delivery
from songforge.db import Base
from songforge.meta import ServerMeta
from songforge.persona.models import Persona
from songforge.queue.models import Job
from songforge.task.models import Clip, Task
from songforge.upload.models import Upload


__all__ = ["ApiKey", "Base", "Clip", "Delivery", "Job", "LedgerEntry", "Persona", "ServerMeta", "Task", "Upload"]
