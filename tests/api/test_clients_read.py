"""What stock clients trip on (issue 9, point 8), against the demo catalogue: the RDF formats
an IRI answers, JSON-LD compacted with the CPSV-AP 3.2.0 context, the dump chosen by Accept,
410 Gone for a withdrawn record, CORS on public reads, and the clients themselves (rdflib's
SPARQLStore and its URL parser, httpx) over a real socket."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore

from catalog import rdfio
from tests.api.read_helpers import BASE, Hub, canonical, parse_rdf, running_hub
from tests.servers import serve_in_thread

CPSV_CONTEXT = ("https://semiceu.github.io/uri.semic.eu-generated/CPSV-AP/releases/3.2.0/"
                "context/cpsv-ap.jsonld")
SERVICE = BASE + "id/service/CNAS-0001"
GONE = "ASP-0002"  # withdrawn by the fixture
GONE_IRI = BASE + "id/service/" + GONE


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    with running_hub("sqlite", tmp_path_factory.mktemp("clients") / "data") as h:
        h.withdraw(GONE)
        h.catalog.project()
        yield h


@pytest.fixture(scope="module")
def url(hub: Hub) -> Iterator[str]:
    with serve_in_thread(hub.app, lifespan="off") as u:
        yield u


def turtle_of(hub: Hub, path: str) -> str:
    r = hub.client.get(path, headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    return canonical(parse_rdf(r.content, "text/turtle"))


# --- the formats an IRI answers -------------------------------------------------------------
@pytest.mark.parametrize(("accept", "reads_as"), [
    ("application/trig", ox.RdfFormat.TRIG), ("text/n3", ox.RdfFormat.N3),
    ("text/plain", ox.RdfFormat.N_TRIPLES), ("application/n-quads", ox.RdfFormat.N_QUADS)])
@pytest.mark.parametrize("path", ["/id/service/CNAS-0001", "/id/service/CNAS-0001/evidence/1",
                                  "/codelist/life-event", "/id/org/cnas"])
def test_an_iri_answers_every_rdf_format_a_client_names(hub: Hub, path: str, accept: str,
                                                        reads_as: ox.RdfFormat) -> None:
    r = hub.client.get(path, headers={"Accept": accept})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == accept
    quads = list(ox.parse(r.content, format=reads_as))
    assert canonical([q.triple for q in quads]) == turtle_of(hub, path)
    if reads_as in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):  # in the record's graph
        record = BASE + path.strip("/").split("/evidence")[0]
        assert {q.graph_name for q in quads} == {ox.NamedNode(record)}


@pytest.mark.parametrize("accept", ["application/ld+json", "application/json"])
def test_json_ld_is_compacted_with_the_cpsv_ap_context(hub: Hub, accept: str) -> None:
    r = hub.client.get("/id/service/CNAS-0001", headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == accept
    doc = json.loads(r.content)
    assert doc["@context"][0] == CPSV_CONTEXT  # the official context, by its URL
    nodes = {n["@id"]: n for n in doc["@graph"]}
    assert nodes[SERVICE]["@type"] == "PublicService"  # a term of that context, not an IRI
    assert not any(k.startswith("http") for k in nodes[SERVICE])
    back = rdfio.parse(r.content, "jsonld", base_iri=None, max_bytes=10**7, max_nesting=64)
    assert canonical([q.triple for q in back]) == turtle_of(hub, "/id/service/CNAS-0001")


def test_a_client_that_cannot_fetch_a_context_asks_for_expanded_json_ld(hub: Hub) -> None:
    accept = 'application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"'
    for path in ("/id/service/CNAS-0001", f"/graph-store?graph={SERVICE}"):
        r = hub.client.get(path, headers={"Accept": accept})
        assert r.status_code == 200
        assert b"@context" not in r.content
        quads = ox.parse(r.content, format=ox.RdfFormat.JSON_LD)  # no loader needed
        assert canonical([q.triple for q in quads]) == turtle_of(hub, "/id/service/CNAS-0001")
        compact = hub.client.get(path, headers={"Accept": "application/ld+json"})
        assert compact.headers["etag"] != r.headers["etag"]


def test_a_graph_too_large_to_compact_is_expanded_json_ld(hub: Hub) -> None:
    nt = hub.client.get("/graph-store?default", headers={"Accept": "application/n-triples"})
    n = len(list(ox.parse(nt.content, format=ox.RdfFormat.N_TRIPLES)))
    assert n > rdfio.COMPACT_MAX_TRIPLES
    r = hub.client.get("/graph-store?default", headers={"Accept": "application/ld+json"})
    assert r.status_code == 200
    assert b'"@context"' not in r.content[:200]  # expanded (compacted, it took 30 s)
    assert len(list(ox.parse(r.content, format=ox.RdfFormat.JSON_LD))) == n


def _same_graph_as_turtle(hub: Hub, path: str, params: dict[str, str], json_ld: bytes) -> None:
    turtle = hub.client.get(path, params=params, headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200, turtle.text
    back = rdfio.parse(json_ld, "jsonld", base_iri=None, max_bytes=10**7, max_nesting=64)
    assert canonical([q.triple for q in back]) == canonical(parse_rdf(turtle.content,
                                                                      "text/turtle"))


@pytest.mark.parametrize("query", [
    f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{SERVICE}> {{ ?s ?p ?o }} }}",
    f"DESCRIBE <{SERVICE}>"])
def test_sparql_graph_answers_in_json_ld_are_compacted_like_the_iris(hub: Hub,
                                                                      query: str) -> None:
    r = hub.client.get("/sparql", params={"query": query},
                       headers={"Accept": "application/ld+json"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == "application/ld+json"
    doc = json.loads(r.content)
    # the official context inline: SPARQLWrapper reads JSON-LD through rdflib, which would
    # fetch a context named by URL (and a hub's clients may well be offline)
    assert doc["@context"][0]["PublicService"] == "http://purl.org/vocab/cpsv#PublicService"
    assert "PublicService" in {n.get("@type") for n in doc["@graph"]}
    _same_graph_as_turtle(hub, "/sparql", {"query": query}, r.content)
    offline = ox.parse(r.content, format=ox.RdfFormat.JSON_LD)  # a reader with no loader
    assert canonical([q.triple for q in offline]) == canonical(
        [q.triple for q in rdfio.parse(r.content, "jsonld", base_iri=None, max_bytes=10**7,
                                       max_nesting=64)])
    expanded = hub.client.get("/sparql", params={"query": query}, headers={
        "Accept": 'application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"'})
    assert expanded.status_code == 200
    assert b"@context" not in expanded.content
    quads = ox.parse(expanded.content, format=ox.RdfFormat.JSON_LD)  # no loader needed
    assert canonical([q.triple for q in quads]) == canonical(
        [q.triple for q in rdfio.parse(r.content, "jsonld", base_iri=None, max_bytes=10**7,
                                       max_nesting=64)])


@pytest.mark.parametrize("path", ["/sparql", "/catalog"])
def test_the_service_description_and_the_dcat_catalogue_in_json_ld_have_a_context(
        hub: Hub, path: str) -> None:
    r = hub.client.get(path, headers={"Accept": "application/ld+json"})
    assert r.status_code == 200, r.text
    doc = json.loads(r.content)
    assert "@context" in doc
    assert not any(k.startswith("http") for n in doc["@graph"] for k in n)  # all terms
    _same_graph_as_turtle(hub, path, {}, r.content)
    expanded = hub.client.get(path, headers={
        "Accept": 'application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"'})
    assert b"@context" not in expanded.content
    quads = ox.parse(expanded.content, format=ox.RdfFormat.JSON_LD)
    _same_graph_as_turtle(hub, path, {}, ox.serialize(quads, format=ox.RdfFormat.JSON_LD) or b"")


def test_an_unknown_media_type_is_still_406(hub: Hub) -> None:
    r = hub.client.get("/id/service/CNAS-0001", headers={"Accept": "image/png"})
    assert r.status_code == 406


# --- the dump honours Accept ----------------------------------------------------------------
@pytest.mark.parametrize(("accept", "media", "fmt"), [
    ("application/trig", "application/trig", ox.RdfFormat.TRIG),
    ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-quads", "application/n-quads", ox.RdfFormat.N_QUADS),
    ("*/*", "application/n-quads", ox.RdfFormat.N_QUADS)])
def test_the_dump_honours_accept(hub: Hub, accept: str, media: str, fmt: ox.RdfFormat) -> None:
    r = hub.client.get("/api/v1/dump", headers={"Accept": accept, "Accept-Encoding": "identity"})
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media
    assert "accept" in r.headers["vary"].lower()
    triples = {q.triple for q in ox.parse(r.content, format=fmt)}
    assert ox.Triple(ox.NamedNode(SERVICE), ox.NamedNode(rdfio.PREFIXES["dct"] + "identifier"),
                     ox.Literal("CNAS-0001")) in triples
    if fmt != ox.RdfFormat.TURTLE:
        published = hub.catalog.ledger.published()
        graphs = {q.graph_name.value for q in ox.parse(r.content, format=fmt)
                  if isinstance(q.graph_name, ox.NamedNode)}
        assert graphs == set(published)
    assert hub.client.get("/api/v1/dump", params={"format": "turtle"},
                          headers={"Accept": "application/trig"}
                          ).headers["content-type"].startswith("text/turtle")
    assert hub.client.get("/api/v1/dump", headers={"Accept": "image/png"}).status_code == 406


# --- 410 Gone --------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/id/service/ASP-0002", "/id/service/ASP-0002/channel/1"])
def test_a_withdrawn_record_is_gone_with_a_link_to_its_last_version(hub: Hub, path: str
                                                                   ) -> None:
    r = hub.client.get(path, headers={"Accept": "text/turtle"})
    assert r.status_code == 410
    error = r.json()["error"]
    assert error["code"] == "gone"
    link = error["link"]
    assert r.headers["link"] == f'<{link}>; rel="latest-version"'
    last = hub.client.get(link)
    assert last.status_code == 200
    assert last.headers["x-version-status"] == "withdrawn"
    assert last.json()["code"] == GONE
    page = hub.client.get(path, headers={"Accept": "text/html", "Accept-Language": "en"})
    assert page.status_code == 410
    assert f'id="last-version" href="{link}"' in page.text


def test_the_rest_api_says_gone_for_a_withdrawn_record(hub: Hub) -> None:
    r = hub.client.get(f"/api/v1/services/{GONE}")
    assert r.status_code == 410
    link = r.json()["error"]["link"]
    assert r.headers["link"] == f'<{link}>; rel="latest-version"'
    assert hub.client.get(link).json()["code"] == GONE
    assert hub.client.get("/api/v1/services/ASP-9999").status_code == 404
    assert hub.client.get("/api/v1/services/CNAS-0001").status_code == 200


def test_a_withdrawn_records_graph_is_gone_and_others_are_not_found(hub: Hub) -> None:
    r = hub.client.get("/graph-store", params={"graph": GONE_IRI})
    assert r.status_code == 410
    assert r.headers["link"].startswith("</api/v1/services/ASP-0002?version=")
    for never in (BASE + "id/service/ASP-9999", "urn:semcat:meta"):
        assert hub.client.get("/graph-store", params={"graph": never}).status_code == 404
        assert hub.client.get("/id/service/ASP-9999",
                              headers={"Accept": "text/turtle"}).status_code == 404


def test_the_graph_store_refuses_what_is_not_a_graph_request(hub: Hub) -> None:
    for params in ({"graph": SERVICE, "default": ""}, {"graph": "not an iri"},
                   {"graph": ["urn:a", "urn:b"]}, {"graph": "x" * 5000}):
        r = hub.client.get("/graph-store", params=params)
        assert r.status_code == 400, params
        assert r.json()["error"]["field"] == "graph"
    r = hub.client.get("/graph-store?graph=%FF%FE")  # not UTF-8 once decoded
    assert r.status_code == 400
    assert r.json()["error"]["field"] == "graph"
    described = hub.client.get("/graph-store")  # no graph named: the service description
    assert described.status_code == 200
    assert b"sparql-service-description" in described.content


def test_the_default_graph_is_the_union_of_the_records(hub: Hub) -> None:
    r = hub.client.get("/graph-store?default", headers={"Accept": "application/n-triples"})
    assert r.status_code == 200
    got = {str(q.triple) for q in ox.parse(r.content, format=ox.RdfFormat.N_TRIPLES)
           if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}
    store = hub.catalog.store
    assert store is not None
    want = {str(t) for g in store.graph_names() for t in store.graph(g)
            if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)}
    assert got == want
    assert not any("urn:semcat:meta" in line for line in got)
    again = hub.client.get("/graph-store?default", headers={
        "Accept": "application/n-triples", "If-None-Match": r.headers["etag"]})
    assert again.status_code == 304


# --- CORS on public reads --------------------------------------------------------------------
ORIGIN = {"Origin": "https://app.example"}


@pytest.mark.parametrize("path", ["/api/v1/services?limit=2", "/api/v1/locations",
                                  "/sparql?query=ASK%7B%7D", "/id/org/cnas",
                                  f"/graph-store?graph={SERVICE}", "/api/v1/search?q=somaj"])
def test_public_reads_may_be_read_by_any_origin(hub: Hub, path: str) -> None:
    r = hub.client.get(path, headers=ORIGIN)
    assert r.status_code == 200, r.text
    assert r.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in r.headers
    exposed = r.headers["access-control-expose-headers"]
    assert "X-Request-ID" in exposed
    if "etag" in r.headers:  # a script may revalidate what it read
        assert "ETag" in exposed


def test_no_cors_for_writes_or_credentialed_reads(hub: Hub) -> None:
    r = hub.client.get("/api/v1/services?limit=1",
                       headers=ORIGIN | hub.bearer("CNAS"))
    assert r.status_code == 200
    assert "access-control-allow-origin" not in r.headers
    r = hub.client.post("/api/v1/services", content=b"{}", headers=ORIGIN)
    assert "access-control-allow-origin" not in r.headers
    pre = hub.client.options("/api/v1/services", headers=ORIGIN | {
        "Access-Control-Request-Method": "POST"})
    assert pre.status_code == 204
    assert "POST" not in pre.headers["access-control-allow-methods"]
    assert "GET" in pre.headers["access-control-allow-methods"]


# --- the stock clients, over a socket --------------------------------------------------------
CONSTRUCT = ("CONSTRUCT { ?s <http://purl.org/dc/terms/identifier> ?id } WHERE { "
             "?s a <http://purl.org/vocab/cpsv#PublicService> ; "
             "<http://purl.org/dc/terms/identifier> ?id }")


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_rdflib_sparqlstore_gets_its_construct_answers(hub: Hub, url: str, fmt: str) -> None:
    graph = rdflib.Graph(store=SPARQLStore(url + "/sparql", returnFormat=fmt))
    built = graph.query(CONSTRUCT).graph
    assert built is not None
    codes = {str(o) for o in built.objects()}
    published = {p["code"] for p in hub.catalog.published_services()}
    assert codes == published
    assert GONE not in codes


def test_rdflib_reads_a_graph_from_the_graph_store_by_its_url(hub: Hub, url: str) -> None:
    got = rdflib.Graph().parse(f"{url}/graph-store?graph={SERVICE}")  # rdflib's own Accept
    store = hub.catalog.store
    assert store is not None
    want = rdflib.Graph().parse(data=rdfio.serialize(store.graph(SERVICE), "ntriples").decode(),
                                format="nt")
    assert isomorphic(got, want)


def test_httpx_reads_head_and_get_alike(url: str) -> None:
    with httpx.Client(base_url=url) as c:
        head = c.head("/graph-store", params={"graph": SERVICE}, headers={"Accept": "text/turtle"})
        get = c.get("/graph-store", params={"graph": SERVICE}, headers={"Accept": "text/turtle"})
        assert head.status_code == get.status_code == 200
        assert head.headers["content-type"] == get.headers["content-type"] == \
            "text/turtle; charset=utf-8"
        assert head.headers["etag"] == get.headers["etag"]
        assert head.content == b""
        put = c.put("/graph-store", params={"graph": SERVICE}, content=get.content,
                    headers={"Content-Type": "text/turtle"})
        assert put.status_code == 405
        assert put.headers["allow"] == "GET, HEAD, OPTIONS"
        assert c.get("/graph-store", params={"graph": SERVICE}).content == get.content
