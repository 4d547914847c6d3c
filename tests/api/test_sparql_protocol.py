"""``/sparql`` in-process: the SPARQL 1.1 Protocol (operations, dataset, formats, errors), the
limits (deadline, rows, bytes, per client), the answer cache and the service description."""

from __future__ import annotations

import csv
import io
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from catalog.namespaces import META_GRAPH, RDF_TYPE, RDFS
from catalog.settings import Settings
from tests.api.conftest import load_graphs, triples

DCT = "http://purl.org/dc/terms/"
CPSV = "http://purl.org/vocab/cpsv#"
BASE = "http://127.0.0.1:8000/id/service/"
G = {f"{BASE}ASP-{n:04d}": triples(
    (f"{BASE}ASP-{n:04d}", RDF_TYPE, f"<{CPSV}PublicService>"),
    (f"{BASE}ASP-{n:04d}", DCT + "identifier", f'"ASP-{n:04d}"'),
    (f"{BASE}ASP-{n:04d}", DCT + "title", f'"Serviciul {n}, \\"nou\\"\\tși\\nbun"@ro'),
) for n in range(1, 31)}
ONE, TWO = f"{BASE}ASP-0001", f"{BASE}ASP-0002"
SELECT = f"SELECT ?id WHERE {{ ?s <{DCT}identifier> ?id }} ORDER BY ?id"
PAGE = SELECT + " LIMIT 20"  # within the module's cap of 25 rows
CONSTRUCT = f"CONSTRUCT WHERE {{ <{ONE}> ?p ?o }}"
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"


def make_client(settings: Settings, **limits: object) -> TestClient:
    return TestClient(create_app(settings.model_copy(update=limits)))


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One hub for the module's tests that leave the store as it is (its workers started once);
    the per-client rate is out of the way here (its own tests set it)."""
    settings = Settings(env="test", data_dir=tmp_path_factory.mktemp("sparql") / "data")
    with make_client(settings, query_max_rows=25, query_timeout_s=2.0,
                     sparql_rate_per_client=10_000.0, sparql_burst_per_client=10_000) as c:
        load_graphs(c.app, G)  # type: ignore[arg-type]
        yield c


@pytest.fixture
def fresh_client(settings: Settings) -> Iterator[TestClient]:
    """A hub of the test's own, for a test that changes the store."""
    with make_client(settings, query_max_rows=25, query_timeout_s=2.0) as c:
        load_graphs(c.app, G)  # type: ignore[arg-type]
        yield c


def ids(r: object) -> list[str]:
    body = r.json()  # type: ignore[attr-defined]
    return [b["id"]["value"] for b in body["results"]["bindings"]]


# --- the three query operations -----------------------------------------------------------
def test_get_post_form_and_post_direct_give_the_same_answer(client: TestClient) -> None:
    get = client.get("/sparql", params={"query": PAGE})
    form = client.post("/sparql", data={"query": PAGE})
    direct = client.post("/sparql", content=PAGE.encode(),
                         headers={"Content-Type": "application/sparql-query"})
    for r in (get, form, direct):
        assert r.status_code == 200
        assert r.headers["content-type"] == "application/sparql-results+json"
        assert r.headers["vary"] == "Accept"
        assert ids(r)[:2] == ["ASP-0001", "ASP-0002"]
    assert get.content == form.content == direct.content


def test_the_protocol_dataset_restricts_the_query(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": SELECT, "default-graph-uri": [ONE, TWO]})
    assert ids(r) == ["ASP-0001", "ASP-0002"]
    q = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    r = client.post(f"/sparql?named-graph-uri={TWO}", content=q.encode(),
                    headers={"Content-Type": "application/sparql-query"})
    assert [b["g"]["value"] for b in r.json()["results"]["bindings"]] == [TWO]
    # only named graphs given: the default graph is empty
    r = client.post("/sparql", data={"query": SELECT, "named-graph-uri": ONE})
    assert ids(r) == []
    # the query's own FROM is used when the protocol gives no dataset
    r = client.get("/sparql", params={"query": f"SELECT ?id FROM <{TWO}> "
                                      f"WHERE {{ ?s <{DCT}identifier> ?id }}"})
    assert ids(r) == ["ASP-0002"]


@pytest.mark.parametrize("query", [
    "SELECT ?w WHERE { ?s <https://w3id.org/semcat/ns#watermark> ?w }",
    f"SELECT ?w FROM <{META_GRAPH}> WHERE {{ ?s ?p ?w }}",
    f"SELECT ?w WHERE {{ GRAPH <{META_GRAPH}> {{ ?s ?p ?w }} }}",
    f"SELECT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (?g = <{META_GRAPH}>) }}",
])
def test_the_bookkeeping_graph_is_invisible(client: TestClient, query: str) -> None:
    assert client.app.state.catalog.store.watermark() > 0  # type: ignore[attr-defined]
    r = client.get("/sparql", params={"query": query})
    assert r.status_code == 200
    assert r.json()["results"]["bindings"] == []
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?w }",
                                      "default-graph-uri": META_GRAPH})
    assert r.json()["results"]["bindings"] == []


