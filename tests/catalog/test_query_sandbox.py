"""User SPARQL: refused before execution when unsafe, cut at its deadline, others still served."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import pytest

from catalog.errors import InvalidInput, QueryRejected, QueryTimeout, TooLarge
from catalog.queries import QueryService
from catalog.settings import Settings
from catalog.sparql_guard import check_query
from catalog.store import GraphOp
from catalog.store.embedded import EmbeddedStore
from catalog.store.remote import RemoteStore

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
    with pytest.raises(InvalidInput, match="nested 3000 levels"):
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
