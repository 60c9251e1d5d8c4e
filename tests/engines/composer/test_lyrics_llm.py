"""The optional OpenAI-compatible lyric writer, against a fake endpoint on loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from songforge.engines.composer.llm import llm_write
from songforge.engines.composer.settings import ComposerSettings, LyricsLLM

ANSWER = "Title: Neon Rain\nTags: synthwave, dreamy\n\n[Verse]\nCity lights are fading slow\nNeon rivers start to glow\n" \
         "[Chorus]\nNeon rain on me tonight\nWash away the fading light\n"


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - http.server API
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        assert body["model"] == "tiny" and self.headers["Authorization"] == "Bearer k"
        data = json.dumps({"choices": [{"message": {"content": ANSWER}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def endpoint() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


def test_configured_endpoint_writes_title_tags_and_lyrics(endpoint: str) -> None:
    got = llm_write(LyricsLLM(base_url=endpoint, api_key="k", model="tiny", timeout=5), "rainy city night")
    assert got is not None and got.title == "Neon Rain" and got.tags == "synthwave, dreamy"
    assert "[Chorus]" in got.lyrics


def test_unreachable_endpoint_falls_back_to_rules() -> None:
    assert llm_write(LyricsLLM(base_url="http://127.0.0.1:9/v1", model="x", timeout=1), "idea") is None


def test_settings_read_the_nested_llm_section() -> None:
    s = ComposerSettings.from_dict({"workers": 1, "lyrics_llm": {"base_url": "http://x/v1", "model": "m"}})
    assert s.workers == 1 and s.lyrics_llm.model == "m" and s.soundfont.endswith("FluidR3_GM.sf2")
