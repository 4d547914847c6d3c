"""Stock clients against a real server: SPARQLWrapper and rdflib's SPARQLStore, over uvicorn on
a free loopback port, in every result format they ask for."""

from __future__ import annotations

import os
from collections.abc import Iterator
from xml.dom.minidom import Document

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)

from api.app import create_app
from catalog.settings import Settings
from tests.api.conftest import load_graphs, triples
from tests.servers import serve_in_thread

DCT = "http://purl.org/dc/terms/"
BASE = "http://127.0.0.1:8000/id/service/"
CODES = [f"ASP-{n:04d}" for n in range(1, 6)]
GRAPHS = {BASE + c: triples((BASE + c, DCT + "identifier", f'"{c}"'),
                            (BASE + c, DCT + "title", f'"Serviciul {c}"@ro'))
          for c in CODES}
SELECT = f"SELECT ?s ?id WHERE {{ ?s <{DCT}identifier> ?id }} ORDER BY ?id"
ASK = f'ASK {{ ?s <{DCT}identifier> "{CODES[0]}" }}'
CONSTRUCT = f"CONSTRUCT {{ ?s <{DCT}identifier> ?id }} WHERE {{ ?s <{DCT}identifier> ?id }}"
DESCRIBE = f"DESCRIBE <{BASE}{CODES[0]}>"
METHODS = [(GET, URLENCODED), (POST, URLENCODED), (POST, POSTDIRECTLY)]


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with pytest.MonkeyPatch.context() as mp:
        for key in [k for k in os.environ if k.startswith("SEMCAT_")]:
            mp.delenv(key)
        settings = Settings(env="test", data_dir=tmp_path_factory.mktemp("clients"))
        app = create_app(settings)
        with serve_in_thread(app) as url:
            load_graphs(app, GRAPHS)
            yield url + "/sparql"


def wrapper(endpoint: str, query: str, fmt: str, method: tuple[str, str]) -> SPARQLWrapper:
    sw = SPARQLWrapper(endpoint)
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    sw.setMethod(method[0])
    sw.setRequestMethod(method[1])
    return sw


# --- SPARQLWrapper ------------------------------------------------------------------------
@pytest.mark.parametrize("method", METHODS, ids=lambda m: "-".join(m))
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select(endpoint: str, fmt: str, method: tuple[str, str]) -> None:
    result = wrapper(endpoint, SELECT, fmt, method).queryAndConvert()
    if fmt == JSON:
        assert isinstance(result, dict)
        assert [b["id"]["value"] for b in result["results"]["bindings"]] == CODES
    elif fmt == XML:
        assert isinstance(result, Document)
        values = [n.firstChild.data for n in result.getElementsByTagName("literal")]
        assert values == CODES
    else:
        assert isinstance(result, bytes)
        rows = result.decode().strip().splitlines()
        assert len(rows) == 1 + len(CODES)
        want = '"ASP-0001"' if fmt == TSV else "ASP-0001"
        assert rows[1].split("\t" if fmt == TSV else ",")[1] == want


@pytest.mark.parametrize("method", METHODS, ids=lambda m: "-".join(m))
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_ask(endpoint: str, fmt: str, method: tuple[str, str]) -> None:
    result = wrapper(endpoint, ASK, fmt, method).queryAndConvert()
    if fmt == JSON:
        assert result == {"head": {}, "boolean": True}
    elif fmt == XML:
        assert isinstance(result, Document)
        assert result.getElementsByTagName("boolean")[0].firstChild.data == "true"
    else:
        assert isinstance(result, bytes)
        assert result.split()[-1] == b"true"


# SPARQLWrapper converts RDF/XML and JSON-LD answers into an rdflib ConjunctiveGraph, which
# rdflib 7 deprecates: the client's warning, not ours.
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize("method", METHODS, ids=lambda m: "-".join(m))
@pytest.mark.parametrize("fmt", [TURTLE, N3, XML, RDFXML, JSONLD])
@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["construct", "describe"])
def test_sparqlwrapper_graphs(endpoint: str, query: str, fmt: str,
                              method: tuple[str, str]) -> None:
    result = wrapper(endpoint, query, fmt, method).queryAndConvert()
    if isinstance(result, bytes):  # Turtle and N3 come back as text
        graph = Graph().parse(data=result.decode(), format="turtle")
    else:
        assert isinstance(result, Graph)
        graph = result
    ids = sorted(str(o) for o in graph.objects(None, URIRef(DCT + "identifier")))
    assert ids == (CODES if query == CONSTRUCT else CODES[:1])


# --- rdflib's SPARQLStore -----------------------------------------------------------------
@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
@pytest.mark.parametrize("fmt", ["xml", "json", "csv", "tsv"])
def test_rdflib_sparqlstore_select_and_ask(endpoint: str, fmt: str, method: str) -> None:
    graph = Graph(store=SPARQLStore(endpoint, method=method, returnFormat=fmt))
    rows = list(graph.query(SELECT))
    assert [str(r[1]) for r in rows] == CODES  # type: ignore[index]
    assert str(rows[0][0]) == BASE + CODES[0]  # type: ignore[index]
    if fmt in ("xml", "json"):
        assert graph.query(ASK).askAnswer is True


@pytest.mark.parametrize("method", ["GET", "POST_FORM"])
def test_rdflib_sparqlstore_graphs_and_triples(endpoint: str, method: str) -> None:
    graph = Graph(store=SPARQLStore(endpoint, method=method))
    built = graph.query(CONSTRUCT).graph
    assert built is not None
    assert len(built) == len(CODES)
    one = URIRef(BASE + CODES[0])
    found = set(graph.triples((one, None, None)))
    assert (one, URIRef(DCT + "title"), Literal("Serviciul ASP-0001", lang="ro")) in found
    assert len(found) == 2


def test_the_watermark_never_leaks_to_clients(endpoint: str) -> None:
    sw = wrapper(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", JSON, METHODS[0])
    result = sw.queryAndConvert()
    assert isinstance(result, dict)
    n = int(result["results"]["bindings"][0]["n"]["value"])
    expected = sum(len(list(ox.parse(t, format=ox.RdfFormat.N_TRIPLES)))
                   for t in GRAPHS.values())
    assert n == expected


def test_an_answer_larger_than_a_pipe_buffer_comes_whole(endpoint: str) -> None:
    # regression: uvloop's add_reader left the worker's pipe non-blocking, and reading an
    # answer longer than the pipe buffer (64 KiB) failed as "the query worker died"
    q = ("SELECT ?n WHERE { VALUES ?x { " + " ".join(str(i) for i in range(3000)) + " } "
         'BIND (CONCAT(STR(?x), "-", STRUUID()) AS ?n) }')
    result = wrapper(endpoint, q, JSON, METHODS[1]).queryAndConvert()
    assert isinstance(result, dict)
    assert len(result["results"]["bindings"]) == 3000
