"""Helpers of the publishing-API tests: a running app with its ledger and store at hand,
request bodies in every format, and snapshots of what a refused request must leave unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
import pyoxigraph as ox
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, col, select

from api.app import create_app
from catalog import rdfio
from catalog.core import Catalog
from catalog.demo import load_reference
from catalog.ledger import Change, Record, Version
from catalog.ledger.audit import AuditEntry, AuditLog
from catalog.ledger.idempotency import IdempotencyRecord
from catalog.records import csvformat
from catalog.records.passport import Passport, from_triples
from catalog.settings import Settings
from catalog.workflow.access import Tokens
from catalog.workflow.publishing import Publishing
from catalog.workflow.states import Transition
from tests.builders import BASE, passport, service_draft

API = "/api/v1"
ORG = BASE + "id/org/"
JSON = {"Content-Type": "application/json"}
MERGE = {"Content-Type": "application/merge-patch+json"}
#: request body formats of one passport: name -> Content-Type
FORMATS = {"json": "application/json", "jsonld": "application/ld+json",
           "turtle": "text/turtle", "rdfxml": "application/rdf+xml",
           "ntriples": "application/n-triples", "csv": "text/csv"}


@dataclass(frozen=True)
class Who:
    """Bearer headers of the usual callers."""

    asp: dict[str, str]
    asp_reviewer: dict[str, str]
    cnas: dict[str, str]
    cnas_reviewer: dict[str, str]
    anofm: dict[str, str]
    age: dict[str, str]  # the e-government agency, reviewer of the whole nomenclature
    admin: dict[str, str]


def cnas_passport(code: str, **changes: object) -> Passport:
    """A valid passport of the social insurance house (CNAS)."""
    p = passport(code, **changes)
    p.competent_authority = ORG + "cnas"
    for ch in p.channels:
        ch.owned_by = ORG + "cnas"
    return p


def body(p: Passport, fmt: str = "json") -> bytes:
    """One passport as a request body in ``fmt`` (see :data:`FORMATS`)."""
    if fmt == "json":
        return p.model_dump_json().encode()
    if fmt == "csv":
        return csvformat.export_csv([p])
    from catalog.intake.readers import draft_of

    return rdfio.serialize(draft_of(p, BASE).triples, fmt)


#: bulk import formats: name -> Content-Type
BULK_FORMATS = {"jsonl": "application/x-ndjson", "jsonlist": "application/json",
                "nquads": "application/n-quads", "trig": "application/trig",
                "turtle": "text/turtle", "jsonld": "application/ld+json", "csv": "text/csv"}


def bulk(passports: list[Passport], fmt: str) -> bytes:
    """Many passports as one import file in ``fmt`` (see :data:`BULK_FORMATS`)."""
    from catalog.intake.readers import draft_of

    if fmt == "jsonl":
        return b"\n".join(p.model_dump_json().encode() for p in passports) + b"\n"
    if fmt == "jsonlist":
        return b"[" + b",\n".join(p.model_dump_json().encode() for p in passports) + b"]"
    if fmt == "csv":
        return csvformat.export_csv(passports)
    drafts = [draft_of(p, BASE) for p in passports]
    if fmt in ("nquads", "trig"):
        return rdfio.serialize([ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(d.iri))
                                for d in drafts for t in d.triples], fmt)
    return rdfio.serialize([t for d in drafts for t in d.triples], fmt)


def ttl(code: str, **changes: object) -> str:
    return rdfio.serialize(service_draft(code, **changes).triples, "turtle").decode()


def canonical(triples: list[ox.Triple]) -> str:
    return rdfio.canonical_ntriples(triples)


def parsed(data: bytes, media: str) -> str:
    """The canonical N-Triples of an RDF answer."""
    # (through rdfio: compacted JSON-LD names the CPSV-AP context by URL, read from the bundle)
    quads = rdfio.parse(data, media, base_iri=BASE, max_bytes=10**8, max_nesting=256)
    return canonical([q.triple for q in quads])


class Hub:
    """The app of a test, with its catalog (ledger, store) at hand."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.catalog: Catalog = client.app.state.catalog  # type: ignore[attr-defined]
        self.settings: Settings = client.app.state.settings  # type: ignore[attr-defined]

    # callers ---------------------------------------------------------------------------
    def token(self, institution: str, role: str = "publisher") -> tuple[int, str]:
        return Tokens(self.catalog.engine).create(institution, role)

    def bearer(self, institution: str, role: str = "publisher") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(institution, role)[1]}"}

    def actor(self, who: dict[str, str]) -> str:
        """The name the audit log gives the caller of ``who``, e.g. ``ASP/publisher#3``."""
        secret = who["Authorization"].removeprefix("Bearer ")
        return Tokens(self.catalog.engine).authenticate(secret).name

    # requests --------------------------------------------------------------------------
    def create(self, p: Passport | str, who: dict[str, str], **headers: str) -> httpx.Response:
        """POST a passport (a Passport, or the code of a test passport); must answer 201."""
        p = passport(p) if isinstance(p, str) else p
        r = self.client.post(f"{API}/services", content=body(p), headers={**who, **JSON,
                                                                            **headers})
        assert r.status_code == 201, r.text
        return r

    def move(self, code: str, verb: str, who: dict[str, str], etag: str,
             reason: str | None = None, **headers: str) -> httpx.Response:
        return self.client.post(f"{API}/services/{code}/{verb}",
                                json={"reason": reason} if reason else None,
                                headers={**who, "If-Match": etag, **headers})

    def published(self, p: Passport | str, who: Who) -> str:
        """Create, submit and publish a passport (owner ASP/CNAS, reviewer AGE); its ETag."""
        p = passport(p) if isinstance(p, str) else p
        owner = who.cnas if p.competent_authority.endswith("/cnas") else who.asp
        etag = self.create(p, owner).headers["etag"]
        r = self.move(p.code, "submit", owner, etag)
        assert r.status_code == 200, r.text
        r = self.move(p.code, "publish", who.age, r.headers["etag"])
        assert r.status_code == 200, r.text
        return r.headers["etag"]

    def etag(self, code: str) -> str:
        """The ETag of the latest version, as a writer must send it."""
        return Publishing(self.catalog).state(code).etag

    def read(self, code: str, who: dict[str, str] | None = None, **params: str) -> Passport:
        r = self.client.get(f"{API}/services/{code}", params=params, headers=who or {})
        assert r.status_code == 200, r.text
        return Passport.model_validate(r.json())

    # what is stored --------------------------------------------------------------------
    def iri(self, code: str) -> str:
        return self.catalog.service_iri(code)

    def versions(self, code: str) -> list[tuple[int, str]]:
        """(number, status) of every stored version of a passport."""
        return [(v.number, v.status) for v in self.catalog.ledger.versions(self.iri(code))]

    def content(self, code: str, number: int) -> str:
        return self.catalog.ledger.version(self.iri(code), number).content

    def stored(self, code: str, number: int) -> Passport:
        return from_triples(rdfio.parse_canonical(self.content(code, number)), self.iri(code))

    def transitions(self, code: str) -> list[tuple[int, str | None, str, str | None]]:
        """(version, from, to, reason) of every workflow move of a passport."""
        with Session(self.catalog.engine) as s:
            rows = s.exec(select(Transition).join(Record, col(Record.id) == col(
                Transition.record_id)).where(Record.iri == self.iri(code))
                .order_by(col(Transition.id))).all()
            return [(t.version_number, t.from_status, t.to_status, t.reason) for t in rows]

    def changes(self, code: str) -> list[tuple[str, int | None]]:
        """(op, version) of the change sequence of a passport."""
        with Session(self.catalog.engine) as s:
            rows = s.exec(select(Change).join(Record, col(Record.id) == col(Change.record_id))
                          .where(Record.iri == self.iri(code)).order_by(col(Change.seq))).all()
            return [(c.op, c.version_number) for c in rows]

    def date_changes(self, code: str, *times: datetime) -> None:
        """Set when each change of a passport happened (to build a history across dates)."""
        with Session(self.catalog.engine) as s:
            rows = s.exec(select(Change).join(Record, col(Record.id) == col(Change.record_id))
                          .where(Record.iri == self.iri(code)).order_by(col(Change.seq))).all()
            for row, at in zip(rows, times, strict=True):
                row.at = at
                s.add(row)
            s.commit()

    def in_store(self, code: str) -> str | None:
        """The canonical N-Triples of the passport's graph in the public store, or None."""
        assert self.catalog.store is not None
        self.catalog.project()
        if self.iri(code) not in self.catalog.store.graph_names():
            return None
        return canonical(self.catalog.store.graph(self.iri(code)))

    def audit(self, **filters: Any) -> list[AuditEntry]:
        return AuditLog(self.catalog.engine).entries(limit=10**9, **filters)

    def snapshot(self) -> dict[str, object]:
        """What a refused write must leave as it was: ledger rows, store graphs, answers."""
        assert self.catalog.store is not None
        self.catalog.project()
        with Session(self.catalog.engine) as s:
            def count(model: Any) -> int:
                return int(s.exec(select(func.count()).select_from(model)).one())
            versions = s.exec(select(Record.iri, Version.number, Version.status,
                                     Version.content_hash)
                              .join(Version, col(Version.record_id) == col(Record.id))).all()
            return {
                "records": count(Record), "versions": sorted(versions),
                "transitions": count(Transition),
                "last_seq": s.exec(select(func.max(col(Change.seq)))).one(),
                "published": sorted(s.exec(select(Record.iri, Record.published_version))
                                    .all()),
                "writes_audited": int(s.exec(select(func.count()).select_from(AuditEntry)
                                             .where(AuditEntry.outcome == "ok")).one()),
                "idempotency": count(IdempotencyRecord),
                "graphs": sorted(self.catalog.store.graph_names()),
                "watermark": self.catalog.store.watermark(),
            }


@contextmanager
def fresh_hub(settings: Settings) -> Iterator[Hub]:
    """The app on ``settings`` with the reference data loaded, closed afterwards."""
    with TestClient(create_app(settings)) as c:
        load_reference(c.app.state.catalog)  # type: ignore[attr-defined]
        yield Hub(c)


def findings(r: httpx.Response) -> list[dict[str, Any]]:
    """The findings of a 422 answer's validation report."""
    assert r.status_code == 422, r.text
    out: list[dict[str, Any]] = r.json()["error"]["report"]["findings"]
    return out


def error(r: httpx.Response, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    err: dict[str, Any] = r.json()["error"]
    return err

