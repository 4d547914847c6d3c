"""Hostile input against a real hub (issue 12): every case of :mod:`tests.hostile.cases` is sent
to one `semcat serve` process, and each must get its status and one problem document (type,
title, status, detail; no stack trace, no local path, no secret), leave the hub answering
``/health``, and leave the ledger (its rows, read from the database file) and the store (a hash
of every quad) exactly as they were. Failed authentications are throttled last (they would
throttle every case after them: on loopback every client has the same address). At the end the
server's resident memory has grown by less than :data:`RSS_GROWTH_MIB` and its log holds no
5xx answer and no traceback."""

from __future__ import annotations

import http.client
import re
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass

import httpx
import pytest

from tests.hostile.cases import CASES, Case, Ctx
from tests.hostile.server import ROOT, Hub, hostile_hub

pytestmark = pytest.mark.slow
#: most growth of the server's resident memory over the module (it holds ~230 MiB at rest)
RSS_GROWTH_MIB = 200
#: failed authentications a client may make in a minute (SEMCAT_AUTH_FAILURES_PER_MINUTE)
AUTH_FAILURES = 40
#: largest error document: an error never echoes a hostile body back in full
MAX_PROBLEM_BYTES = 64 << 10
LEAKS = re.compile(r"Traceback|File \"|site-packages|root:x:0:0|sqlite3\.|sqlalchemy")


@dataclass
class Start:
    state: dict[str, object]
    rss_kib: int


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    with hostile_hub(tmp_path_factory.mktemp("hostile"),
                     auth_failures_per_minute=str(AUTH_FAILURES)) as hub:
        yield hub


@pytest.fixture(scope="module")
def start(hub: Hub) -> Start:
    return Start(hub.snapshot(), hub.rss_kib())


@pytest.fixture(scope="module")
def client(hub: Hub) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=hub.ctx.url, timeout=60) as c:
        yield c


def _port(text: str, ctx: Ctx) -> str:
    return text.replace("{port}", str(ctx.port))


def _headers(case: Case, ctx: Ctx) -> dict[str, str]:
    headers = {k: _port(v, ctx) for k, v in case.headers.items()}
    if case.who is not None and case.who != "none":
        headers["Authorization"] = f"Bearer {ctx.tokens[case.who]}"
    if case.if_match is not None:
        headers["If-Match"] = ctx.etags[case.if_match]
    return headers


def send(client: httpx.Client, case: Case, ctx: Ctx) -> httpx.Response:
    body = case.body(ctx) if callable(case.body) else case.body
    body = body.replace(b"{port}", str(ctx.port).encode())
    params = {k: _port(v, ctx) for k, v in case.params.items()}
    if case.raw:
        return _send_raw(case.method, _port(case.path, ctx), _headers(case, ctx), body, ctx)
    return client.request(case.method, _port(case.path, ctx), params=params or None,
                          headers=_headers(case, ctx), content=body or None)


def _send_raw(method: str, path: str, headers: dict[str, str], body: bytes, ctx: Ctx
              ) -> httpx.Response:
    """The request exactly as given (its Content-Length included), over a new connection."""
    conn = http.client.HTTPConnection("127.0.0.1", ctx.port, timeout=60)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for name, value in headers.items():
            conn.putheader(name, value)
        with suppress(BrokenPipeError, ConnectionResetError):  # refused before all was sent
            conn.endheaders(body or None)
        got = conn.getresponse()
        return httpx.Response(got.status, headers=got.getheaders(), content=got.read())
    finally:
        conn.close()


def assert_problem(r: httpx.Response, case: Case, hub: Hub) -> None:
    assert r.headers["content-type"] == "application/problem+json", r.text[:500]
    assert len(r.content) <= MAX_PROBLEM_BYTES, len(r.content)
    doc = r.json()
    assert doc["type"] == f"urn:semcat:problem:{case.code}", doc
    assert doc["code"] == case.code
    assert doc["status"] == r.status_code
    assert isinstance(doc["title"], str)
    assert doc["title"]
    assert isinstance(doc["detail"], str)
    assert doc["detail"]
    assert set(doc["message"]) == {"en", "ro", "ru"}
    assert case.detail in doc["detail"], doc["detail"]
    assert "request_id" not in doc  # no 5xx
    text = r.text
    assert not LEAKS.search(text), LEAKS.search(text)
    for local in (str(ROOT), str(hub.ledger.parent), str(hub.served.log.parent)):
        assert local not in text
    for secret in hub.ctx.tokens.values():
        assert secret not in text


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_a_hostile_request_is_refused_cleanly_and_changes_nothing(
        hub: Hub, start: Start, client: httpx.Client, case: Case) -> None:
    r = send(client, case, hub.ctx)
    assert r.status_code in case.expect, (r.status_code, r.text[:1000])
    if case.code is not None:
        assert_problem(r, case, hub)
    if case.check is not None:
        case.check(r, hub.ctx)
    assert client.get("/health").status_code == 200
    assert hub.snapshot() == start.state
    assert hub.rss_kib() - start.rss_kib < RSS_GROWTH_MIB * 1024


def test_there_are_at_least_sixty_cases_of_every_kind() -> None:
    assert len(CASES) >= 60
    assert len({c.name for c in CASES}) == len(CASES)
    kinds = {c.name.split("-")[0] for c in CASES}
    assert {"sparql", "turtle", "rdfxml", "jsonld", "ntriples", "nquads", "trig", "json",
            "csv", "host", "auth", "owner"} <= kinds


def test_failed_authentications_are_throttled_whatever_x_forwarded_for_says(
        hub: Hub, start: Start, client: httpx.Client) -> None:
    """Last of the cases: past the limit every authentication from the address gets 429,
    a valid token too, while anonymous reads go on."""
    statuses = []
    for n in range(AUTH_FAILURES + 1):
        r = client.post("/api/v1/services", content=b"{}", headers={
            "Authorization": f"Bearer sc_guess{n}", "Content-Type": "application/json",
            "X-Forwarded-For": f"203.0.113.{n}"})
        statuses.append(r.status_code)
        if r.status_code == 429:
            break
    assert statuses[-1] == 429, statuses
    assert set(statuses[:-1]) == {401}
    throttled = client.get("/api/v1/audit", headers={
        "Authorization": f"Bearer {hub.ctx.tokens['age']}"})
    assert throttled.status_code == 429
    assert int(throttled.headers["retry-after"]) >= 1
    assert throttled.json()["code"] == "too_many_requests"
    assert client.get("/api/v1/services/ASP-0001").status_code == 200
    assert hub.snapshot() == start.state


def test_memory_stayed_bounded_and_the_log_has_no_server_error(hub: Hub, start: Start) -> None:
    growth_mib = (hub.rss_kib() - start.rss_kib) / 1024
    assert growth_mib < RSS_GROWTH_MIB
    log = hub.served.log.read_text("utf-8", errors="replace")
    assert re.search(r'HTTP/1\.[01]" 200', log), "the access log is on"
    assert not re.findall(r'HTTP/1\.[01]" 5\d\d', log)
    assert "Traceback" not in log
    for secret in hub.ctx.tokens.values():
        assert secret not in log
