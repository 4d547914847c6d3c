"""Slow clients against a real `semcat serve`: connections that stall in the request line, the
headers or the body, or idle after an answer, are closed by the server (issue 12, point 8), while
a normal client is answered; a steady slow body is not cut; and the hub then stops cleanly (no
handler left waiting for a body that never comes)."""

from __future__ import annotations

import contextlib
import json
import os
import resource
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from api.http_protocol import Deadlines, deadline_protocol
from tests.servers import Served, serve_in_thread, start_semcat

ROOT = Path(__file__).resolve().parents[1]
HEADER_S, BODY_S, KEEPALIVE_S = 3, 3, 2
#: A generous bound: every slow connection is closed within its deadline plus this, on a busy
#: shared machine (the deadlines themselves are measured in bench/, not here).
MARGIN_S = 40
PARTIAL, SILENT, BODY_STALLED, KEPT_ALIVE, THEN_PARTIAL = 200, 20, 30, 20, 10


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    env = {"SEMCAT_DATA_DIR": str(tmp_path_factory.mktemp("hub")), "SEMCAT_LOAD_DEMO": "true",
           "SEMCAT_HTTP_HEADER_TIMEOUT_S": str(HEADER_S),
           "SEMCAT_HTTP_BODY_TIMEOUT_S": str(BODY_S),
           "SEMCAT_HTTP_KEEPALIVE_TIMEOUT_S": str(KEEPALIVE_S),
           # this checkout's code, whatever package the `semcat` script was installed from
           "PYTHONPATH": str(ROOT)}
    served = start_semcat(tmp_path_factory.mktemp("log") / "serve.log", env, cwd=ROOT)
    try:
        yield served
    finally:
        served.stop()


@pytest.fixture(autouse=True)
def _enough_open_files() -> None:
    """This process holds every slow connection at once: its open-file limit must fit them."""
    needed = PARTIAL + SILENT + BODY_STALLED + KEPT_ALIVE + THEN_PARTIAL + 256
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        if hard != resource.RLIM_INFINITY and hard < needed:
            pytest.fail(f"open-file limit {hard} < {needed}: raise it (ulimit -n)")
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


@dataclass
class Slow:
    kind: str
    sock: socket.socket
    received: bytearray = field(default_factory=bytearray)
    closed: bool = False


def _open(url: str, kind: str, first: bytes) -> Slow:
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    if first:
        sock.sendall(first)
    sock.setblocking(False)
    return Slow(kind, sock)


def _after_an_answer(url: str, then: bytes) -> Slow:
    """A kept-alive connection that was answered once, then sends ``then``."""
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=30)
    sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
    answer = b""
    while b"\r\n\r\n" not in answer or len(answer.split(b"\r\n\r\n", 1)[1]) < int(
            answer.lower().split(b"content-length: ")[1].split(b"\r\n")[0]):
        chunk = sock.recv(65536)
        assert chunk, f"closed before its first answer was whole: {answer!r}"
        answer += chunk
    sock.sendall(then)
    sock.setblocking(False)
    return Slow("then-partial", sock, bytearray(answer))


def _wait_closed(conns: list[Slow], within_s: float) -> None:
    """Read every connection until the server closes it, or ``within_s`` has passed."""
    sel = selectors.DefaultSelector()
    for c in conns:
        sel.register(c.sock, selectors.EVENT_READ, c)
    deadline = time.monotonic() + within_s
    open_ = len(conns)
    while open_ and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=1):
            c = key.data
            try:
                chunk = c.sock.recv(65536)
            except ConnectionResetError:
                chunk = b""
            if chunk:
                c.received += chunk
                continue
            c.closed = True
            open_ -= 1
            sel.unregister(c.sock)
    sel.close()


def _status(c: Slow) -> int:
    return int(bytes(c.received).split(b" ", 2)[1])


def _problem(c: Slow) -> dict[str, object]:
    doc: dict[str, object] = json.loads(bytes(c.received).split(b"\r\n\r\n", 1)[1])
    return doc