# --- formats ------------------------------------------------------------------------------
@pytest.mark.parametrize(("accept", "media"), [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv; charset=utf-8"),
    ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8"),
    ("text/html, */*;q=0.1", "application/sparql-results+json"),
    ("image/png;q=0.9, text/csv;q=0.8", "text/csv; charset=utf-8"),
])
def test_select_in_every_results_format(client: TestClient, accept: str, media: str) -> None:
    q = f"SELECT ?s ?t WHERE {{ ?s <{DCT}title> ?t }} ORDER BY ?s LIMIT 3"
    r = client.get("/sparql", params={"query": q}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"] == media
    title = 'Serviciul 1, "nou"\tși\nbun'
    if "json" in media:
        assert r.json()["results"]["bindings"][0]["t"] == {
            "type": "literal", "value": title, "xml:lang": "ro"}
    elif "xml" in media or "tab" in media:
        fmt = ox.QueryResultsFormat.XML if "xml" in media else ox.QueryResultsFormat.TSV
        rows = list(ox.parse_query_results(r.content, fmt))  # type: ignore[arg-type]
        assert rows[0]["t"] == ox.Literal(title, language="ro")
        assert len(rows) == 3
    else:
        rows = list(csv.reader(io.StringIO(r.text, newline="")))
        assert rows[0] == ["s", "t"]
        assert rows[1] == [ONE, title]


@pytest.mark.parametrize(("accept", "fmt"), [
    ("application/sparql-results+json", "json"), ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"), ("text/tab-separated-values", "tsv")])
def test_ask_in_every_results_format(client: TestClient, accept: str, fmt: str) -> None:
    r = client.get("/sparql", params={"query": f"ASK {{ <{ONE}> ?p ?o }}"},
                   headers={"Accept": accept})
    assert r.status_code == 200
    if fmt == "json":
        assert r.json() == {"head": {}, "boolean": True}
    elif fmt == "xml":
        assert bool(ox.parse_query_results(r.content, ox.QueryResultsFormat.XML)) is True
    else:
        assert r.text.split()[-1] == "true"


@pytest.mark.parametrize(("accept", "fmt"), [
    ("text/turtle", ox.RdfFormat.TURTLE), ("application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML), ("*/*", ox.RdfFormat.TURTLE)])
@pytest.mark.parametrize("query", [CONSTRUCT, f"DESCRIBE <{ONE}>"])
def test_graph_answers_in_every_rdf_format(client: TestClient, accept: str,
                                           fmt: ox.RdfFormat, query: str) -> None:
    r = client.post("/sparql", content=query.encode(),
                    headers={"Content-Type": "application/sparql-query", "Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == fmt.media_type
    got = {q.triple for q in ox.parse(r.content, format=fmt)}
    expected = {q.triple for q in ox.parse(G[ONE], format=ox.RdfFormat.N_TRIPLES)}
    assert got == expected


@pytest.mark.parametrize(("params", "media"), [
    ({"format": "csv"}, "text/csv; charset=utf-8"),
    ({"format": "xml"}, "application/sparql-results+xml"),
    ({"output": "json", "format": ["tsv", "text/tab-separated-values"]},
     "text/tab-separated-values; charset=utf-8"),
    ({"format": "application/sparql-results+xml"}, "application/sparql-results+xml"),
])
def test_format_parameter_wins_over_accept(client: TestClient, params: dict[str, object],
                                           media: str) -> None:
    r = client.get("/sparql", params={"query": PAGE, **params},  # type: ignore[arg-type]
                   headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200
    assert r.headers["content-type"] == media


def test_unservable_formats_are_406(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": SELECT}, headers={"Accept": "image/png"})
    assert r.status_code == 406
    assert r.json()["error"]["code"] == "not_acceptable"
    assert "text/csv" in r.json()["error"]["expected"]
    r = client.get("/sparql", params={"query": CONSTRUCT, "format": "csv"})
    assert r.status_code == 406
    assert "turtle" in r.json()["error"]["expected"]


# --- refusals -----------------------------------------------------------------------------
def test_syntax_errors_are_400_with_line_and_column(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "SELECT * WHERE {\n  ?s ?p \n}"})
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["code"] == "query_rejected"
    assert err["line"] >= 2
    assert isinstance(err["column"], int)
    assert f"line {err['line']}, column {err['column']}" in err["message"]["en"]


@pytest.mark.parametrize("how", ["get", "form", "direct"])
def test_updates_are_refused_and_change_nothing(client: TestClient, how: str) -> None:
    update = "CLEAR ALL"
    if how == "get":
        r = client.get("/sparql", params={"update": update})
    elif how == "form":
        r = client.post("/sparql", data={"update": update})
    else:
        r = client.post("/sparql", content=update.encode(),
                        headers={"Content-Type": "application/sparql-update"})
    assert r.status_code == 403
    assert "read-only" in r.json()["error"]["message"]["en"]
    assert ONE in client.app.state.catalog.store.graph_names()  # type: ignore[attr-defined]


def test_service_and_load_never_reach_the_network(client: TestClient) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    try:
        for q in (f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/s> {{ ?s ?p ?o }} }}",
                  f"SELECT * WHERE {{ SERVICE SILENT <http://127.0.0.1:{port}/> {{}} }}",
                  f"SELECT * WHERE {{ \\u0053ERVICE <http://127.0.0.1:{port}/> {{}} }}",
                  f"LOAD <http://127.0.0.1:{port}/data.ttl>"):
            r = client.get("/sparql", params={"query": q})
            assert r.status_code == 400, q
            assert r.json()["error"]["code"] == "query_rejected"
        with pytest.raises(TimeoutError):
            listener.accept()
    finally:
        listener.close()


@pytest.mark.parametrize(("headers", "body", "status"), [
    ({"Content-Type": "text/plain"}, b"ASK {}", 415),
    ({}, b"query=ASK%20%7B%7D", 415),
    ({"Content-Type": "application/sparql-query; charset=UTF-16"}, "ASK {}".encode("utf-16"),
     415),
    ({"Content-Type": "application/sparql-query"}, b"ASK { \xff }", 400),
])
def test_malformed_posts_are_refused(client: TestClient, headers: dict[str, str], body: bytes,
                                     status: int) -> None:
    r = client.post("/sparql", content=body, headers=headers)
    assert r.status_code == status
    if status == 415:
        assert "application/sparql-query" in r.headers["accept-post"]


def test_one_query_per_request_and_a_bounded_body(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": ["ASK {}", "SELECT * {}"]})
    assert r.status_code == 400
    big = "ASK {} #" + "x" * (5 * 64 * 1024)
    r = client.post("/sparql", content=big.encode(),
                    headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413
    r = client.get("/sparql", params={"query": "ASK " + "{ " * 100 + "}" * 100})
    assert r.status_code == 400
    assert "nested" in r.json()["error"]["message"]["en"]


def test_other_methods_are_405(client: TestClient) -> None:
    assert client.put("/sparql", content=b"query=ASK%7B%7D").status_code == 405


# --- limits -------------------------------------------------------------------------------
def test_an_answer_over_the_row_cap_is_refused_with_how_to_page(client: TestClient) -> None:
    for query in ("SELECT * WHERE { ?s ?p ?o }", "CONSTRUCT WHERE { ?s ?p ?o }"):
        r = client.get("/sparql", params={"query": query})
        assert r.status_code == 400, query  # never a cut answer taken for a whole one
        error = r.json()["error"]
        assert error["message"]["en"] == (
            "the answer has more than 25 rows, the most this endpoint sends at once: page "
            "through it with ORDER BY, LIMIT 25 (or less) and OFFSET")
        assert error["field"] == "query"
        assert "x-sparql-truncated" not in r.headers
    whole = client.get("/sparql", params={"query": SELECT + " LIMIT 25"})
    assert whole.status_code == 200
    assert len(whole.json()["results"]["bindings"]) == 25
    page = client.get("/sparql", params={"query": SELECT + " LIMIT 25 OFFSET 25"})
    assert page.status_code == 200
    assert page.json()["results"]["bindings"] != whole.json()["results"]["bindings"]


def test_an_answer_over_the_byte_cap_is_refused(settings: Settings) -> None:
    with make_client(settings, query_max_result_bytes=2048) as c:
        load_graphs(c.app, G)  # type: ignore[arg-type]
        r = c.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
        assert r.status_code == 400
        assert "larger than 2048 bytes" in r.json()["error"]["message"]["en"]
        small = c.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 2"})
        assert small.status_code == 200


def test_an_offset_past_the_maximum_is_refused(settings: Settings) -> None:
    with make_client(settings, query_max_offset=1000) as c:
        load_graphs(c.app, G)  # type: ignore[arg-type]
        deep = "SELECT * WHERE { { SELECT * { ?s ?p ?o } OFFSET 1001 } } LIMIT 5"
        r = c.get("/sparql", params={"query": deep})
        assert r.status_code == 400
        assert r.json()["error"]["message"]["en"].startswith(
            "OFFSET 1001 is past the largest this endpoint takes (1000)")
        ok = c.get("/sparql", params={"query": SELECT + " LIMIT 5 OFFSET 1000"})
        assert ok.status_code == 200


def test_a_query_past_its_deadline_is_503_with_retry_after(settings: Settings) -> None:
    with make_client(settings, query_timeout_s=1.0) as c:
        load_graphs(c.app, G)  # type: ignore[arg-type]
        started = time.monotonic()
        r = c.get("/sparql", params={"query": HEAVY})
        assert r.status_code == 503
        assert r.json()["error"]["code"] == "query_timeout"
        assert r.headers["retry-after"]
        assert time.monotonic() - started < 3
        assert c.get("/sparql", params={"query": "ASK {}"}).json()["boolean"] is True


def test_a_client_beyond_its_share_gets_429(settings: Settings) -> None:
    with make_client(settings, query_timeout_s=2.0, query_max_per_client=1) as c:
        load_graphs(c.app, G)  # type: ignore[arg-type]
        cached = c.get("/sparql", params={"query": SELECT})
        heavy: dict[str, int] = {}
        t = threading.Thread(target=lambda: heavy.update(
            status=c.get("/sparql", params={"query": HEAVY}).status_code))
        t.start()
        time.sleep(0.5)
        r = c.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
        again = c.get("/sparql", params={"query": SELECT})
        t.join()
        assert r.status_code == 429
        assert r.json()["error"]["code"] == "too_many_queries"
        assert r.headers["retry-after"] == "1"
        assert again.status_code == 200  # answers from the cache are not counted
        assert again.content == cached.content
        assert heavy["status"] == 503
        assert c.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code == 200


def test_repeated_queries_come_from_the_cache_until_the_store_changes(fresh_client: TestClient
                                                                      ) -> None:
    client = fresh_client
    queries = client.app.state.queries  # type: ignore[attr-defined]
    count = f"SELECT (COUNT(?id) AS ?n) WHERE {{ ?s <{DCT}identifier> ?id }}"
    first = client.get("/sparql", params={"query": count})
    hits = queries.cache.hits
    second = client.get("/sparql", params={"query": f"  {count}\n"})
    assert queries.cache.hits == hits + 1
    assert second.content == first.content
    three = f"{BASE}ASP-0099"
    load_graphs(client.app, {three: triples((three, DCT + "identifier", '"ASP-0099"'))})
    third = client.get("/sparql", params={"query": count})
    assert first.json()["results"]["bindings"][0]["n"]["value"] == "30"
    assert third.json()["results"]["bindings"][0]["n"]["value"] == "31"


# --- service description and CORS ---------------------------------------------------------
def _description(client: TestClient) -> list[ox.Triple]:
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/turtle")
    return [q.triple for q in ox.parse(r.content, format=ox.RdfFormat.TURTLE)]


SD = "http://www.w3.org/ns/sparql-service-description#"


def test_get_without_a_query_is_the_service_description(client: TestClient) -> None:
    found = _description(client)
    endpoints = [t.object for t in found if t.predicate == ox.NamedNode(SD + "endpoint")]
    # from SEMCAT_BASE_URI, not from the Host header of the request (testserver)
    assert endpoints == [ox.NamedNode(client.app.state.settings.base_uri + "sparql")]  # type: ignore[attr-defined]
    features = {t.object.value for t in found if t.predicate.value == SD + "feature"}
    assert SD + "UnionDefaultGraph" in features
    assert SD + "BasicFederatedQuery" not in features  # SERVICE is refused
    for media in ("application/ld+json", "application/rdf+xml", "application/n-triples"):
        r = client.get("/sparql", headers={"Accept": media})
        assert r.headers["content-type"].startswith(media)
        fmt = ox.RdfFormat.from_media_type(media)
        assert fmt is not None
        assert len(list(ox.parse(r.content, format=fmt))) == len(found)


@pytest.mark.shared
def test_the_service_description_conforms_to_the_vocabulary(client: TestClient,
                                                            shared: Path) -> None:
    vocab = [q.triple for q in ox.parse(
        path=shared / "w3c-vocabularies" / "sparql-service-description.nt",
        format=ox.RdfFormat.N_TRIPLES)]
    terms = {t.subject.value for t in vocab}
    domain = {t.subject.value: t.object.value for t in vocab
              if t.predicate.value == RDFS + "domain"}
    range_ = {t.subject.value: t.object.value for t in vocab
              if t.predicate.value == RDFS + "range"}
    found = _description(client)
    types = {(t.subject, t.object.value) for t in found + vocab if t.predicate.value == RDF_TYPE}
    for t in found:
        for term in (t.predicate, t.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(SD):
                assert term.value in terms, f"{term.value} is not in the vocabulary"
        p = t.predicate.value
        if p in domain:
            assert (t.subject, domain[p]) in types, f"{p}: subject is not a {domain[p]}"
        if p in range_:
            assert (t.object, range_[p]) in types, f"{p}: object is not a {range_[p]}"


def test_a_plain_get_without_a_query_is_the_service_description(client: TestClient) -> None:
    """Issue 9: a plain GET (no Accept) answers the description, no longer 400; a POST
    without a query still says what to send."""
    r = client.get("/sparql")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/turtle")
    got = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
    assert len(got) == len(_description(client))
    r = client.post("/sparql", data={"format": "json"})
    assert r.status_code == 400
    assert "service description" in r.json()["error"]["message"]["en"]


def test_browsers_may_call_it_from_other_origins(client: TestClient) -> None:
    r = client.options("/sparql", headers={"Origin": "https://yasgui.example",
                                           "Access-Control-Request-Method": "POST"})
    assert r.status_code == 204
    assert r.headers["access-control-allow-origin"] == "*"
    assert "Content-Type" in r.headers["access-control-allow-headers"]
    r = client.get("/sparql", params={"query": "SELECT * WHERE {"})
    assert r.headers["access-control-allow-origin"] == "*"
    assert json.loads(r.content)["error"]["code"] == "query_rejected"


def test_the_fast_lane_answers_like_the_route(settings: Settings) -> None:
    from api.routes.sparql import SparqlFastLane

    app = create_app(settings)
    app.add_middleware(SparqlFastLane)
    with TestClient(app) as c:
        load_graphs(c.app, G)  # type: ignore[arg-type]
        via_lane = c.get("/sparql", params={"query": SELECT + " LIMIT 3"})
        assert ids(via_lane) == ["ASP-0001", "ASP-0002", "ASP-0003"]
        assert c.post("/sparql", data={"query": SELECT + " LIMIT 3"}).content == via_lane.content
        assert c.put("/sparql").status_code == 405  # other methods still meet the router
        assert c.options("/sparql").status_code == 204


@pytest.mark.oxigraph_server
def test_a_remote_server_with_its_own_union_default_graph(settings: Settings,
                                                          tmp_path: Path) -> None:
    from tests.api.conftest import oxigraph_serve

    with oxigraph_serve(tmp_path / "oxi", "--union-default-graph") as url:
        remote = settings.model_copy(update={"sparql_url": url + "/query",
                                             "sparql_remote_union": True})
        with TestClient(create_app(remote)) as c:
            load_graphs(c.app, G)  # type: ignore[arg-type]
            r = c.get("/sparql", params={"query": SELECT + " LIMIT 2"})
            assert ids(r) == ["ASP-0001", "ASP-0002"]
            r = c.get("/sparql", params={"query": SELECT, "default-graph-uri": TWO})
            assert ids(r) == ["ASP-0002"]
