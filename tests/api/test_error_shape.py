"""Every error answer of the hub is one RFC 9457 problem document (``application/problem+json``)
with the v1 ``error`` object inside: from FastAPI routes, from the ``/sparql`` fast lane, from
the catch-all for unexpected exceptions, and when the ledger database goes away."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import Depends, FastAPI
from fastapi.responses import StreamingResponse
from fastapi.testclient import TestClient
from httpx import Response
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Receive, Scope, Send

from api.app import create_app
from api.errors import STATUS
from api.problems import MEDIA_TYPE, TYPE_PREFIX
from catalog import errors as e
from catalog.demo import load_reference
from catalog.ledger.db import create_db_engine
from catalog.workflow.access import Tokens
from tests.api.read_helpers import hermetic_settings
from tests.builders import passport
from tests.servers import free_port

SECRET = "secret internals: password=hunter2"
DETAILS = ("field", "value", "expected", "link", "line", "column")


# --- the shape ------------------------------------------------------------------------------
def assert_problem(r: Response, status: int, code: str | None = None) -> dict[str, Any]:
    """``r`` is the one problem document with ``status`` (and ``code``, when given)."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == MEDIA_TYPE
    doc: dict[str, Any] = r.json()
    assert code is None or doc["code"] == code
    assert doc["type"] == TYPE_PREFIX + doc["code"]
    assert doc["status"] == status
    assert isinstance(doc["title"], str)
    assert doc["title"]
    assert set(doc["message"]) == {"en", "ro", "ru"}
    assert all(doc["message"].values())
    assert doc["detail"] == doc["message"]["en"]
    v1 = doc["error"]  # the v1 body, unchanged: code, message in en and ro, details
    assert v1["code"] == doc["code"]
    assert v1["message"] == {"en": doc["message"]["en"], "ro": doc["message"]["ro"]}
    assert {k: v1[k] for k in DETAILS if k in v1} == {k: doc[k] for k in DETAILS if k in doc}
    request_id = r.headers["x-request-id"]
    assert request_id
    if status >= 500:
        assert doc["request_id"] == request_id
    else:
        assert "request_id" not in doc
    return doc