def test_slow_connections_are_closed_while_a_normal_client_is_answered(hub: Served) -> None:
    conns = [_open(hub.url, "partial", b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: 1")
             for _ in range(PARTIAL // 2)]
    conns += [_open(hub.url, "partial", b"GET /api/v1/services/ASP-0001 HT")
              for _ in range(PARTIAL // 2)]
    conns += [_open(hub.url, "silent", b"") for _ in range(SILENT)]
    conns += [_open(hub.url, "body", b"POST /sparql HTTP/1.1\r\nHost: x\r\n"
                    b"Content-Type: application/sparql-query\r\nContent-Length: 1000\r\n\r\nASK")
              for _ in range(BODY_STALLED)]
    conns += [_open(hub.url, "kept", b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
              for _ in range(KEPT_ALIVE)]
    conns += [_open(hub.url, "then-partial", b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
                    b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: 1")  # pipelined, stalls
              for _ in range(THEN_PARTIAL)]
    conns += [_after_an_answer(hub.url, b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: 1")
              for _ in range(THEN_PARTIAL)]
    try:
        with httpx.Client(base_url=hub.url, timeout=30) as client:  # meanwhile, a normal client
            for _ in range(3):
                assert client.get("/health").json()["status"] == "ok"
                passport = client.get("/api/v1/services/ASP-0001")
                assert passport.status_code == 200
                assert passport.json()["code"] == "ASP-0001"
        _wait_closed(conns, max(HEADER_S, BODY_S, KEEPALIVE_S) + MARGIN_S)
    finally:
        for c in conns:
            c.sock.close()

    still_open = [c.kind for c in conns if not c.closed]
    assert still_open == []
    for c in conns:
        if c.kind == "silent":  # nothing asked, nothing answered
            assert c.received == b""
        elif c.kind == "kept":  # answered, then closed when idle
            assert _status(c) == 200
            assert c.received.count(b"HTTP/1.1 ") == 1
        elif c.kind == "then-partial":  # the first answered, the second cut
            assert _status(c) == 200
            second = bytes(c.received).split(b"HTTP/1.1 ")[2]
            assert second.startswith(b"408 ")
            assert b'"code": "request_timeout"' in second
        else:
            assert _status(c) == 408, bytes(c.received[:200])
            assert b"content-type: application/problem+json" in c.received
            doc = _problem(c)
            assert doc["code"] == "request_timeout"
            assert isinstance(doc["message"], dict)
            assert set(doc["message"]) == {"en", "ro", "ru"}
            which = "headers" if c.kind == "partial" else "body"
            assert which in str(doc["detail"])


def test_a_steady_slow_body_is_read_to_the_end(hub: Served) -> None:
    """A body that keeps coming at several times the minimum rate is read whole, however long
    it takes past one window."""
    query = b"ASK { ?s ?p ?o }\n" + b"#" + b"x" * 30_000 + b"\n"
    head = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Accept: application/sparql-results+json\r\n"
            b"Content-Length: " + str(len(query)).encode() + b"\r\nConnection: close\r\n\r\n")
    host, port = hub.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=60) as sock:
        sock.sendall(head)
        for i in range(0, len(query), 2048):  # 2 KiB every 0.25 s: 8 KiB/s for ~4 s
            sock.sendall(query[i:i + 2048])
            time.sleep(0.25)  # the pace of a slow client, not a wait for the server
        answer = bytearray()
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200"), bytes(answer[:300])
    assert json.loads(bytes(answer).split(b"\r\n\r\n", 1)[1])["boolean"] is True


def test_the_hub_stops_cleanly_after_a_stalled_body(hub: Served) -> None:
    """A handler that was waiting for a body the deadline cut is not left hanging: the hub
    stops on SIGTERM without waiting for it (uvicorn waits for every request task)."""
    c = _open(hub.url, "body", b"POST /sparql HTTP/1.1\r\nHost: x\r\n"
              b"Content-Type: application/sparql-query\r\nContent-Length: 500\r\n\r\nASK {")
    try:
        _wait_closed([c], BODY_S + MARGIN_S)
    finally:
        c.sock.close()
    assert c.closed
    assert _status(c) == 408
    assert hub.stop() in (0, -signal.SIGTERM)  # not killed after its 20 s grace
    assert "Exception in ASGI application" not in hub.tail(100_000)


@pytest.mark.parametrize(("soft", "hard", "connections", "fits", "raised"), [
    (300, 5000, 1024, 1024, 1280),  # raised to fit, within the hard limit
    (300, 300, 1024, 44, 300),  # the hard limit is lower: fewer connections, said in the log
])
def test_the_open_file_limit_is_fitted_to_the_connections(
        soft: int, hard: int, connections: int, fits: int, raised: int) -> None:
    if hard > resource.getrlimit(resource.RLIMIT_NOFILE)[1]:
        pytest.skip("this process's hard open-file limit is lower")
    code = ("import resource\n"
            f"resource.setrlimit(resource.RLIMIT_NOFILE, ({soft}, {hard}))\n"
            "from api.serving import fit_open_files\n"
            f"print(fit_open_files({connections}), "
            "resource.getrlimit(resource.RLIMIT_NOFILE)[0])\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.stdout.split() == [str(fits), str(raised)]
    assert ("SEMCAT_HTTP_MAX_CONNECTIONS lowered" in out.stderr) == (fits < connections)


@contextmanager
def _serving(app: ASGIApp, deadlines: Deadlines) -> Iterator[tuple[str, int]]:
    """``app`` under uvicorn with :class:`DeadlineProtocol`, in a thread on a free port."""
    with serve_in_thread(app, lifespan="off", http=deadline_protocol(deadlines)) as url:
        parts = urlsplit(url)
        yield parts.hostname or "127.0.0.1", parts.port or 0


def test_an_answer_left_unread_is_dropped() -> None:
    """A client that asks for an endless answer and reads none of it: once the server's buffers
    are full, the write deadline drops the connection and the handler's stream stops."""
    stopped = threading.Event()

    async def endless() -> AsyncIterator[bytes]:
        while True:
            yield b"x" * 65536

    inner = Starlette(routes=[Route("/endless", lambda _r: StreamingResponse(endless()))])

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await inner(scope, receive, send)
        finally:
            stopped.set()  # the request's handler has returned

    with _serving(app, Deadlines(write_s=2)) as (host, port):
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.settimeout(30)
        with sock:
            sock.connect((host, port))
            sock.sendall(b"GET /endless HTTP/1.1\r\nHost: x\r\n\r\n")
            assert stopped.wait(2 + MARGIN_S)  # the stream ended while nothing was read
            received = 0
            with contextlib.suppress(ConnectionResetError):
                while chunk := sock.recv(1 << 20):
                    received += len(chunk)
    assert received < 64 * 1024 * 1024  # what the buffers held, not an endless answer
