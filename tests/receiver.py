"""A real HTTP server on loopback that records callbacks and can fail or stall on purpose."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    """One request the receiver got."""

    path: str
    headers: dict[str, str]
    body: bytes
    status: int
    at: float = field(default_factory=time.monotonic)

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body)


class CallbackReceiver:
    """Answers 200 unless told to fail (``fail_next`` 500s) or stall (``stall_next`` requests)."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.fail_next = 0
        self.stall_next = 0
        self.stall_seconds = 3.0
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server API)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with outer._lock:
                    status = 200
                    stall = False
                    if outer.stall_next > 0:
                        outer.stall_next -= 1
                        stall = True
                    elif outer.fail_next > 0:
                        outer.fail_next -= 1
                        status = 500
                    outer.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()},
                                                   body, 0 if stall else status))
                if stall:
                    time.sleep(outer.stall_seconds)
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:  # the sender gave up on a stalled request: expected
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def start(self) -> None:
        """Serve in a background thread."""
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        """Shut down."""
        self.server.shutdown()
        self.server.server_close()

    def ok(self) -> list[Received]:
        """Requests answered 200."""
        return [r for r in self.received if r.status == 200]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """Wait until ``count`` requests were answered 200."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.ok()) >= count:
                return self.ok()
            time.sleep(0.02)
        raise AssertionError(f"expected {count} callbacks, got {len(self.ok())}: {[r.path for r in self.received]}")
