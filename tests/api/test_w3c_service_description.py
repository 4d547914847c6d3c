"""The W3C SPARQL 1.1 service-description tests, one case per manifest entry (the entries are
described only by name; what each checks is written below), against ``GET /sparql``.

The URLs the description gives are built from ``SEMCAT_BASE_URI``, never from the ``Host``
header: the hub here has a public base URI that is not the address it is reached at.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from catalog.namespaces import RDF_TYPE, RDFS
from catalog.settings import Settings
from tests.api.conftest import load_graphs, triples
from tests.conftest import SHARED

MANIFEST = SHARED / "w3c-rdf-tests" / "service-description" / "manifest.ttl"
VOCABULARY = SHARED / "w3c-vocabularies" / "sparql-service-description.nt"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
SD = "http://www.w3.org/ns/sparql-service-description#"
PUBLIC = "https://catalog.gov.example/"
ACCEPTS = [None, "*/*", "text/turtle", "application/ld+json", "application/rdf+xml",
           "application/n-triples"]
HOSTS = [{}, {"Host": "evil.example:9999"}, {"X-Forwarded-Host": "evil.example",
                                             "X-Forwarded-Proto": "http"}]


def _names() -> list[str]:
    if not MANIFEST.exists():
        return ["suite-absent"]
    m = ox.Store()
    m.load(path=MANIFEST, format=ox.RdfFormat.TURTLE, base_iri=MANIFEST.as_uri())
    return sorted(q.subject.value.rsplit("#", 1)[1] for q in m.quads_for_pattern(
        None, ox.NamedNode(RDF_TYPE), ox.NamedNode(MF + "ServiceDescriptionTest")))


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with pytest.MonkeyPatch.context() as mp:
        for key in [k for k in os.environ if k.startswith("SEMCAT_")]:
            mp.delenv(key)
        settings = Settings(env="test", data_dir=tmp_path_factory.mktemp("sd") / "data",
                            base_uri=PUBLIC, query_workers=1)
        with TestClient(create_app(settings)) as client:
            load_graphs(client.app, {PUBLIC + "id/service/X-1": triples(  # type: ignore[arg-type]
                (PUBLIC + "id/service/X-1", RDFS + "label", '"x"'))})
            yield client


def description(hub: TestClient, accept: str | None, headers: dict[str, str]
                ) -> list[ox.Triple]:
    sent = dict(headers) | ({"Accept": accept} if accept else {})
    r = hub.get("/sparql", headers=sent)
    assert r.status_code == 200, r.text
    media = r.headers["content-type"].split(";")[0]
    assert media == (accept if accept and accept != "*/*" else "text/turtle")
    fmt = ox.RdfFormat.from_media_type(media)
    assert fmt is not None
    return [q.triple for q in ox.parse(r.content, format=fmt)]


def returns_rdf(hub: TestClient, accept: str | None, headers: dict[str, str]) -> None:
    found = description(hub, accept, headers)
    services = [t.subject for t in found if t.predicate.value == RDF_TYPE
                and t.object == ox.NamedNode(SD + "Service")]
    assert len(services) == 1


def has_endpoint_triple(hub: TestClient, accept: str | None, headers: dict[str, str]) -> None:
    found = description(hub, accept, headers)
    endpoints = [t.object.value for t in found if t.predicate.value == SD + "endpoint"]
    assert endpoints == [PUBLIC + "sparql"]
    # the endpoint it names is the one that answers queries
    r = hub.get(urlsplit(endpoints[0]).path, params={"query": "ASK { ?s ?p ?o }"})
    assert r.json() == {"head": {}, "boolean": True}
    seen = " ".join(t.object.value for t in found if isinstance(t.object, ox.NamedNode))
    assert "evil.example" not in seen
    assert "testserver" not in seen


def conforms_to_schema(hub: TestClient, accept: str | None, headers: dict[str, str]) -> None:
    vocab = [q.triple for q in ox.parse(path=VOCABULARY, format=ox.RdfFormat.N_TRIPLES)]
    terms = {t.subject.value for t in vocab}
    domain = {t.subject.value: t.object.value for t in vocab
              if t.predicate.value == RDFS + "domain"}
    range_ = {t.subject.value: t.object.value for t in vocab
              if t.predicate.value == RDFS + "range"}
    found = description(hub, accept, headers)
    types = {(t.subject, t.object.value) for t in found + vocab if t.predicate.value == RDF_TYPE}
    used = 0
    for t in found:
        for term in (t.predicate, t.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(SD):
                assert term.value in terms, f"{term.value} is not in the vocabulary"
                used += 1
        p = t.predicate.value
        if p in domain:
            assert (t.subject, domain[p]) in types, f"{p}: subject is not a {domain[p]}"
        if p in range_:
            assert (t.object, range_[p]) in types, f"{p}: object is not a {range_[p]}"
    assert used > 10


CHECKS: dict[str, Callable[[TestClient, str | None, dict[str, str]], None]] = {
    "returns-rdf": returns_rdf, "has-endpoint-triple": has_endpoint_triple,
    "conforms-to-schema": conforms_to_schema}


@pytest.mark.shared
@pytest.mark.parametrize("headers", HOSTS, ids=["plain", "host", "forwarded"])
@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("name", _names())
def test_w3c_service_description(name: str, accept: str | None, headers: dict[str, str],
                                 shared: Path, hub: TestClient) -> None:
    assert shared.is_dir()
    assert set(CHECKS) == set(_names())  # every entry of the suite has its check
    CHECKS[name](hub, accept, headers)


def test_the_description_names_the_graph_store_and_it_answers(hub: TestClient) -> None:
    found = description(hub, "text/turtle", {})
    stores = [t.object.value for t in found if t.predicate.value == RDFS + "seeAlso"]
    assert stores == [PUBLIC + "graph-store"]
    r = hub.get(urlsplit(stores[0]).path, params={"graph": PUBLIC + "id/service/X-1"},
                headers={"Accept": "application/n-triples"})
    assert r.status_code == 200
    assert r.text.strip() == f'<{PUBLIC}id/service/X-1> <{RDFS}label> "x" .'


def test_a_graph_asked_of_the_query_endpoint_is_the_graph_not_the_description(
        hub: TestClient) -> None:
    """Regression (issue 9): ``/sparql?graph=`` with Accept: text/turtle answered the service
    description with 200, and a Graph Store client took it for the graph."""
    iri = PUBLIC + "id/service/X-1"
    r = hub.get("/sparql", params={"graph": iri}, headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    got = [q.triple for q in ox.parse(r.content, format=ox.RdfFormat.TURTLE)]
    assert got == [ox.Triple(ox.NamedNode(iri), ox.NamedNode(RDFS + "label"), ox.Literal("x"))]
    assert hub.get("/sparql", params={"graph": PUBLIC + "nope"}).status_code == 404


def test_a_browser_still_gets_the_query_form_and_a_post_without_query_is_400(
        hub: TestClient) -> None:
    page = hub.get("/sparql", headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.headers["content-type"].startswith("text/html")
    r = hub.post("/sparql", data={"format": "json"})
    assert r.status_code == 400
    assert r.json()["error"]["field"] == "query"
