"""Helpers of the read-side tests (catalogue, linked data, dumps and the change feed).

- apps on either ledger back end, started once per module (starting one loads the demo data);
- what the demo data says, read straight from ``vocabularies/`` with pyoxigraph, so that the
  expected answers come from the data and not from the code under test;
- writes through the publishing API with tokens, as an institution makes them;
- RDF and HTML answers turned into something comparable;
- a uvicorn server in a thread, for the tests that need a real socket (streamed dumps).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from catalog import rdfio
from catalog.core import Catalog
from catalog.demo import demo_files
from catalog.records.passport import Passport
from catalog.settings import Settings
from catalog.workflow.access import Tokens
from catalog.workflow.publishing import Publishing
from tests.servers import postgres_database

BASE = "http://127.0.0.1:8000/"
API = "/api/v1"
JSON = {"Content-Type": "application/json"}
CPSV = "http://purl.org/vocab/cpsv#"
CV = "http://data.europa.eu/m8g/"
DCT = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SC = "https://w3id.org/semcat/ns#"
ELI = "http://data.europa.eu/eli/ontology#"
LOCN = "http://www.w3.org/ns/locn#"
LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
#: RDF media types a linked-data client asks for
RDF_MEDIA = ["text/turtle", "application/ld+json", "application/n-triples",
             "application/rdf+xml"]
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
_KEEP_ENV = {"SEMCAT_REQUIRE_POSTGRES", "SEMCAT_TEST_POSTGRES_URL"}


# --- settings on each ledger back end -------------------------------------------------------
@contextmanager
def ledger_database(backend: str) -> Iterator[dict[str, Any]]:
    """Settings fields for ``backend``: nothing for SQLite, a fresh PostgreSQL database (dropped
    afterwards) otherwise; skips (or fails, when required) without PostgreSQL."""
    if backend == "sqlite":
        yield {}
        return
    with postgres_database("semcat_r") as url:
        yield {"database_url": url}


def hermetic_settings(**fields: Any) -> Settings:
    """Settings built with no SEMCAT_* variable of the caller's environment in effect (module
    fixtures run outside the per-test clean environment)."""
    with pytest.MonkeyPatch.context() as mp:
        for key in list(os.environ):
            if key.startswith("SEMCAT_") and key not in _KEEP_ENV:
                mp.delenv(key)
        return Settings(env="test", query_workers=1, **fields)


@dataclass
class Hub:
    """A running app (in-process client) with its catalog at hand."""

    client: TestClient
    backend: str

    @property
    def app(self) -> FastAPI:
        app: FastAPI = self.client.app  # type: ignore[assignment]
        return app

    @property
    def catalog(self) -> Catalog:
        cat: Catalog = self.app.state.catalog
        return cat

    @property
    def settings(self) -> Settings:
        s: Settings = self.app.state.settings
        return s

    # callers ---------------------------------------------------------------------------
    def bearer(self, institution: str, role: str = "publisher") -> dict[str, str]:
        _, secret = Tokens(self.catalog.engine).create(institution, role)
        return {"Authorization": f"Bearer {secret}"}

    # writes through the API, as the institutions make them ---------------------------------
    def _ok(self, r: httpx.Response) -> httpx.Response:
        assert r.status_code in (200, 201), r.text
        return r

    def etag(self, code: str) -> str:
        return Publishing(self.catalog).state(code).etag

    def publish(self, p: Passport, owner: str = "ASP", *,
                client: httpx.Client | TestClient | None = None,
                who: dict[str, str] | None = None,
                reviewer: dict[str, str] | None = None) -> None:
        """Create (or give a new version of) ``p`` as its institution, submit it and have the
        e-government agency publish it (through ``client``, by default the in-process one)."""
        c = client or self.client
        who = who or self.bearer(owner)
        reviewer = reviewer or self.bearer("AGE", "reviewer")
        exists = self.catalog.ledger.record_iri("service", p.code) is not None
        if exists:
            r = self._ok(c.put(f"{API}/services/{p.code}", content=p.model_dump_json(),
                               headers={**who, **JSON, "If-Match": self.etag(p.code)}))
        else:
            r = self._ok(c.post(f"{API}/services", content=p.model_dump_json(),
                                headers={**who, **JSON}))
        r = self._ok(c.post(f"{API}/services/{p.code}/submit",
                            headers={**who, "If-Match": r.headers["etag"]}))
        self._ok(c.post(f"{API}/services/{p.code}/publish",
                        headers={**reviewer, "If-Match": r.headers["etag"]}))

    def withdraw(self, code: str) -> None:
        self._ok(self.client.post(f"{API}/services/{code}/withdraw",
                                  headers={**self.bearer("AGE", "reviewer"),
                                           "If-Match": self.etag(code)}))

    # what is stored --------------------------------------------------------------------
    def store_graphs(self) -> dict[str, str]:
        """Graph IRI -> canonical N-Triples of every record graph of the public store."""
        store = self.catalog.store
        assert store is not None
        self.catalog.project()
        return {g: canonical(store.graph(g)) for g in store.graph_names()}

    def ledger_graphs(self) -> dict[str, str]:
        """Record IRI -> canonical N-Triples of its published version, from the ledger."""
        return dict(self.catalog.ledger.published())


@contextmanager
def running_hub(backend: str, data_dir: Any, **fields: Any) -> Iterator[Hub]:
    """The app on ``backend`` (``sqlite`` or ``postgres``) with the demo data loaded."""
    with ledger_database(backend) as db:
        settings = hermetic_settings(data_dir=data_dir, load_demo=True, **db, **fields)
        with TestClient(create_app(settings)) as client:
            yield Hub(client, backend)


# --- what the demo data says -------------------------------------------------------------------
class DemoData:
    """The files of ``vocabularies/`` (code lists, organisations, locations, legal acts, the
    demo nomenclature) in one pyoxigraph store: each service in its own graph, the reference
    files in the default graph. Expected answers are computed from it."""

    _PREFIXES = (f"PREFIX cpsv: <{CPSV}> PREFIX cv: <{CV}> PREFIX dct: <{DCT}> "
                 f"PREFIX skos: <{SKOS}> PREFIX sc: <{SC}> PREFIX locn: <{LOCN}> ")

    def __init__(self, base: str = BASE) -> None:
        self.base = base
        self.store = ox.Store()
        for f in demo_files():
            fmt = ox.RdfFormat.TRIG if f.suffix == ".trig" else ox.RdfFormat.TURTLE
            self.store.load(path=str(f), format=fmt, base_iri=base)

    def select(self, where: str) -> list[dict[str, str]]:
        res = self.store.query(self._PREFIXES + where, use_default_graph_as_union=False)
        assert isinstance(res, ox.QuerySolutions)
        names = [v.value for v in res.variables]
        return [{n: s[n].value for n in names if s[n] is not None} for s in res]

    def services(self, pattern: str = "") -> set[str]:
        """Codes of the services whose graph matches ``pattern`` (about ``?s``)."""
        return {r["code"] for r in self.select(
            f"SELECT ?code WHERE {{ GRAPH ?s {{ ?s a cpsv:PublicService ; dct:identifier ?code "
            f". {pattern} }} }}")}

    def iri(self, path: str) -> str:
        return self.base + path

    def institution(self, code: str) -> str:
        [row] = self.select(f'SELECT ?org WHERE {{ ?org sc:institutionCode "{code}" }}')
        return row["org"]

    def texts(self, iri: str, *predicates: str) -> dict[str, str]:
        """Language -> text of the first of ``predicates`` that ``iri`` has (any graph)."""
        for p in predicates:
            out = {q.object.language or "": q.object.value
                   for q in self.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(p),
                                                         None, None)
                   if isinstance(q.object, ox.Literal)}
            if out:
                return out
        return {}

    def title(self, iri: str) -> dict[str, str]:
        """What a resource is called: its SKOS label, else its title."""
        return self.texts(iri, SKOS + "prefLabel", DCT + "title", ELI + "title")

    def concepts(self, scheme: str) -> dict[str, str]:
        """Notation -> IRI of the concepts of ``codelist/{scheme}``."""
        rows = self.select(f"SELECT ?c ?n WHERE {{ ?c skos:inScheme <{self.base}codelist/"
                           f"{scheme}> ; skos:notation ?n }}")
        return {r["n"]: r["c"] for r in rows}

    def locations(self) -> dict[str, dict[str, str]]:
        """Location IRI -> its type, WKT and names."""
        rows = self.select("SELECT ?l ?t ?wkt WHERE { ?l a dct:Location ; dct:type ?t ; "
                           "locn:geometry ?wkt }")
        return {r["l"]: {"type": r["t"], "wkt": r["wkt"]} for r in rows}

    def description(self, iri: str) -> list[ox.Triple]:
        """What the data says about ``iri``: the triples about it and about the resources under
        its IRI (``iri/...``, ``iri#...``), and about the blank nodes they reach."""
        out = [q.triple for q in self.store
               if isinstance(q.subject, ox.NamedNode) and (
                   q.subject.value == iri or q.subject.value.startswith((iri + "/", iri + "#")))]
        todo = [t.object for t in out if isinstance(t.object, ox.BlankNode)]
        while todo:
            b = todo.pop()
            more = [q.triple for q in self.store.quads_for_pattern(b, None, None, None)]
            out += more
            todo += [t.object for t in more if isinstance(t.object, ox.BlankNode)]
        return out

    def service_graph(self, code: str) -> list[ox.Triple]:
        g = ox.NamedNode(self.base + f"id/service/{code}")
        return [q.triple for q in self.store.quads_for_pattern(None, None, None, g)]


# --- comparing answers ------------------------------------------------------------------------
def canonical(triples: list[ox.Triple]) -> str:
    """Canonical N-Triples (blank nodes relabelled canonically): equal graphs, equal text."""
    return rdfio.canonical_ntriples(triples)


def parse_rdf(data: bytes, media: str, base: str = BASE) -> list[ox.Triple]:
    """The triples of an RDF answer (raises when it does not parse)."""
    info = rdfio.format_for(media.split(";")[0].strip())
    if info.name == "jsonld":  # compacted: names the CPSV-AP context, read from the bundle
        return [q.triple for q in rdfio.parse(data, info, base_iri=base, max_bytes=10**8,
                                              max_nesting=256)]
    return [q.triple for q in ox.parse(data, format=info.ox_format, base_iri=base)]


def media_type(r: httpx.Response) -> str:
    return r.headers["content-type"].split(";")[0].strip()


def vary(r: httpx.Response) -> set[str]:
    return {v.strip().lower() for v in r.headers.get("vary", "").split(",") if v.strip()}


class Page(HTMLParser):
    """What a test reads of an HTML page: its language, title, h1#title, links and text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.lang: str | None = None
        self.title = ""
        self.heading = ""
        self.links: list[tuple[str, str]] = []  # (href, text)
        self.text = ""
        self._in: list[str] = []
        self._href: str | None = None
        self._link_text = ""
        self.ids: dict[str, str] = {}  # element id -> its text
        self._open_ids: list[tuple[str, int]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "a" and a.get("href"):
            self._href, self._link_text = a["href"], ""
        if a.get("id"):
            self._open_ids.append((str(a["id"]), len(self._in)))
            self.ids[str(a["id"])] = ""
        if tag not in ("meta", "link", "br", "img", "input"):
            self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._href, self._link_text.strip()))
            self._href = None
        if tag in self._in:
            while self._in and self._in.pop() != tag:
                pass
        self._open_ids = [(i, d) for i, d in self._open_ids if d < len(self._in)]

    def handle_data(self, data: str) -> None:
        if "style" in self._in or "script" in self._in:
            return
        if self._in and self._in[-1] == "title":
            self.title += data
        if "h1" in self._in and any(i == "title" for i, _ in self._open_ids):
            self.heading += data
        if self._href is not None:
            self._link_text += data
        for i, _ in self._open_ids:
            self.ids[i] += data
        if "body" in self._in:
            self.text += data


# --- a real server --------------------------------------------------------------------------
