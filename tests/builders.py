"""Builders for test records: valid service passports derived from a demo passport."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from catalog import paths
from catalog.core import Catalog
from catalog.intake.readers import Unreadable
from catalog.records import RecordDraft
from catalog.records.passport import Passport, from_triples, to_triples
from catalog.workflow.access import Principal
from catalog.workflow.bulk import ImportReport, OnAck
from catalog.workflow.publishing import Publishing
from catalog.workflow.states import version_etag

BASE = "http://127.0.0.1:8000/"


@cache
def _template() -> Passport:
    import pyoxigraph as ox

    data = (paths.DEMO_DIR / "nomenclature.trig").read_bytes()
    iri = BASE + "id/service/ASP-0001"
    triples = [q.triple for q in ox.parse(data, format=ox.RdfFormat.TRIG, base_iri=BASE)
               if q.graph_name == ox.NamedNode(iri)]
    return from_triples(triples, iri)


def passport(code: str = "ASP-9001", title_ro: str = "Serviciu de test", **changes: object
             ) -> Passport:
    """A valid passport of the public services agency (ASP) with its own code and title."""
    p = _template().model_copy(deep=True)
    p.code = code
    p.title = {"ro": title_ro, "en": f"Test service {code}"}
    for part_list in (p.requirements, p.evidence, p.outputs, p.costs, p.channels):
        for n, part in enumerate(part_list, 1):
            part.identifier = f"{code}-{part.key.split('/')[0][:2].upper()}{n}"
    return p.model_copy(update=changes)


def service_draft(code: str = "ASP-9001", base: str = BASE, **kw: object) -> RecordDraft:
    p = passport(code, **kw)  # type: ignore[arg-type]
    iri = f"{base}id/service/{code}"
    return RecordDraft(iri, "service", to_triples(p, iri))


def service_ttl(code: str = "ASP-9001", **kw: object) -> str:
    """The passport as Turtle with absolute IRIs."""
    from catalog import rdfio

    return rdfio.serialize(service_draft(code, **kw).triples, "turtle").decode()


def import_records(catalog: Catalog, drafts: Iterable[RecordDraft | Unreadable], *,
                   author: str = "test", atomic: bool = True, publish: bool = True,
                   batch_size: int = 200, on_ack: OnAck | None = None,
                   report: ImportReport | None = None) -> ImportReport:
    """Records written through the one write path, as an operator at the command line would
    (published at once unless ``publish=False``)."""
    return Publishing(catalog).import_records(
        Principal.operator(author), drafts, atomic=atomic, publish=publish,
        batch_size=batch_size, on_ack=on_ack, report=report)


def withdraw(catalog: Catalog, iri: str, author: str = "test") -> None:
    """Withdraw a published record through the one write path, as an operator (nothing
    happens when it is not published; an unknown record is NotFound)."""
    v = catalog.ledger.version(iri)
    if v.status != "published":
        return
    assert v.code is not None, f"{iri} has no code to address it by"
    pub = Publishing(catalog, v.kind)
    etag = version_etag(v.code, v.number, v.status, v.content_hash)
    pub.transition(Principal.operator(author), v.code, "withdrawn", etag)
