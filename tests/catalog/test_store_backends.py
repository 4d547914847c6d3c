"""One contract for both quad stores: embedded Oxigraph and a real `oxigraph serve`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from catalog import rdfio
from catalog.errors import StoreUnavailable
from catalog.store import GraphOp, QuadStore
from catalog.store.embedded import EmbeddedStore
from catalog.store.remote import RemoteStore
from tests.conftest import free_port

G1 = "http://127.0.0.1:8000/id/service/ASP-0001"
G2 = "http://127.0.0.1:8000/id/service/ASP-0002"


def nt(*lines: str) -> str:
    return "".join(sorted(line + " .\n" for line in lines))


@pytest.fixture(params=["embedded", "remote"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[QuadStore]:
    s: QuadStore
    if request.param == "embedded":
        s = EmbeddedStore(tmp_path / "store")
    else:
        base = request.getfixturevalue("oxigraph_server")
        s = RemoteStore(base + "/query", base + "/update", base + "/store")
    yield s
    s.close()


def _graph(store: QuadStore, iri: str) -> str:
    return rdfio.canonical_ntriples(store.graph(iri))


def test_a_fresh_store_has_watermark_0_and_no_graphs(store: QuadStore) -> None:
    assert store.watermark() == 0
    assert store.graph_names() == set()


def test_apply_replaces_graphs_and_moves_the_watermark(store: QuadStore) -> None:
    v1 = nt(f'<{G1}> <http://purl.org/dc/terms/title> "Unu"@ro')
    v2 = nt(f'<{G1}> <http://purl.org/dc/terms/title> "Doi"@ro')
    store.apply([GraphOp(G1, v1), GraphOp(G2, v1.replace(G1, G2))], 5)
    assert store.watermark() == 5
    assert store.graph_names() == {G1, G2}  # the meta graph is not a record
    store.apply([GraphOp(G1, v2)], 6)
    assert _graph(store, G1) == v2
    assert store.watermark() == 6
    store.apply([GraphOp(G2, None)], 7)
    assert store.graph_names() == {G1}
    assert store.graph(G2) == []


def test_text_survives_exactly(store: QuadStore) -> None:
    tricky = ('"Naştere / naștere, ţară / țară \\"citat\\"\\nrând nou — '
              'Рождение ребёнка"@ro')
    content = nt(f"<{G1}> <http://purl.org/dc/terms/title> {tricky}")
    store.apply([GraphOp(G1, content)], 1)
    assert _graph(store, G1) == content
    title = store.graph(G1)[0].object
    assert isinstance(title, ox.Literal)
    assert "ş" in title.value
    assert "ș" in title.value
    assert "\n" in title.value


def test_blank_nodes_of_two_records_stay_apart(store: QuadStore) -> None:
    a = nt(f"<{G1}> <http://www.w3.org/ns/locn#address> _:c14n0",
           '_:c14n0 <http://www.w3.org/ns/locn#fullAddress> "A"@ro')
    b = a.replace(G1, G2).replace('"A"', '"B"')
    store.apply([GraphOp(G1, a), GraphOp(G2, b)], 2)
    assert len(store.graph(G1)) == 2
    assert len(store.graph(G2)) == 2
    rows = store.select("SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE { GRAPH ?g { ?s "
                        "<http://www.w3.org/ns/locn#address> ?b } }")
    assert int(rows[0]["n"].value) == 2


def test_a_failed_apply_changes_nothing(store: QuadStore) -> None:
    good = nt(f'<{G1}> <http://purl.org/dc/terms/title> "Bun"@ro')
    store.apply([GraphOp(G1, good)], 3)
    broken = "<not a triple"
    with pytest.raises((StoreUnavailable, SyntaxError, ValueError, OSError)):
        store.apply([GraphOp(G1, None), GraphOp(G2, broken)], 4)
    assert store.watermark() == 3
    assert _graph(store, G1) == good
    assert G2 not in store.graph_names()


def test_select_and_ask(store: QuadStore) -> None:
    store.apply([GraphOp(G1, nt(f'<{G1}> <http://purl.org/dc/terms/identifier> "ASP-0001"'))], 1)
    rows = store.select("SELECT ?id WHERE { GRAPH ?g { ?s <http://purl.org/dc/terms/identifier>"
                        " ?id } }")
    assert [r["id"].value for r in rows] == ["ASP-0001"]
    assert store.ask(f"ASK {{ GRAPH <{G1}> {{ ?s ?p ?o }} }}")
    assert not store.ask(f"ASK {{ GRAPH <{G2}> {{ ?s ?p ?o }} }}")


def test_a_dead_sparql_server_is_reported_as_unavailable() -> None:
    base = f"http://127.0.0.1:{free_port()}"
    store = RemoteStore(base + "/query", base + "/update", base + "/store", timeout_s=2)
    with pytest.raises(StoreUnavailable):
        store.watermark()
    with pytest.raises(StoreUnavailable):
        store.apply([GraphOp(G1, None)], 1)
    store.close()


def test_a_failed_insert_only_batch_changes_nothing(store: QuadStore) -> None:
    store.apply([GraphOp(G1, nt(f'<{G1}> <http://purl.org/dc/terms/title> "Bun"@ro'))], 3)
    with pytest.raises((StoreUnavailable, SyntaxError, ValueError, OSError)):
        store.apply([GraphOp(G2, nt(f'<{G2}> <http://e/p> "ok"')), GraphOp(G2 + "/x", "<bad")], 4)
    assert store.watermark() == 3
    assert store.graph_names() == {G1}


def test_watermark_survives_both_write_paths(store: QuadStore) -> None:
    body = nt(f'<{G1}> <http://purl.org/dc/terms/title> "Unu"@ro')
    store.apply([GraphOp(G1, body)], 10)  # insert-only batch
    store.apply([GraphOp(G2, body.replace(G1, G2))], 11)
    assert store.watermark() == 11
    store.apply([GraphOp(G1, body.replace("Unu", "Doi"))], 12)  # replacement batch
    assert store.watermark() == 12
    rows = store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:semcat:meta> { ?s ?p ?o } }")
    assert int(rows[0]["n"].value) == 1  # older watermark triples were cleared
