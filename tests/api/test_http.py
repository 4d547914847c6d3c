"""The HTTP surface in-process: negotiation, the one error shape, read-only SPARQL."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from catalog import rdfio
from catalog.demo import load_reference
from catalog.settings import Settings
from tests.builders import import_records, service_draft


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        cat = c.app.state.catalog  # type: ignore[attr-defined]
        load_reference(cat)
        import_records(cat, [service_draft("ASP-9201", title_ro="Eliberarea certificatului")],
                           author="test")
        yield c


def assert_error_shape(body: dict[str, object], code: str) -> None:
    err = body["error"]
    assert isinstance(err, dict)
    assert err["code"] == code
    assert set(err["message"]) == {"en", "ro"}
    assert all(err["message"].values())


def test_health(client: TestClient) -> None:
    r = client.get("/health")
    assert r.status_code == 200
    body = r.json()
    assert body["store"]["lag"] == 0
    assert body["ledger"]["records"]["service"] == 1
    assert body["search"] == {"status": "ok", "watermark": body["ledger"]["last_seq"], "lag": 0}


def test_health_reports_a_search_index_that_lags(client: TestClient) -> None:
    cat = client.app.state.catalog  # type: ignore[attr-defined]
    with cat.engine.begin() as conn:  # the index lost its last change
        conn.exec_driver_sql("UPDATE search_state SET watermark = watermark - 1")
    body = client.get("/health").json()
    assert (body["status"], body["search"]["lag"]) == ("degraded", 1)


def test_passport_json_by_default_and_rdf_by_accept(client: TestClient) -> None:
    r = client.get("/api/v1/services/ASP-9201")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.json()["title"]["ro"] == "Eliberarea certificatului"
    assert r.headers["vary"] == "Accept, Authorization"
    for media, fmt in [("text/turtle", ox.RdfFormat.TURTLE),
                       ("application/n-triples", ox.RdfFormat.N_TRIPLES),
                       ("application/rdf+xml", ox.RdfFormat.RDF_XML),
                       ("application/ld+json", ox.RdfFormat.JSON_LD)]:
        r = client.get("/api/v1/services/ASP-9201", headers={"Accept": media})
        assert r.status_code == 200, media
        assert r.headers["content-type"].startswith(media)
        # (JSON-LD names the CPSV-AP context by URL: read through rdfio's bundled copy)
        triples = (rdfio.parse(r.content, "jsonld", base_iri=None, max_bytes=10**7,
                               max_nesting=64) if fmt == ox.RdfFormat.JSON_LD
                   else list(ox.parse(r.content, format=fmt)))
        assert len(triples) == len(service_draft("ASP-9201").triples), media


def test_unknown_and_malformed_codes(client: TestClient) -> None:
    r = client.get("/api/v1/services/ASP-0000")
    assert r.status_code == 404
    assert_error_shape(r.json(), "not_found")
    r = client.get("/api/v1/services/not-a-code")
    assert r.status_code == 400
    assert_error_shape(r.json(), "invalid_input")
    assert r.json()["error"]["field"] == "code"


def test_unacceptable_media_type_is_406(client: TestClient) -> None:
    r = client.get("/api/v1/services/ASP-9201", headers={"Accept": "image/png"})
    assert r.status_code == 406
    assert_error_shape(r.json(), "not_acceptable")
    assert "text/turtle" in r.json()["error"]["expected"]


def test_unknown_path_has_the_same_error_shape(client: TestClient) -> None:
    r = client.get("/api/v1/nothing-here")
    assert r.status_code == 404
    assert_error_shape(r.json(), "http_404")


def test_sparql_select(client: TestClient) -> None:
    q = "SELECT ?id WHERE { ?s <http://purl.org/dc/terms/identifier> ?id } ORDER BY ?id"
    r = client.get("/sparql", params={"query": q})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/sparql-results+json"
    ids = [b["id"]["value"] for b in r.json()["results"]["bindings"]]
    assert "ASP-9201" in ids


@pytest.mark.parametrize(("query", "needle"), [
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE"),
    ("LOAD <http://127.0.0.1:9/x.ttl>", "read-only"),
    ("SELECT * WHERE { ?s ?p }", "syntax error"),
])
def test_sparql_refusals_are_400_with_a_reason(client: TestClient, query: str, needle: str
                                               ) -> None:
    r = client.get("/sparql", params={"query": query})
    assert r.status_code == 400
    assert_error_shape(r.json(), "query_rejected")
    assert needle in r.json()["error"]["message"]["en"]


def test_missing_query_parameter(client: TestClient) -> None:
    # a POST: a GET without a query is the service description (issue 9)
    r = client.post("/sparql", data={"format": "json"})
    assert r.status_code == 400
    assert_error_shape(r.json(), "invalid_request")
    assert "query" in r.json()["error"]["field"]


def test_front_page_leads_to_the_published_services(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert '<strong id="total">1</strong> servicii publicate' in r.text
    assert '<a href="/authorities/ASP?lang=ro">' in r.text  # the institution's list
    listed = client.get("/authorities/ASP")
    assert '<a href="/id/service/ASP-9201?lang=ro">Eliberarea certificatului</a>' in listed.text


def test_front_page_escapes_text(client: TestClient) -> None:
    cat = client.app.state.catalog  # type: ignore[attr-defined]
    import_records(cat, [service_draft("ASP-9202", title_ro="<script>alert(1)</script>")],
                       author="test")
    r = client.get("/authorities/ASP")
    assert "<script>alert(1)</script>" not in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text


def test_the_hub_on_a_remote_sparql_server(remote_settings: Settings) -> None:
    with TestClient(create_app(remote_settings)) as c:
        cat = c.app.state.catalog  # type: ignore[attr-defined]
        load_reference(cat)
        import_records(cat, [service_draft("ASP-9203")], author="test")
        health = c.get("/health").json()
        assert health["store"]["kind"].startswith("SPARQL server at http://127.0.0.1:")
        assert health["store"]["lag"] == 0
        r = c.get("/api/v1/services/ASP-9203", headers={"Accept": "text/turtle"})
        assert r.status_code == 200
        assert "ASP-9203" in r.text
        q = "SELECT ?id WHERE { GRAPH ?g { ?s <http://purl.org/dc/terms/identifier> ?id } }"
        ids = [b["id"]["value"] for b in c.get("/sparql", params={"query": q}).json()
               ["results"]["bindings"]]
        assert "ASP-9203" in ids
        assert c.get("/sparql", params={"query": "LOAD <http://127.0.0.1:9/>"}).status_code == 400
