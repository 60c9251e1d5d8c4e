"""Lists every setting as an environment variable with its default and description (docs and the CLI)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from songforge.settings import Settings


def _default(value: Any) -> str:
    if isinstance(value, BaseModel):
        return ""
    if hasattr(value, "value"):
        value = value.value
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return "" if value is None else str(value)


def rows(model: type[BaseModel] = Settings, prefix: str = "SONGFORGE_") -> Iterator[tuple[str, str, str]]:
    """(ENV_NAME, default, description) for every leaf setting, depth first."""
    for name, field in model.model_fields.items():
        env = f"{prefix}{name.upper()}"
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from rows(annotation, env + "__")
            continue
        default = field.get_default(call_default_factory=True)
        yield env, _default(default), field.description or ""


def markdown() -> str:
    """A markdown table of every setting."""
    lines = ["| Variable | Default | Meaning |", "|---|---|---|"]
    for env, default, desc in rows():
        lines.append(f"| `{env}` | `{default}` | {desc} |" if default else f"| `{env}` | | {desc} |")
    return "\n".join(lines) + "\n"
