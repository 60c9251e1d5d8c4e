"""Real audio files for upload tests, made with ffmpeg, and a loopback HTTP server that serves them."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def make_audio(path: Path, seconds: float = 8.0, *, stereo: bool = True) -> Path:
    """A song-like file: a centred 440 Hz "voice" over a left/right-differing backing (format from suffix)."""
    graph = (f"sine=f=440:d={seconds}[v];sine=f=110:d={seconds}[l];anoisesrc=d={seconds}:a=0.05:c=pink[r];"
             "[v]asplit[v1][v2];[v1][l]amix=inputs=2[L];[v2][r]amix=inputs=2[R];[L][R]join=inputs=2:channel_layout=stereo")
    if not stereo:
        graph = f"sine=f=440:d={seconds}"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-filter_complex", graph, "-ar", "44100", str(path)],
                   check=True)
    return path


class FileServer:
    """Serves ``files`` (path → bytes) on 127.0.0.1; ``redirects`` (path → URL) answer 302."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.redirects: dict[str, str] = {}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server API)
                if self.path in outer.redirects:
                    self.send_response(302)
                    self.send_header("Location", outer.redirects[self.path])
                    self.end_headers()
                    return
                body = outer.files.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    def url(self, path: str) -> str:
        """The URL of ``path`` on this server."""
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"


@contextmanager
def file_server() -> Iterator[FileServer]:
    """A running FileServer."""
    srv = FileServer()
    thread = threading.Thread(target=srv.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.server.shutdown()
        srv.server.server_close()
