"""User SPARQL: refused before execution when unsafe, cut at its deadline, others still served."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from catalog.errors import InvalidInput, QueryRejected, QueryTimeout, TooLarge
from catalog.queries.endpoint import QueryService
from catalog.queries.guard import check_query
from catalog.settings import Settings
from catalog.store import GraphOp
from catalog.store.embedded import EmbeddedStore
from catalog.store.remote import RemoteStore
from tests.asyncrun import run_apart

LIMITS = {"max_bytes": 64 * 1024, "max_nesting": 64}
G = "http://127.0.0.1:8000/id/service/ASP-{:04d}"


def _content(n: int) -> str:
    s = G.format(n)
    return (f'<{s}> <http://purl.org/dc/terms/identifier> "ASP-{n:04d}" .\n'
            f"<{s}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
            "<http://purl.org/vocab/cpsv#PublicService> .\n")


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE SILENT <http://127.0.0.1:9/> { ?s ?q ?r } } }",
    "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } } }",
    "ASK { { { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } } }",
])
def test_service_is_refused_wherever_it_hides(query: str) -> None:
    with pytest.raises(QueryRejected, match="SERVICE is refused"):
        check_query(query, **LIMITS)


@pytest.mark.parametrize("update", [
    "INSERT DATA { <http://e/s> <http://e/p> 1 }",
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "DELETE WHERE { ?s ?p ?o }",
    "CLEAR ALL",
    "DROP GRAPH <http://e/g>",
])
def test_updates_are_refused_by_a_read_only_endpoint(update: str) -> None:
    with pytest.raises(QueryRejected, match="read-only"):
        check_query(update, **LIMITS)


def test_syntax_errors_name_the_position() -> None:
    with pytest.raises(QueryRejected) as err:
        check_query("SELECT * WHERE {\n  ?s ?p \n}}", **LIMITS)
    assert err.value.line is not None
    assert "syntax error" in err.value.message


def test_size_and_depth_are_checked_before_parsing() -> None:
    with pytest.raises(TooLarge):
        check_query("SELECT * WHERE { ?s ?p ?o }" + " " * 70_000, **LIMITS)
    deep = "SELECT * WHERE " + "{ " * 3000 + "?s ?p ?o" + " }" * 3000
    with pytest.raises(InvalidInput, match="nested more than 64 levels deep"):
        check_query(deep, **LIMITS)


@pytest.mark.parametrize(("text", "form"), [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT"), ("ASK { ?s ?p ?o }", "ASK"),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"), ("DESCRIBE <http://e/s>", "DESCRIBE"),
])
def test_query_forms(text: str, form: str) -> None:
    assert check_query(text, **LIMITS).form == form


@pytest.fixture
def service(settings: Settings) -> Iterator[tuple[QueryService, EmbeddedStore]]:
    store = EmbeddedStore(settings.data_dir / "store")
    store.apply([GraphOp(G.format(n), _content(n)) for n in range(1, 41)], 1)
    quick = settings.model_copy(update={"query_timeout_s": 1.0, "query_max_rows": 25})
    qs = QueryService(quick, store)
    yield qs, store
    qs.close()
    store.close()


def _rows(body: bytes) -> list[dict[str, dict[str, str]]]:
    return json.loads(body)["results"]["bindings"]  # type: ignore[no-any-return]


def test_the_default_graph_is_the_union_of_records(service: tuple[QueryService, EmbeddedStore]
                                                   ) -> None:
    qs, _ = service
    answer = qs.run("SELECT (COUNT(?s) AS ?n) WHERE "
                    "{ ?s a <http://purl.org/vocab/cpsv#PublicService> }")
    assert _rows(answer.body)[0]["n"]["value"] == "40"
    construct = qs.run(f"CONSTRUCT WHERE {{ <{G.format(1)}> ?p ?o }}")
    assert construct.media_type == "application/n-triples"
    assert construct.body.count(b"\n") == 2


def test_rows_are_capped_and_the_cut_is_said(service: tuple[QueryService, EmbeddedStore]) -> None:
    qs, _ = service
    answer = qs.run("SELECT ?s WHERE { ?s ?p ?o }")
    assert answer.truncated
    assert len(_rows(answer.body)) == 25


def test_a_runaway_query_is_stopped_while_others_are_answered(
        service: tuple[QueryService, EmbeddedStore]) -> None:
    qs, _ = service
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"
    outcome: dict[str, object] = {}

    def run_heavy() -> None:
        started = time.monotonic()
        try:
            qs.run(heavy)
        except QueryTimeout as exc:
            outcome["error"] = exc
        outcome["seconds"] = time.monotonic() - started

    t = threading.Thread(target=run_heavy)
    t.start()
    time.sleep(0.2)
    started = time.monotonic()
    light = qs.run("ASK { ?s ?p ?o }")
    light_s = time.monotonic() - started
    t.join()
    assert json.loads(light.body)["boolean"] is True
    assert light_s < 0.5
    assert isinstance(outcome["error"], QueryTimeout)
    assert 0.9 < float(outcome["seconds"]) < 3.0  # type: ignore[arg-type]
    # the pool recovers: the killed worker was replaced
    assert json.loads(qs.run("ASK { ?s ?p ?o }").body)["boolean"] is True


def test_query_workers_run_at_the_cpu_priority_set(settings: Settings) -> None:
    """SEMCAT_QUERY_WORKER_NICE: the workers run that much lower than the server."""
    store = EmbeddedStore(settings.data_dir / "store")
    qs = QueryService(settings.model_copy(update={"query_worker_nice": 7, "query_workers": 2}),
                      store)
    try:
        assert json.loads(qs.run("ASK { ?s ?p ?o }").body)["boolean"] is False
        assert qs._sandbox is not None
        workers = [w.proc.pid or 0 for w in qs._sandbox._workers]
        mine = os.getpriority(os.PRIO_PROCESS, 0)
        assert len(workers) == 2
        assert {os.getpriority(os.PRIO_PROCESS, pid) for pid in workers} == {min(mine + 7, 19)}
    finally:
        qs.close()
        store.close()


def test_queries_see_new_data(service: tuple[QueryService, EmbeddedStore]) -> None:
    qs, store = service
    ask = f"ASK {{ <{G.format(99)}> ?p ?o }}"
    assert json.loads(qs.run(ask).body)["boolean"] is False
    store.apply([GraphOp(G.format(99), _content(99))], 2)
    assert json.loads(qs.run(ask).body)["boolean"] is True


def test_remote_store_queries_are_checked_and_answered(remote_settings: Settings) -> None:
    store = RemoteStore(remote_settings.sparql_url or "", remote_settings.resolved_update_url or "",
                        remote_settings.resolved_gsp_url or "")
    store.apply([GraphOp(G.format(1), _content(1))], 1)
    qs = QueryService(remote_settings, store)
    try:
        answer = qs.run("SELECT ?id WHERE "
                        "{ GRAPH ?g { ?s <http://purl.org/dc/terms/identifier> ?id } }")
        assert [r["id"]["value"] for r in _rows(answer.body)] == ["ASP-0001"]
        with pytest.raises(QueryRejected):
            qs.run("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    finally:
        qs.close()
        store.close()


# --- added with the full protocol (issue: /sparql for the public) --------------------------
META_QUERIES = [
    "SELECT ?w WHERE { ?s <https://w3id.org/semcat/ns#watermark> ?w }",
    "SELECT ?w WHERE { GRAPH ?g { ?s <https://w3id.org/semcat/ns#watermark> ?w } }",
    "SELECT ?w FROM <urn:semcat:meta> WHERE { ?s ?p ?w }",
]


@pytest.mark.parametrize("query", META_QUERIES)
def test_user_queries_never_see_the_bookkeeping_graph(
        service: tuple[QueryService, EmbeddedStore], query: str) -> None:
    qs, store = service
    assert store.watermark() == 1
    assert _rows(qs.run(query).body) == []
    from catalog.queries.guard import QueryDataset

    meta = QueryDataset(("urn:semcat:meta",), ("urn:semcat:meta",))
    assert _rows(qs.run("SELECT * WHERE { ?s ?p ?o }", dataset=meta).body) == []


def test_answers_come_in_the_requested_format_and_from_the_cache(
        service: tuple[QueryService, EmbeddedStore]) -> None:
    qs, _ = service
    q = "SELECT ?s WHERE { ?s a <http://purl.org/vocab/cpsv#PublicService> } ORDER BY ?s LIMIT 3"
    csv = qs.run(q, result_format="csv")
    assert csv.media_type == "text/csv"
    assert csv.body.decode().splitlines()[1] == G.format(1)
    hits = qs.cache.hits
    assert qs.run(q, result_format="csv") == csv
    assert qs.cache.hits == hits + 1
    turtle = qs.run(f"DESCRIBE <{G.format(2)}>", result_format="turtle")
    assert turtle.media_type == "text/turtle"
    assert b"ASP-0002" in turtle.body


def test_the_remote_union_default_graph_hides_the_bookkeeping_graph(
        remote_settings: Settings) -> None:
    store = RemoteStore(remote_settings.sparql_url or "", remote_settings.resolved_update_url or "",
                        remote_settings.resolved_gsp_url or "")
    store.apply([GraphOp(G.format(n), _content(n)) for n in (1, 2)], 1)
    qs = QueryService(remote_settings, store)  # oxigraph serve without --union-default-graph
    try:
        answer = qs.run("SELECT ?id WHERE { ?s <http://purl.org/dc/terms/identifier> ?id } "
                        "ORDER BY ?id")
        assert [r["id"]["value"] for r in _rows(answer.body)] == ["ASP-0001", "ASP-0002"]
        for q in META_QUERIES:
            assert _rows(qs.run(q).body) == [], q
        ask = qs.run(f"ASK {{ <{G.format(1)}> ?p ?o }}", result_format="xml")
        assert b"<boolean>true</boolean>" in ask.body
        graph = qs.run(f"CONSTRUCT WHERE {{ <{G.format(2)}> ?p ?o }}", result_format="ntriples")
        assert graph.rows == 2
        capped = qs.run("SELECT * WHERE { ?s ?p ?o }")
        assert capped.rows == 4
        assert not capped.truncated
    finally:
        qs.close()
        store.close()


@pytest.fixture
def slow_oxigraph(tmp_path: Path) -> Iterator[str]:
    """`oxigraph serve --timeout-s 1`: it answers a cancelled query with 200 and a cut body."""
    import shutil
    import subprocess
    import sys

    import httpx

    from tests.conftest import free_port

    exe = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    port = free_port()
    proc = subprocess.Popen([exe, "serve", "--location", str(tmp_path / "oxi"), "--bind",
                             f"127.0.0.1:{port}", "--timeout-s", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(400):
            try:
                httpx.get(url + "/query", params={"query": "ASK {}"}, timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        yield url
    finally:
        proc.kill()
        proc.wait(timeout=10)


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "CONSTRUCT { ?a ?b ?f } WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
])
def test_a_remote_answer_cut_by_the_server_is_a_timeout_not_a_result(
        settings: Settings, slow_oxigraph: str, query: str) -> None:
    remote = settings.model_copy(update={"sparql_url": slow_oxigraph + "/query",
                                         "query_timeout_s": 10.0,
                                         "query_max_rows": 10_000_000,
                                         "query_max_result_bytes": 1 << 30})
    store = RemoteStore(slow_oxigraph + "/query", slow_oxigraph + "/update",
                        slow_oxigraph + "/store")
    store.apply([GraphOp(G.format(n), _content(n)) for n in range(1, 121)], 1)
    qs = QueryService(remote, store)
    try:
        with pytest.raises(QueryTimeout, match="incomplete"):
            qs.run(query)
    finally:
        qs.close()
        store.close()


def test_the_worker_pool_serves_threads_and_tasks_and_loses_nothing() -> None:
    import asyncio

    from catalog.store.sandbox import Pool

    pool: Pool[str] = Pool(["w1"])
    assert pool.take(0.01) == "w1"
    assert pool.take(0.01) is None  # none free: the caller gets its time-out

    async def scenario() -> list[str | None]:
        waiting = asyncio.create_task(pool.atake(5))
        cancelled = asyncio.create_task(pool.atake(5))
        await asyncio.sleep(0.01)
        cancelled.cancel()
        await asyncio.sleep(0.01)
        threading.Timer(0.05, pool.put, args=("w1",)).start()  # released by another thread
        got = await waiting
        late = await pool.atake(0.01)
        pool.put("w1")
        return [got, late, await pool.atake(0.01)]

    assert run_apart(scenario()) == ["w1", None, "w1"]
