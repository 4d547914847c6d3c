"""The QuadStore contract, run against the embedded store and a real `oxigraph serve`.

The projector relies on exactly this: ``apply`` replaces or drops whole graphs and moves the
watermark in one step, failures change nothing, record graphs never share blank nodes, literals
come back exactly as written, and a remote server that cannot answer is ``StoreUnavailable``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from catalog import rdfio
from catalog.errors import StoreUnavailable
from catalog.namespaces import META_GRAPH
from catalog.store import GraphOp, QuadStore
from catalog.store.embedded import EmbeddedStore
from catalog.store.remote import RemoteStore
from tests.conftest import free_port
from tests.factories import BASE, nt_title, store_snapshot

A = BASE + "id/service/ASP-0001"
B = BASE + "id/service/ASP-0002"
C = BASE + "id/org/asp"
DCT = "http://purl.org/dc/terms/"
ERRORS = (StoreUnavailable, SyntaxError, ValueError, OSError, RuntimeError)


def canon(*lines: str) -> str:
    """Canonical N-Triples of some N-Triples lines (as the ledger stores contents)."""
    text = "".join(line if line.endswith("\n") else line + " .\n" for line in lines)
    return rdfio.canonical_ntriples(rdfio.parse_canonical(text))


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


def graph_text(store: QuadStore, iri: str) -> str:
    return rdfio.canonical_ntriples(store.graph(iri))


def test_a_fresh_store_is_empty_with_watermark_0(store: QuadStore) -> None:
    assert store.watermark() == 0
    assert store.graph_names() == set()
    assert store.graph(A) == []
    assert store.select("SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } }") == []


def test_apply_creates_replaces_and_drops_whole_graphs_with_the_watermark(
        store: QuadStore) -> None:
    a1 = canon(nt_title(A, "Unu"), f'<{A}> <{DCT}identifier> "ASP-0001"')
    b1 = canon(nt_title(B, "Doi"))
    store.apply([GraphOp(A, a1), GraphOp(B, b1)], 3)
    assert store.watermark() == 3
    assert store_snapshot(store) == {A: a1, B: b1}

    # a replacement holds only the new content: the old title is gone
    a2 = canon(nt_title(A, "Unu, revizuit"))
    store.apply([GraphOp(A, a2)], 4)
    assert store.watermark() == 4
    assert store_snapshot(store) == {A: a2, B: b1}

    # new graph and replacement in one batch
    c1 = canon(f'<{C}> <http://www.w3.org/2004/02/skos/core#prefLabel> "ASP"@ro')
    store.apply([GraphOp(C, c1), GraphOp(B, canon(nt_title(B, "Trei")))], 5)
    assert store_snapshot(store) == {A: a2, B: canon(nt_title(B, "Trei")), C: c1}
    assert store.watermark() == 5

    # drop, and drop of a graph that does not exist
    store.apply([GraphOp(B, None), GraphOp(BASE + "id/service/NONE", None)], 6)
    assert store.watermark() == 6
    assert store.graph(B) == []
    assert store_snapshot(store) == {A: a2, C: c1}


def test_only_the_last_operation_on_a_graph_counts(store: QuadStore) -> None:
    first, last = canon(nt_title(A, "întâi")), canon(nt_title(A, "ultima"))
    store.apply([GraphOp(A, first), GraphOp(A, None), GraphOp(A, last)], 1)
    assert store_snapshot(store) == {A: last}
    store.apply([GraphOp(A, first), GraphOp(A, None)], 2)
    assert store_snapshot(store) == {}
    assert store.watermark() == 2


def test_an_empty_batch_moves_only_the_watermark(store: QuadStore) -> None:
    a1 = canon(nt_title(A, "Unu"))
    store.apply([GraphOp(A, a1)], 1)
    store.apply([], 7)
    assert store.watermark() == 7
    assert store_snapshot(store) == {A: a1}


def test_the_watermark_is_what_was_last_applied_even_when_lower(store: QuadStore) -> None:
    """A rebuild after the ledger was restored from a backup sets an older watermark; the
    store must then report it, or the changes after it are never projected."""
    store.apply([GraphOp(A, canon(nt_title(A, "Unu")))], 9)
    store.apply([GraphOp(B, canon(nt_title(B, "Doi")))], 4)  # a new graph only
    assert store.watermark() == 4


def test_graph_names_leave_out_the_meta_graph(store: QuadStore) -> None:
    store.apply([GraphOp(A, canon(nt_title(A, "Unu")))], 1)
    assert store.ask(f"ASK {{ GRAPH <{META_GRAPH}> {{ ?s ?p ?o }} }}")
    assert store.graph_names() == {A}


def test_select_and_ask_read_across_graphs(store: QuadStore) -> None:
    store.apply([GraphOp(A, canon(nt_title(A, "Unu"))),
                 GraphOp(B, canon(nt_title(B, "Doi")))], 1)
    rows = store.select(f"SELECT ?g ?t WHERE {{ GRAPH ?g {{ ?s <{DCT}title> ?t }} }} "
                        "ORDER BY ?g")
    assert [(r["g"], r["t"]) for r in rows] == [
        (ox.NamedNode(A), ox.Literal("Unu", language="ro")),
        (ox.NamedNode(B), ox.Literal("Doi", language="ro")),
    ]
    # unbound variables are left out of a row
    rows = store.select(f"SELECT ?s ?x WHERE {{ GRAPH <{A}> {{ ?s <{DCT}title> ?t }} }}")
    assert rows == [{"s": ox.NamedNode(A)}]
    assert store.ask(f'ASK {{ GRAPH <{A}> {{ <{A}> <{DCT}title> "Unu"@ro }} }}') is True
    assert store.ask(f'ASK {{ GRAPH <{B}> {{ <{A}> ?p ?o }} }}') is False


def _with_cost(iri: str, amount: str) -> str:
    return canon(f"<{iri}> <http://data.europa.eu/m8g/hasCost> _:c14n0",
                 f'_:c14n0 <http://data.europa.eu/m8g/value> "{amount}"'
                 "^^<http://www.w3.org/2001/XMLSchema#decimal>",
                 f"_:c14n0 <{DCT}description> \"Taxă\"@ro")


def _blank_nodes(store: QuadStore) -> dict[str, set[str]]:
    rows = store.select("SELECT ?g ?b WHERE { GRAPH ?g { ?s <http://data.europa.eu/m8g/hasCost>"
                        " ?b } }")
    out: dict[str, set[str]] = {}
    for r in rows:
        out.setdefault(r["g"].value, set()).add(str(r["b"]))
    return out


def test_blank_nodes_of_two_records_never_merge(store: QuadStore) -> None:
    # both contents call their blank node _:c14n0, as canonical contents do
    a, b = _with_cost(A, "10"), _with_cost(B, "20")
    store.apply([GraphOp(A, a), GraphOp(B, b)], 1)  # new graphs, one batch
    assert store_snapshot(store) == {A: a, B: b}
    bnodes = _blank_nodes(store)
    assert len(bnodes[A]) == len(bnodes[B]) == 1
    assert not bnodes[A] & bnodes[B]

    # replacing existing graphs (the update path), one batch and then one by one
    a2, b2 = _with_cost(A, "11"), _with_cost(B, "21")
    store.apply([GraphOp(A, a2), GraphOp(B, b2)], 2)
    assert store_snapshot(store) == {A: a2, B: b2}
    store.apply([GraphOp(A, _with_cost(A, "12"))], 3)
    assert store_snapshot(store) == {A: _with_cost(A, "12"), B: b2}
    bnodes = _blank_nodes(store)
    assert len(bnodes[A]) == len(bnodes[B]) == 1
    assert not bnodes[A] & bnodes[B]
    # a value query joins through the blank node of its own record only
    rows = store.select("SELECT ?v WHERE { GRAPH ?g { ?s <http://data.europa.eu/m8g/hasCost> ?b"
                        f" . ?b <http://data.europa.eu/m8g/value> ?v }} FILTER(?s = <{B}>) }}")
    assert [r["v"].value for r in rows] == ["21"]


TRICKY = [
    'Ghilimele "duble", \'simple\' și „românești”',
    "Rând unu\nRând doi\r\n\ttab și backslash \\ final",
    "Diacritice cu virgulă: ș Ș ț Ț; cu sedilă: ş Ş ţ Ţ; ă â î",
    "Кириллица: Государственная услуга — молдавский",
    "Semne: _:b0 <urn:x> { } ; . # @ ^^ ' \" ?x $y",  # text that looks like syntax
    "😀 emoji și \u00a0spațiu\u2028nedespărțitor",
]


@pytest.mark.parametrize("value", TRICKY, ids=["quotes", "newlines", "ro", "cyrillic",
                                               "blank-node-like-text", "astral"])
def test_literals_come_back_exactly(store: QuadStore, value: str) -> None:
    lit = ox.Literal(value, language="ro")
    content = rdfio.canonical_ntriples([ox.Triple(ox.NamedNode(A), ox.NamedNode(DCT + "title"),
                                                  lit)])
    store.apply([GraphOp(A, content)], 1)  # a new graph
    assert store.graph(A) == [ox.Triple(ox.NamedNode(A), ox.NamedNode(DCT + "title"), lit)]
    # the same literal through a replacement (the update path) and in a blank-node record
    other = ox.Literal(value + " (v2)")
    content2 = rdfio.canonical_ntriples([
        ox.Triple(ox.NamedNode(A), ox.NamedNode(DCT + "title"), other),
        ox.Triple(ox.NamedNode(A), ox.NamedNode(DCT + "temporal"), ox.BlankNode("x")),
        ox.Triple(ox.BlankNode("x"), ox.NamedNode(DCT + "description"), lit),
    ])
    store.apply([GraphOp(A, content2)], 2)
    assert graph_text(store, A) == content2
    values = {t.object.value for t in store.graph(A) if isinstance(t.object, ox.Literal)}
    assert values == {value, value + " (v2)"}
    rows = store.select(f"SELECT ?t WHERE {{ GRAPH <{A}> {{ <{A}> <{DCT}title> ?t }} }}")
    assert [r["t"] for r in rows] == [other]


def test_iris_that_contain_blank_node_like_text_come_back_exactly(store: QuadStore) -> None:
    odd = "urn:semcat:test:_:b0"  # a legal IRI
    content = canon(f"<{A}> <{DCT}relation> <{odd}>", f"<{odd}> <{DCT}title> \"x\"")
    store.apply([GraphOp(A, content)], 1)
    assert graph_text(store, A) == content
    store.apply([GraphOp(A, content + canon(nt_title(A, "v2")))], 2)
    assert graph_text(store, A) == canon(content, nt_title(A, "v2"))


def test_a_failing_apply_changes_neither_graphs_nor_watermark(store: QuadStore) -> None:
    a1, b1 = canon(nt_title(A, "Unu")), canon(nt_title(B, "Doi"))
    store.apply([GraphOp(A, a1), GraphOp(B, b1)], 5)
    before = store_snapshot(store)
    broken = f'<{C}> <{DCT}title> "neterminat .\n'
    # a batch of new graphs, and a batch replacing existing ones, each with one bad content
    for ops in ([GraphOp(C, canon(nt_title(C, "Trei"))), GraphOp(BASE + "x", broken)],
                [GraphOp(A, canon(nt_title(A, "Schimbat"))), GraphOp(B, None),
                 GraphOp(C, broken)]):
        with pytest.raises(ERRORS):
            store.apply(ops, 6)
        assert store_snapshot(store) == before
        assert store.watermark() == 5


# --- a remote server that cannot answer ---------------------------------------------------
def _dead_store() -> RemoteStore:
    base = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    return RemoteStore(base + "/query", base + "/update", base + "/store", timeout_s=5)


@pytest.mark.parametrize("call", ["watermark", "apply", "graph", "graph_names", "select",
                                  "ask", "triple_count"])
def test_a_dead_server_is_store_unavailable(call: str) -> None:
    store = _dead_store()
    calls = {
        "watermark": store.watermark,
        "apply": lambda: store.apply([GraphOp(A, canon(nt_title(A, "x")))], 1),
        "graph": lambda: store.graph(A),
        "graph_names": store.graph_names,
        "select": lambda: store.select("SELECT * WHERE { ?s ?p ?o }"),
        "ask": lambda: store.ask("ASK { ?s ?p ?o }"),
        "triple_count": store.triple_count,
    }
    try:
        with pytest.raises(StoreUnavailable):
            calls[call]()
    finally:
        store.close()


def test_a_server_that_dies_is_store_unavailable(tmp_path: Path) -> None:
    exe = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    port = free_port()
    proc = subprocess.Popen([exe, "serve", "--location", str(tmp_path / "oxi"),
                             "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    store = RemoteStore(base + "/query", base + "/update", base + "/store", timeout_s=5)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                store.watermark()
                break
            except StoreUnavailable:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("oxigraph serve did not start")
                time.sleep(0.05)
        store.apply([GraphOp(A, canon(nt_title(A, "Unu")))], 1)
        assert store.watermark() == 1
        proc.kill()
        proc.wait(timeout=10)
        with pytest.raises(StoreUnavailable):
            store.watermark()
        with pytest.raises(StoreUnavailable):
            store.apply([GraphOp(A, canon(nt_title(A, "Doi")))], 2)
        with pytest.raises(httpx.HTTPError):  # and it is really gone
            httpx.get(base + "/query", params={"query": "ASK {}"}, timeout=1)
    finally:
        store.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


class _TruncatingHandler(BaseHTTPRequestHandler):
    """A SPARQL endpoint that answers 200 with a cut-off body (like a cancelled query)."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = b'{"head":{"vars":["w"]},"results":{"bindings":[{"w":{"type":"lit'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


def test_a_truncated_answer_is_store_unavailable_not_a_result() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _TruncatingHandler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,),
                              daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    store = RemoteStore(base + "/query", base + "/update", base + "/store", timeout_s=5)
    try:
        with pytest.raises(StoreUnavailable):
            store.watermark()
        with pytest.raises(StoreUnavailable):
            store.select("SELECT ?w WHERE { ?s ?p ?w }")
        with pytest.raises(StoreUnavailable):
            store.ask("ASK { ?s ?p ?o }")
    finally:
        store.close()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
