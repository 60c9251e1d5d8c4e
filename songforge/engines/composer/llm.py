"""Optional lyric writer over an OpenAI-compatible chat endpoint; any failure returns None (rules take over)."""

from __future__ import annotations

import re

from songforge.engines.composer.settings import LyricsLLM
from songforge.engines.composer.writer import Written, tags_from

PROMPT = ("Write song lyrics for this idea: {idea}\nAnswer exactly in this format:\nTitle: <title>\n"
          "Tags: <comma separated style tags>\n\n[Verse]\n<4 lines>\n\n[Chorus]\n<4 lines>\n\n[Verse 2]\n<4 lines>\n\n"
          "[Chorus]\n<4 lines>\nShort lines (6-10 syllables), rhyming, English only.")


def llm_write(cfg: LyricsLLM, description: str) -> Written | None:
    """Ask the configured endpoint for title, tags and lyrics; None on any error or malformed answer."""
    if not (cfg.base_url and cfg.model):
        return None
    import httpx  # only needed when an endpoint is configured

    try:
        resp = httpx.post(cfg.base_url.rstrip("/") + "/chat/completions", timeout=cfg.timeout,
                          headers={"Authorization": f"Bearer {cfg.api_key}"} if cfg.api_key else {},
                          json={"model": cfg.model, "temperature": 0.8,
                                "messages": [{"role": "user", "content": PROMPT.format(idea=description[:500])}]})
        resp.raise_for_status()
        text = str(resp.json()["choices"][0]["message"]["content"])
    except Exception:  # noqa: BLE001 - any transport or format problem means: use the rule-based writer
        return None
    return parse_answer(text, description)


def parse_answer(text: str, description: str) -> Written | None:
    """Split an answer into title, tags and lyrics; None when it has no usable lyric lines."""
    title = re.search(r"^\s*title\s*:\s*(.+)$", text, re.I | re.M)
    tags = re.search(r"^\s*tags\s*:\s*(.+)$", text, re.I | re.M)
    body = re.sub(r"^\s*(title|tags)\s*:.*$", "", text, flags=re.I | re.M).strip()
    lines = [ln for ln in body.splitlines() if ln.strip() and not ln.strip().startswith("[")]
    if len(lines) < 4:
        return None
    return Written((title.group(1).strip().strip('"') if title else "Untitled")[:80],
                   (tags.group(1).strip() if tags else tags_from(description))[:200], body[:3000])
