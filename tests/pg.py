"""A throwaway PostgreSQL server for the test suite (Debian's postgresql binaries, no Docker)."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"PostgreSQL binary {name!r} not found: run scripts/install-system-deps.sh")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ThrowawayPostgres:
    """initdb + postgres in a temp dir, as the 'postgres' user when we are root; removed on stop()."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="songforge-pg-"))
        self.port = _free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self._as: list[str] = []
        self._user: tuple[int, int] | None = None
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            import pwd

            pw = pwd.getpwnam("postgres")
            self._user = (pw.pw_uid, pw.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.dir, "postgres")

    def start(self) -> str:
        """Start the server; returns the SQLAlchemy URL of its 'postgres' database."""
        data = self.dir / "data"
        subprocess.run([*self._as, _bin("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                        "-E", "UTF8", "--no-sync"], check=True, capture_output=True)
        # started directly as the postgres user (no runuser in between) so stop() can signal the server itself
        self.proc = subprocess.Popen(
            [_bin("postgres"), "-D", str(data), "-p", str(self.port), "-k", str(self.dir),
             "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
             "-c", "full_page_writes=off", "-c", "max_connections=300"],
            stdout=subprocess.DEVNULL, stderr=open(self.dir / "server.log", "wb"), user=self._user and self._user[0],
            group=self._user and self._user[1], extra_groups=[] if self._user else None)
        url = self.url("postgres")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("PostgreSQL did not start: " + (self.dir / "server.log").read_text()[-2000:])
        self._wait_ready()
        return url

    def _wait_ready(self) -> None:
        import psycopg

        deadline = time.monotonic() + 30
        while True:
            try:
                psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres").close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def url(self, dbname: str) -> str:
        """SQLAlchemy URL of ``dbname`` on this server."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, name: str, template: str | None = None) -> str:
        """CREATE DATABASE (optionally from a template); returns its URL."""
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            suffix = f" TEMPLATE {template}" if template else ""
            conn.execute(f'CREATE DATABASE "{name}"{suffix}')
        return self.url(name)

    def stop(self) -> None:
        """Stop the server and delete its files."""
        if self.proc is not None:
            # "immediate" shutdown: no final checkpoint of hundreds of test databases we delete right after
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)
