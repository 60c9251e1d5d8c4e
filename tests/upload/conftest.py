"""Upload tests share the media fixtures (a caller with credits, testtone songs)."""

from tests.media.conftest import caller, song  # noqa: F401 (pytest fixtures)
