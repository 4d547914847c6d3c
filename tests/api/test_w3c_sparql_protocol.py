"""The W3C SPARQL 1.1 Protocol test suite, run as data: one case per manifest entry.

Every ``query_*`` and ``bad_*`` entry runs as written (requests, headers, bodies, expected status,
result format and boolean) against ``/sparql`` with the suite's graphs loaded. The ``update_*``
entries expect updates to succeed; this endpoint is read-only, so for them every update request
must be refused with a 4xx and leave the store as it was.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from catalog.settings import Settings
from tests.api.conftest import load_graphs, oxigraph_serve
from tests.conftest import SHARED

SUITE = SHARED / "w3c-sparql11-protocol"
MANIFEST = SUITE / "manifest.ttl"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
HT = "http://www.w3.org/2011/http#"
CNT = "http://www.w3.org/2011/content#"
UT = "http://www.w3.org/2009/sparql/tests/test-update#"
HTS = "http://www.w3.org/2011/http-statusCodes#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
TABULAR = {"application/sparql-results+json": None, "application/sparql-results+xml":
           ox.QueryResultsFormat.XML, "text/csv": None,
           "text/tab-separated-values": ox.QueryResultsFormat.TSV}
RDF_MEDIA = {"application/rdf+xml", "text/turtle", "application/n-triples"}


class Manifest:
    def __init__(self, path: Path) -> None:
        self.store = ox.Store()
        self.store.load(path=path, format=ox.RdfFormat.TURTLE, base_iri=path.as_uri())

    def one(self, s: object, p: str) -> ox.NamedNode | ox.BlankNode | ox.Literal | None:
        assert isinstance(s, (ox.NamedNode, ox.BlankNode)), f"no subject for {p}"
        for q in self.store.quads_for_pattern(s, ox.NamedNode(p), None):
            return q.object  # type: ignore[return-value]
        return None

    def all(self, s: object, p: str) -> list[object]:
        assert isinstance(s, (ox.NamedNode, ox.BlankNode)), f"no subject for {p}"
        return [q.object for q in self.store.quads_for_pattern(s, ox.NamedNode(p), None)]

    def items(self, head: object) -> list[ox.NamedNode | ox.BlankNode]:
        out = []
        while isinstance(head, (ox.NamedNode, ox.BlankNode)) and head.value != RDF + "nil":
            out.append(self.one(head, RDF + "first"))
            head = self.one(head, RDF + "rest")
        return out  # type: ignore[return-value]

    def entries(self) -> list[ox.NamedNode]:
        root = ox.NamedNode(MANIFEST.as_uri())
        return self.items(self.one(root, MF + "entries"))  # type: ignore[return-value]


def _names() -> list[str]:
    if not MANIFEST.exists():
        return ["suite-absent"]
    return [e.value.rsplit("#", 1)[1] for e in Manifest(MANIFEST).entries()]


@pytest.fixture(scope="module")
def manifest() -> Manifest:
    return Manifest(MANIFEST)


@pytest.fixture(scope="module", params=["embedded", "remote"])
def endpoint(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[TestClient]:
    """The hub on its embedded store, and on an ``oxigraph serve`` (without
    ``--union-default-graph``: the hub makes the union itself)."""
    if not MANIFEST.exists():  # the `shared` fixture skips (or fails in CI) per case
        yield None  # type: ignore[misc]
        return
    with ExitStack() as stack:
        mp = stack.enter_context(pytest.MonkeyPatch.context())
        for key in [k for k in os.environ if k.startswith("SEMCAT_")]:
            mp.delenv(key)
        tmp = tmp_path_factory.mktemp("w3c")
        remote = {}
        if request.param == "remote":
            url = stack.enter_context(oxigraph_serve(tmp / "oxi"))
            remote = {"sparql_url": url + "/query"}
        settings = Settings(env="test", data_dir=tmp / "data", **remote)  # type: ignore[arg-type]
        with TestClient(create_app(settings)) as client:
            load_graphs(client.app, {  # type: ignore[arg-type]
                f"http://kasei.us/2009/09/sparql/data/data{n}.rdf":
                    (SUITE / f"data{n}.nt").read_text("utf-8") for n in (1, 2, 3)})
            yield client


def _send(client: TestClient, m: Manifest, req: ox.BlankNode) -> object:
    path = str(m.one(req, HT + "absolutePath").value)  # type: ignore[union-attr]
    path = "/sparql" + path.removeprefix("/sparql/")  # the suite's endpoint is /sparql/
    headers = {str(m.one(h, HT + "fieldName").value): str(m.one(h, HT + "fieldValue").value)  # type: ignore[union-attr]
               for h in m.items(m.one(req, HT + "headers"))}
    body = m.one(req, HT + "body")
    content = None
    if body is not None:
        encoding = str(m.one(body, CNT + "characterEncoding").value)  # type: ignore[arg-type, union-attr]
        content = str(m.one(body, CNT + "chars").value).encode(encoding.lower())  # type: ignore[arg-type, union-attr]
    method = str(m.one(req, HT + "methodName").value)  # type: ignore[union-attr]
    return client.request(method, path, content=content, headers=headers)


def _is_update(m: Manifest, req: ox.BlankNode) -> bool:
    headers = " ".join(str(m.one(h, HT + "fieldValue").value)  # type: ignore[union-attr]
                       for h in m.items(m.one(req, HT + "headers")))
    body = m.one(req, HT + "body")
    chars = str(m.one(body, CNT + "chars").value) if body is not None else ""  # type: ignore[arg-type, union-attr]
    return "sparql-update" in headers or chars.startswith("update=")


def _check(m: Manifest, req: ox.BlankNode, r: object) -> None:
    resp = m.one(req, HT + "resp")
    assert resp is not None
    classes = {str(s.value).removeprefix(HTS + "StatusCode")[0]  # type: ignore[attr-defined]
               for s in m.all(resp, MF + "expectedStatus")}
    status = r.status_code  # type: ignore[attr-defined]
    assert str(status)[0] in classes, f"status {status}, expected {sorted(classes)}xx"
    fmt = m.one(resp, MF + "expectedFormat")
    media = r.headers.get("content-type", "").split(";")[0]  # type: ignore[attr-defined]
    content: bytes = r.content  # type: ignore[attr-defined]
    if fmt is not None and fmt.value == "boolean":
        assert media in ("application/sparql-results+json", "application/sparql-results+xml")
        got = (json.loads(content)["boolean"] if media.endswith("json") else
               bool(ox.parse_query_results(content, ox.QueryResultsFormat.XML)))
        expected = m.one(resp, MF + "expectedBoolean")
        if expected is not None:
            assert got is (expected.value == "true")
    elif fmt is not None and fmt.value == "tabular":
        assert media in TABULAR
        if media == "application/sparql-results+json":
            assert "results" in json.loads(content)
        elif media == "text/csv":
            assert next(csv.reader(io.StringIO(content.decode())))
        else:
            list(ox.parse_query_results(content, TABULAR[media]))  # type: ignore[arg-type]
    elif fmt is not None and fmt.value == "RDF":
        assert media in RDF_MEDIA
        rdf = ox.RdfFormat.from_media_type(media)
        assert rdf is not None
        list(ox.parse(content, format=rdf))


@pytest.mark.shared
@pytest.mark.parametrize("name", _names())
def test_w3c_protocol(name: str, shared: Path, manifest: Manifest,
                      endpoint: TestClient) -> None:
    assert shared.is_dir()
    entry = next(e for e in manifest.entries() if e.value.endswith("#" + name))
    requests = manifest.items(manifest.one(manifest.one(entry, MF + "action"),  # type: ignore[arg-type]
                                           HT + "requests"))
    store = endpoint.app.state.catalog.store  # type: ignore[attr-defined]
    before = {g: len(store.graph(g)) for g in store.graph_names()}
    for req in requests:
        if name.startswith("update_"):
            if _is_update(manifest, req):
                r = _send(endpoint, manifest, req)
                assert 400 <= r.status_code < 500, r.status_code  # type: ignore[attr-defined]
                assert "read-only" in r.json()["error"]["message"]["en"]  # type: ignore[attr-defined]
            continue
        _check(manifest, req, _send(endpoint, manifest, req))
    assert {g: len(store.graph(g)) for g in store.graph_names()} == before