# --- an app with probes -----------------------------------------------------------------------
class _FailingMiddleware:
    """A middleware that fails on one path (inside the request context, like ours would)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == "/probe/middleware":
            raise RuntimeError(SECRET)
        await self.app(scope, receive, send)


def _failing_dependency() -> None:
    raise RuntimeError(SECRET)


def _add_probes(app: FastAPI) -> None:
    @app.get("/probe/raise/{name}")
    def raise_domain_error(name: str) -> None:
        cls = {c.__name__: c for c in STATUS}[name]
        raise cls("probe message", message_ro="mesaj de probă", field="probe")

    @app.get("/probe/route")
    def failing_route() -> None:
        raise RuntimeError(SECRET)

    @app.get("/probe/dependency", dependencies=[Depends(_failing_dependency)])
    def behind_a_failing_dependency() -> None:
        return None

    @app.get("/probe/stream/{kind}")
    def failing_stream(kind: str) -> StreamingResponse:
        async def chunks() -> AsyncIterator[bytes]:
            if kind == "unexpected":
                raise RuntimeError(SECRET)
            raise e.LedgerUnavailable.of("ledger.unavailable")
            yield b""  # pragma: no cover

        return StreamingResponse(chunks(), media_type="text/plain")

    app.user_middleware.append(Middleware(_FailingMiddleware))  # innermost


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = create_app(hermetic_settings(data_dir=tmp_path_factory.mktemp("errors") / "data"))
    _add_probes(app)
    with TestClient(app) as c:
        load_reference(c.app.state.catalog)  # type: ignore[attr-defined]
        yield c


def bearer(c: TestClient, institution: str, role: str = "publisher") -> dict[str, str]:
    _, secret = Tokens(c.app.state.catalog.engine).create(institution, role)  # type: ignore[attr-defined]
    return {"Authorization": f"Bearer {secret}"}


# --- every domain error, through the one handler --------------------------------------------
@pytest.mark.parametrize("cls", [c for c in STATUS if c is not e.InvalidRecord],
                         ids=lambda c: c.__name__)  # InvalidRecord: test_publishing_errors
def test_every_domain_error_is_a_problem_document(client: TestClient,
                                                  cls: type[e.CatalogError]) -> None:
    status = STATUS[cls]
    doc = assert_problem(client.get(f"/probe/raise/{cls.__name__}"), status, cls.code)
    r = client.get(f"/probe/raise/{cls.__name__}")
    assert (doc["detail"], doc["field"]) == ("probe message", "probe")
    assert doc["message"]["ru"] == "probe message"  # no message id: Russian falls back
    assert (r.headers.get("retry-after") is not None) == (status in (429, 503, 507))
    assert (r.headers.get("www-authenticate") is not None) == (status == 401)


# --- real answers of the API ------------------------------------------------------------------
def test_framework_errors(client: TestClient) -> None:
    assert_problem(client.get("/no/such/path"), 404, "http_404")
    assert_problem(client.delete("/health"), 405, "http_405")
    doc = assert_problem(client.get("/api/v1/changes?after=-1"), 400, "invalid_request")
    assert doc["field"] == "query.after"


def test_api_errors(client: TestClient) -> None:
    doc = assert_problem(client.get("/api/v1/search?q=x&limit=0"), 400, "invalid_input")
    assert doc["message"] == {"en": "limit must be between 1 and 100",
                              "ro": "limit trebuie să fie între 1 și 100",
                              "ru": "limit должен быть от 1 до 100"}
    assert (doc["field"], doc["value"], doc["expected"]) == ("limit", 0, "1..100")
    assert_problem(client.post("/api/v1/services", content="{}"), 401, "unauthenticated")
    assert_problem(client.get("/api/v1/audit", headers=bearer(client, "ASP")), 403, "forbidden")
    assert_problem(client.get("/api/v1/services/ASP-0000"), 404, "not_found")
    assert_problem(client.get("/api/v1/services", headers={"Accept": "image/png"}), 406,
                   "not_acceptable")
    big = client.post("/api/v1/services", content=b"x" * (64 << 20),
                      headers={**bearer(client, "ASP"), "Content-Type": "application/json"})
    assert_problem(big, 413, "too_large")  # 415 comes from /sparql (below) and the probes


def test_publishing_errors(client: TestClient) -> None:
    asp = bearer(client, "ASP")
    body = passport("ASP-9801").model_dump_json()
    created = client.post("/api/v1/services", content=body, headers=asp)
    assert created.status_code == 201, created.text
    assert_problem(client.post("/api/v1/services", content=body, headers=asp), 409, "conflict")
    assert_problem(client.put("/api/v1/services/ASP-9801", content=body, headers=asp), 428,
                   "precondition_required")
    assert_problem(client.put("/api/v1/services/ASP-9801", content=body,
                              headers={**asp, "If-Match": '"ASP-9801.0.x"'}),
                   412, "precondition_failed")
    bad = passport("ASP-9802").model_copy(update={"legal_resources": [], "audiences": []})
    doc = assert_problem(client.post("/api/v1/services", content=bad.model_dump_json(),
                                     headers=asp), 422, "invalid_record")
    assert doc["report"] == doc["error"]["report"]
    assert doc["report"]["findings"]


# --- the /sparql fast lane --------------------------------------------------------------------
def test_sparql_fast_lane_errors(client: TestClient) -> None:
    cors = "access-control-allow-origin"
    for r, status, code in [
        (client.post("/sparql", data={"format": "json"}), 400, "invalid_request"),
        (client.get("/sparql", params={"query": "SELEC nothing"}), 400, "query_rejected"),
        (client.get("/sparql", params={"update": "CLEAR ALL"}), 403, "forbidden"),
        (client.get("/sparql", params={"query": "ASK {}", "format": "png"}), 406,
         "not_acceptable"),
        (client.post("/sparql", content=b"q" * (1 << 20),
                     headers={"Content-Type": "application/sparql-query"}), 413, "too_large"),
        (client.post("/sparql", content=b"ASK {}", headers={"Content-Type": "text/plain"}),
         415, "unsupported_media_type"),
    ]:
        assert_problem(r, status, code)
        assert r.headers[cors] == "*"
    assert_problem(client.put("/sparql", content=b""), 405, "http_405")


@pytest.mark.parametrize(("raised", "status", "code"), [
    (e.TooManyQueries("busy"), 429, "too_many_queries"),
    (e.QueryTimeout.of("sparql.timeout", timeout_s=1.0), 503, "query_timeout"),
    (e.StoreUnavailable.of("store.worker_died"), 503, "store_unavailable"),
    (RuntimeError(SECRET), 500, "internal_error"),
])
def test_sparql_fast_lane_failures(client: TestClient, monkeypatch: pytest.MonkeyPatch,
                                   raised: Exception, status: int, code: str) -> None:
    async def failing(*_: object, **__: object) -> None:
        raise raised

    monkeypatch.setattr(client.app.state.queries, "answer", failing)  # type: ignore[attr-defined]
    r = client.get("/sparql", params={"query": "ASK {}"})
    assert_problem(r, status, code)
    assert SECRET not in r.text
    assert (r.headers.get("retry-after") is not None) == (status in (429, 503, 507))


# --- unexpected exceptions: a 500 problem with a request id, never the exception's text --------
@pytest.mark.parametrize("path", ["/probe/route", "/probe/dependency", "/probe/middleware",
                                  "/probe/stream/unexpected"])
def test_an_unexpected_exception_is_a_500_problem_with_a_logged_request_id(
        client: TestClient, caplog: pytest.LogCaptureFixture, path: str) -> None:
    with caplog.at_level(logging.ERROR, logger="api.requests"):
        r = client.get(path)
    doc = assert_problem(r, 500, "internal_error")
    request_id = doc["request_id"]
    assert SECRET not in r.text
    assert "RuntimeError" not in r.text
    assert request_id in doc["detail"]
    [logged] = [rec for rec in caplog.records if request_id in rec.getMessage()]
    assert logged.exc_info is not None
    assert SECRET in str(logged.exc_info[1])  # the traceback is in the log


def test_a_streamed_answer_that_fails_before_its_first_chunk_gets_its_status(
        client: TestClient) -> None:
    r = client.get("/probe/stream/domain")
    assert_problem(r, 503, "ledger_unavailable")
    assert r.headers["retry-after"]


def test_request_ids_are_taken_when_safe_and_minted_otherwise(client: TestClient) -> None:
    r = client.get("/probe/route", headers={"X-Request-ID": "lb-7f3a.42"})
    assert r.headers["x-request-id"] == r.json()["request_id"] == "lb-7f3a.42"
    for unsafe in ["a" * 65, "<script>", "id with spaces", ""]:
        r = client.get("/probe/route", headers={"X-Request-ID": unsafe})
        assert r.headers["x-request-id"] != unsafe
        assert len(r.headers["x-request-id"]) == 32
    assert client.get("/health").headers["x-request-id"]  # every answer has one


# --- the ledger database goes away: 503 on a read --------------------------------------------
@pytest.mark.parametrize("gone", ["sqlite-unopenable", "postgres-closed-port"])
def test_a_ledger_that_goes_away_is_503_on_a_read(client: TestClient, tmp_path: Path,
                                                  caplog: pytest.LogCaptureFixture,
                                                  gone: str) -> None:
    ledger = client.app.state.catalog.ledger  # type: ignore[attr-defined]
    if gone == "sqlite-unopenable":  # the database file is now something SQLite cannot open
        (tmp_path / "ledger.db").mkdir()
        url = f"sqlite:///{tmp_path / 'ledger.db'}"
    else:  # nothing listens there: connection refused
        url = f"postgresql://semcat@127.0.0.1:{free_port()}/semcat"
    healthy, ledger.engine = ledger.engine, create_db_engine(url)
    try:
        with caplog.at_level(logging.WARNING):
            r = client.get("/api/v1/changes")
    finally:
        ledger.engine.dispose()
        ledger.engine = healthy
    doc = assert_problem(r, 503, "ledger_unavailable")
    assert r.headers["retry-after"] == "5"
    assert doc["message"]["en"] == "the ledger database cannot be read right now; try again later"
    logged = "\n".join(rec.getMessage() for rec in caplog.records)
    assert doc["request_id"] in logged  # the answer's id finds the log line
    assert "the ledger database cannot be read:" in logged  # with the database's own reason
    assert client.get("/api/v1/changes").status_code == 200  # and back when it is
