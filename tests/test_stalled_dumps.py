"""Dumps never hold a ledger connection while waiting for a slow client: with 50 anonymous
clients that request `/api/v1/dump` and read nothing, passport reads and writes and `/health`
keep answering (a real `semcat serve`); one client past its share of dumps gets 429."""

from __future__ import annotations

import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from catalog.ledger.db import create_db_engine
from catalog.queries.spool import SpoolLimits, Spools, TooManyDumps
from catalog.workflow.access import Tokens
from tests.servers import semcat_serving


def _stalled_dump(url: str) -> socket.socket:
    """A connection that asks for the uncompressed dump and never reads the answer."""
    parts = urlsplit(url)
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect((parts.hostname, parts.port))
    s.sendall(f"GET /api/v1/dump?format=trig HTTP/1.1\r\nHost: {parts.netloc}\r\n"
              "Accept-Encoding: identity\r\n\r\n".encode())
    return s


@pytest.mark.slow
def test_fifty_stalled_dump_readers_leave_reads_and_writes_answering(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {"SEMCAT_DATA_DIR": str(data), "SEMCAT_LOAD_DEMO": "true",
           "SEMCAT_DUMP_MAX_PER_CLIENT": "50", "SEMCAT_DUMP_MAX_TOTAL": "50"}
    with semcat_serving(tmp_path / "serve.log", env) as served, \
            httpx.Client(base_url=served.url, timeout=10) as c:
        engine = create_db_engine(f"sqlite:///{data / 'ledger.sqlite3'}")
        asp = {"Authorization": f"Bearer {Tokens(engine).create('ASP', 'publisher')[1]}"}
        engine.dispose()
        stalled = [_stalled_dump(served.url) for _ in range(50)]
        try:
            time.sleep(1.0)  # every dump has started
            # each request must answer within the client's 10 s timeout (a ledger connection
            # held by a stalled dump would make them wait for the pool instead); how fast they
            # answer is the benchmarks' business, not this test's
            assert c.get("/api/v1/services/ASP-0001").status_code == 200
            assert c.get("/api/v1/changes?after=0&limit=5").status_code == 200
            doc = c.get("/api/v1/services/ASP-0001").json()
            doc["title"]["en"] = "Written while fifty dumps stall"
            etag = c.get("/api/v1/services/ASP-0001?version=latest", headers=asp)
            r = c.put("/api/v1/services/ASP-0001", json=doc,
                      headers={**asp, "If-Match": etag.headers["etag"]})
            assert r.status_code == 200, r.text
            assert c.get("/health").json()["status"] == "ok"
        finally:
            for s in stalled:
                s.close()
        # once the stalled clients are gone, their places are given back
        time.sleep(0.5)
        with c.stream("GET", "/api/v1/dump") as r:
            assert r.status_code == 200
            assert sum(len(b) for b in r.iter_bytes()) > 100_000
        assert not list((data / "spool").iterdir())  # every spool file is gone


def test_a_client_past_its_share_of_dumps_is_told_to_wait(tmp_path: Path) -> None:
    spools = Spools(tmp_path, SpoolLimits(per_client=2, total=3))
    first, second = spools.acquire("10.0.0.1"), spools.acquire("10.0.0.1")
    with pytest.raises(TooManyDumps, match="already has 2 dumps running"):
        spools.acquire("10.0.0.1")
    third = spools.acquire("10.0.0.2")
    with pytest.raises(TooManyDumps):  # all clients together
        spools.acquire("10.0.0.3")
    first()
    first()  # giving a place back twice gives it back once
    fourth = spools.acquire("10.0.0.3")
    with pytest.raises(TooManyDumps):
        spools.acquire("10.0.0.4")
    for given in (second, third, fourth):
        given()
    spools.acquire("10.0.0.4")()
