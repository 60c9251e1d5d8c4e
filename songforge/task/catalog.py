"""The model registry shared by every dialect: Suno slugs, their aliases and their text limits."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModelInfo:
    """One Suno model family and its documented limits (characters)."""

    slug: str
    version: str  # major_model_version
    kie: str  # KIE enum value ("" when KIE has none)
    prompt_max: int
    style_max: int
    kie_title_max: int


MODELS: list[ModelInfo] = [
    ModelInfo("chirp-v3-0", "v3", "", 3000, 200, 80),
    ModelInfo("chirp-v3-5", "v3.5", "V3_5", 3000, 200, 80),
    ModelInfo("chirp-v4", "v4", "V4", 3000, 200, 80),
    ModelInfo("chirp-auk", "v4.5", "V4_5", 5000, 1000, 100),
    ModelInfo("chirp-auk-turbo", "v4.5-all", "V4_5ALL", 5000, 1000, 80),
    ModelInfo("chirp-bluejay", "v4.5+", "V4_5PLUS", 5000, 1000, 100),
    ModelInfo("chirp-crow", "v5", "V5", 5000, 1000, 100),
    ModelInfo("chirp-fenix", "v5.5", "V5_5", 5000, 1000, 100),
    ModelInfo("chirp-hawk", "v6", "V6", 5000, 1000, 100),
    ModelInfo("chirp-hawk-wild", "v6-wild", "V6_WILD", 5000, 1000, 100),
    ModelInfo("chirp-goose", "v6-mini", "V6_MINI", 5000, 1000, 100),
]
BY_SLUG = {m.slug: m for m in MODELS}
BY_KIE = {m.kie: m for m in MODELS if m.kie}

ALIASES = {
    "chirp-v3": "chirp-v3-0", "chirp-v3.0": "chirp-v3-0", "chirp-v3-5-tau": "chirp-v3-5",
    "chirp-v3-5-upload": "chirp-v3-5", "suno-v3-5": "chirp-v3-5", "chirp-v4-0": "chirp-v4", "suno-v4-0": "chirp-v4",
    "suno-v4-0-vip": "chirp-v4", "suno-v4-0-pro": "chirp-v4", "chirp-v4-tau": "chirp-v4", "chirp-v4-upload": "chirp-v4",
    "chirp-v4-5": "chirp-auk", "suno-v4-5": "chirp-auk", "chirp-v4-5-all": "chirp-auk-turbo",
    "chirp-v4-5-plus": "chirp-bluejay", "chirp-v5": "chirp-crow", "suno-v5-0": "chirp-crow",
    "chirp-v5-5": "chirp-fenix",
}
# Legacy upload slugs imply task "upload_extend" in the Suno dialect.
UPLOAD_SLUGS = {"chirp-v3-5-upload", "chirp-v4-upload"}


def resolve(name: str | None, default: str = "chirp-v4") -> ModelInfo:
    """The model for any accepted spelling (slug, alias or KIE enum); unknown names give ``default``."""
    key = (name or "").strip()
    if key in BY_SLUG:
        return BY_SLUG[key]
    if key in BY_KIE:
        return BY_KIE[key]
    lowered = key.lower()
    if lowered in BY_SLUG:
        return BY_SLUG[lowered]
    if lowered in ALIASES:
        return BY_SLUG[ALIASES[lowered]]
    return BY_SLUG[default]


def is_known(name: str | None) -> bool:
    """True when ``name`` is a slug, alias or KIE enum value we know."""
    key = (name or "").strip()
    return key in BY_SLUG or key in BY_KIE or key.lower() in BY_SLUG or key.lower() in ALIASES
