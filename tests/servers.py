"""Real servers for tests: `semcat serve` in a subprocess, an app under uvicorn in a thread,
and fresh PostgreSQL databases. Readiness is polled, never waited for with a sleep."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.types import ASGIApp

from catalog.settings import Settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Served:
    url: str
    proc: subprocess.Popen[bytes]
    log: Path

    def tail(self, n: int = 3000) -> str:
        return self.log.read_text("utf-8", errors="replace")[-n:]

    def stop(self) -> int:
        """SIGTERM, then SIGKILL after 20 s; the exit code."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                return self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        return self.proc.wait()


def start_semcat(log: Path, env: dict[str, str], *, port: int | None = None,
                 timeout_s: float = 60, exe: Path | None = None, cwd: Path | None = None
                 ) -> Served:
    """`semcat serve` on ``port`` (a free loopback port by default) with ``env`` (the test's
    SEMCAT_* only), once it answers ``/health``; ``exe`` is this environment's `semcat` unless
    given, run in ``cwd`` (this process's by default)."""
    port = port or free_port()
    full = {k: v for k, v in os.environ.items() if not k.startswith("SEMCAT_")} | env
    exe = exe or Path(sys.executable).parent / "semcat"
    with log.open("wb") as sink:
        proc = subprocess.Popen([str(exe), "serve", "--port", str(port)], env=full, cwd=cwd,
                                stdout=sink, stderr=subprocess.STDOUT)
    served = Served(f"http://127.0.0.1:{port}", proc, log)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"semcat serve exited: {served.tail()}")
        try:
            if httpx.get(served.url + "/health", timeout=1).status_code == 200:
                return served
        except httpx.HTTPError:
            pass
        time.sleep(0.05)  # between polls of /health, not instead of them
    served.stop()
    pytest.fail(f"semcat serve did not answer /health within {timeout_s:g} s: {served.tail()}")


@contextmanager
def semcat_serving(log: Path, env: dict[str, str], *, port: int | None = None,
                   exe: Path | None = None, cwd: Path | None = None) -> Iterator[Served]:
    served = start_semcat(log, env, port=port, exe=exe, cwd=cwd)
    try:
        yield served
    finally:
        served.stop()


@contextmanager
def serve_in_thread(app: ASGIApp, *, lifespan: str = "on",
                    http: Any = "httptools") -> Iterator[str]:
    """``app`` under uvicorn (httptools, or the protocol ``http``) on 127.0.0.1:<free port> in
    a thread; yields the base URL. ``lifespan="off"`` serves an app whose lifespan already runs
    (under a TestClient)."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, http=http,
                            lifespan=lifespan,  # type: ignore[arg-type]
                            log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def postgres_admin_url() -> str:
    url = os.environ.get("SEMCAT_TEST_POSTGRES_URL",
                         "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    return url.replace("postgresql+psycopg://", "postgresql://")


@contextmanager
def postgres_database(prefix: str = "semcat_t") -> Iterator[str]:
    """A fresh, empty database on the local PostgreSQL server (its SQLAlchemy URL), dropped
    afterwards; skips without a server, or fails when SEMCAT_REQUIRE_POSTGRES=1."""
    import psycopg

    admin = postgres_admin_url()
    try:
        conn = psycopg.connect(admin, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        if os.environ.get("SEMCAT_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required here but unreachable: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {admin}: {exc}")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    conn.execute(f'CREATE DATABASE "{name}"')
    base = admin.rsplit("/", 1)[0].removeprefix("postgresql://")
    try:
        yield f"postgresql+psycopg://{base}/{name}"
    finally:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()


@contextmanager
def settings_on(backend: str, data_dir: Path) -> Iterator[Settings]:
    """Test settings for ``data_dir`` with the ledger on ``backend``: ``sqlite``, or
    ``postgres`` (a fresh database, dropped afterwards); for fixtures wider than one test."""
    if backend == "sqlite":
        yield Settings(env="test", data_dir=data_dir)
        return
    with postgres_database() as url:
        yield Settings(env="test", data_dir=data_dir, database_url=url)
