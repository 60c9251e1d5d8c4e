"""structlog set-up: JSON lines when not on a TTY, readable output on a terminal."""

from __future__ import annotations

import logging
import sys

import structlog

from songforge.settings import Settings


def configure_logging(settings: Settings) -> None:
    """Configure structlog and the standard library logging once per process."""
    as_json = settings.log_json if settings.log_json is not None else not sys.stderr.isatty()
    level = getattr(logging, settings.log_level.upper(), logging.INFO)
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer() if as_json else structlog.dev.ConsoleRenderer(colors=False))
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
    logging.basicConfig(level=level, stream=sys.stderr, format="%(message)s")
    logging.getLogger("alembic").setLevel(max(level, logging.WARNING))  # one line per start is noise
