"""The catalog: one object that ties the ledger, the quad store, validation and projection.

Every surface (HTTP, CLI, adapters) goes through :class:`Catalog`; none of them touches the
ledger or the store directly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from sqlmodel import Session

from catalog import paths, rdfio
from catalog.errors import CatalogError, InvalidInput, InvalidRecord, NotFound, StoreUnavailable
from catalog.intake.readers import Unreadable
from catalog.ledger import Appended, ChangeRow, Ledger, NewVersion
from catalog.ledger.db import create_db_engine, migrate
from catalog.namespaces import CPSV, RDF_TYPE, SKOS
from catalog.projections.search import SearchIndex
from catalog.projections.store import ProjectionStatus, Projector
from catalog.queries import load as named_query
from catalog.records import RecordDraft, split
from catalog.records.passport import Passport, from_triples
from catalog.settings import Settings
from catalog.store import QuadStore
from catalog.store.embedded import EmbeddedStore
from catalog.store.remote import RemoteStore
from catalog.validation import ReferenceIndex, ValidationReport, Validator

log = logging.getLogger(__name__)

#: Reference data first, so the services that point to it validate in the same import.
_KIND_ORDER = {"codelist": 0, "organisation": 1, "location": 2, "legal": 3, "service": 4}


@dataclass
class RecordOutcome:
    iri: str
    kind: str
    code: str | None
    status: str  # created | updated | unchanged | rejected | valid (not written: batch refused)
    version: int | None = None
    report: ValidationReport | None = None
    error: CatalogError | None = None  # why a record was refused, other than its shapes
    position: str | None = None  # where in the file ("line 3", "row 2"), when known

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"iri": self.iri, "kind": self.kind, "code": self.code,
                                  "status": self.status, "version": self.version}
        if self.position:
            out["position"] = self.position
        if self.error is not None:
            out["error"] = self.error.to_dict()  # an InvalidRecord's holds its report
        elif self.report is not None and self.report.findings:
            out["report"] = self.report.to_dict()
        return out


STATUSES = ("created", "updated", "unchanged", "rejected")


@dataclass
class ImportReport:
    outcomes: list[RecordOutcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def rejected(self) -> list[RecordOutcome]:
        return [o for o in self.outcomes if o.status == "rejected"]

    def summary(self) -> dict[str, int]:
        """Counts by status; ``valid`` (not written) only in a refused all-or-nothing import."""
        out = {s: self.count(s) for s in STATUSES}
        if self.count("valid"):
            out["valid"] = self.count("valid")
        return out

    def to_dict(self) -> dict[str, object]:
        return {"summary": self.summary(), "records": [o.to_dict() for o in self.outcomes]}


#: Checks a record before it is written (the caller's authorisation); raises to refuse it.
Authorize = Callable[[RecordDraft], None]
#: Writes more rows in the import's own transaction (workflow transitions, the audit log).
OnWrite = Callable[[Session, list[tuple[NewVersion, Appended]]], None]


def _service_stub(iri: str) -> ox.Triple:
    return ox.Triple(ox.NamedNode(iri), ox.NamedNode(RDF_TYPE),
                     ox.NamedNode(CPSV + "PublicService"))


def open_store(settings: Settings) -> QuadStore:
    if settings.sparql_url:
        update, gsp = settings.resolved_update_url, settings.resolved_gsp_url
        assert update is not None
        assert gsp is not None
        return RemoteStore(settings.sparql_url, update, gsp)
    return EmbeddedStore(settings.resolved_store_path)


class Catalog:
    def __init__(self, settings: Settings, *, store: QuadStore | None = None,
                 with_store: bool = True) -> None:
        self.settings = settings
        self.engine = create_db_engine(settings.resolved_database_url)
        migrate(self.engine)
        self.ledger = Ledger(self.engine)
        self.store: QuadStore | None = store or (open_store(settings) if with_store else None)
        self.validator = Validator.from_files(sorted(paths.SHAPES_DIR.glob("*.ttl")),
                                              settings.validation_engine)
        self.references = ReferenceIndex()
        self._institutions: dict[str, str] | None = None
        self._load_references()
        self.projector = (Projector(self.ledger, self.store)
                          if self.store is not None else None)
        if self.projector is not None:
            self.projector.catch_up()
        self.search_index = SearchIndex(self.engine)
        self.search_index.catch_up(self.ledger)

    # identifiers ------------------------------------------------------------------
    def service_iri(self, code: str) -> str:
        return f"{self.settings.base_uri}id/service/{code}"

    # reference data ----------------------------------------------------------------
    def _load_references(self) -> None:
        """Reference records in full; services as a type stub, without reading their content.

        The index then follows the ledger's changes itself (:meth:`_follow_ledger`), not the
        store's projection, so a process whose store another process projected still learns
        of new organisations, laws and code lists."""
        self._references_seq = self.ledger.last_seq()  # before reading: replays are harmless
        reference_kinds = [k for k in _KIND_ORDER if k != "service"]
        for iri, content in self.ledger.published(kinds=reference_kinds).items():
            self._index(iri, rdfio.parse_canonical(content))
        for iri in self.ledger.published_iris("service"):
            self.references.put(iri, [_service_stub(iri)], stub_only=True)

    def _index(self, iri: str, triples: Sequence[ox.Triple]) -> None:
        stub = any(t.subject == ox.NamedNode(iri) and isinstance(t.object, ox.NamedNode)
                   and t.object.value.endswith("#PublicService")
                   for t in triples if t.predicate.value.endswith("#type"))
        self.references.put(iri, triples, stub_only=stub)

    def _follow_ledger(self) -> None:
        """Apply the ledger's changes since the index last looked to the reference index."""
        while rows := self.ledger.changes_after(self._references_seq, 500):
            self._on_published(rows)
            self._references_seq = rows[-1].seq

    def _on_published(self, rows: list[ChangeRow]) -> None:
        if any(r.kind == "organisation" for r in rows):
            self._institutions = None  # written here or by another process
        for r in rows:
            if r.op == "publish" and r.content is not None:
                self._index(r.iri, rdfio.parse_canonical(r.content))
            else:
                self.references.drop(r.iri)

    # reading input -----------------------------------------------------------------
    def parse(self, data: bytes, fmt: str, *, bulk: bool = True) -> list[RecordDraft]:
        limit = self.settings.max_bulk_bytes if bulk else self.settings.max_record_bytes
        quads = rdfio.parse(data, fmt, base_iri=self.settings.base_uri, max_bytes=limit,
                            max_nesting=self.settings.max_nesting)
        drafts = split(quads)
        drafts.sort(key=lambda d: _KIND_ORDER.get(d.kind, 9))
        return drafts

    def validate_document(self, data: bytes, fmt: str
                          ) -> list[tuple[RecordDraft, ValidationReport]]:
        """Validate every record of a document; a document that cannot be cut into records
        (third-party data with resources outside any record) is validated as one unit."""
        quads = rdfio.parse(data, fmt, base_iri=self.settings.base_uri,
                            max_bytes=self.settings.max_bulk_bytes,
                            max_nesting=self.settings.max_nesting)
        try:
            drafts = split(quads)
        except InvalidInput:
            drafts = [RecordDraft("document", "document", [q.triple for q in quads])]
        return [(d, self.validate(d)) for d in drafts]

    def validate(self, draft: RecordDraft) -> ValidationReport:
        return self.validator.validate(draft.iri, draft.triples, self.references)

    # writing -----------------------------------------------------------------------
    def import_records(
        self,
        drafts: Sequence[RecordDraft | Unreadable],
        *,
        author: str,
        atomic: bool = True,
        publish: bool = True,
        batch_size: int = 200,
        authorize: Authorize | None = None,
        on_write: OnWrite | None = None,
        on_ack: Callable[[list[Appended]], None] | None = None,
    ) -> ImportReport:
        """Validate and write records (published, or as drafts with ``publish=False``).

        ``atomic``: every record valid or nothing written (one transaction). Otherwise each
        batch of valid records is committed (and acknowledged through ``on_ack``) on its own
        and the others are reported as rejected. ``authorize`` may refuse a record;
        ``on_write`` adds rows in the same transaction as the versions.
        """
        report = ImportReport()
        pending: list[tuple[NewVersion, RecordOutcome]] = []
        institutions = dict(self.institutions())
        for draft in drafts:
            if isinstance(draft, Unreadable):
                err = draft.error
                report.outcomes.append(RecordOutcome(
                    "", "unknown", None, "rejected", error=err, position=draft.position,
                    report=err.report if isinstance(err, InvalidRecord) else None))
                continue
            outcome = RecordOutcome(draft.iri, draft.kind, draft.code, "created")
            report.outcomes.append(outcome)
            try:
                if draft.kind == "service" and not draft.code:
                    raise InvalidInput("a service needs its code in dct:identifier",
                                       message_ro="un serviciu are nevoie de cod "
                                       "(dct:identifier)", field="dct:identifier",
                                       value=draft.iri)
                if authorize is not None:
                    authorize(draft)
            except CatalogError as exc:
                outcome.status, outcome.error = "rejected", exc
                continue
            result = self.validate(draft)
            outcome.report = result
            if not result.conforms:
                outcome.status = "rejected"
                continue
            label = None
            if draft.kind == "organisation" and draft.code:
                names = [v.value for v in draft.values(draft.iri, SKOS + "prefLabel")
                         if isinstance(v, ox.Literal)]
                label = names[0] if names else draft.code
                institutions[draft.iri] = draft.code
            if publish:  # later records of this import validate against this one
                self._index(draft.iri, draft.triples)
            canonical = draft.canonical()
            pending.append((NewVersion(
                iri=draft.iri, kind=draft.kind, code=draft.code,
                institution_code=draft.code if draft.kind == "organisation"
                else institutions.get(draft.authority or ""),
                content=canonical, content_hash=rdfio.content_hash(canonical),
                triple_count=len(draft.triples), author=author, label=label, publish=publish,
                same_as_published_is_unchanged=True,
            ), outcome))
            if not atomic and len(pending) >= batch_size:
                self._commit(pending, on_write, on_ack)
                pending = []
        if atomic and report.rejected:
            self._restore_references([nv.iri for nv, _ in pending])
            for _nv, outcome in pending:
                outcome.status = "valid"  # valid, but not written: the batch was refused
            first = report.rejected[0]
            raise InvalidRecord(
                f"{len(report.rejected)} of {len(report.outcomes)} records are refused; "
                f"nothing was written (first: {first.iri or first.position})",
                report=ValidationReport(tuple(f for o in report.rejected if o.report
                                              for f in o.report.findings)),
                message_ro=f"{len(report.rejected)} din {len(report.outcomes)} înregistrări "
                "sunt refuzate; nu s-a scris nimic",
                value=first.iri or first.position,
                outcomes=report,
            )
        try:
            if pending:
                self._commit(pending, on_write, on_ack)
        except CatalogError:
            self._restore_references([nv.iri for nv, _ in pending])
            raise
        self.project()
        return report

    def _restore_references(self, iris: list[str]) -> None:
        """Undo what a failed import put in the reference index."""
        for iri in iris:
            self.references.drop(iri)
        for iri, content in self.ledger.published(iris=iris).items():
            self._index(iri, rdfio.parse_canonical(content))

    def _commit(self, pending: list[tuple[NewVersion, RecordOutcome]],
                on_write: OnWrite | None,
                on_ack: Callable[[list[Appended]], None] | None) -> None:
        items = [nv for nv, _ in pending]
        if any(nv.kind == "organisation" for nv in items):
            self._institutions = None
        def also(s: Session, appended: list[Appended]) -> None:
            if on_write is not None:
                on_write(s, list(zip(items, appended, strict=True)))

        appended = self.ledger.append(items, also)
        for ap, (_, outcome) in zip(appended, pending, strict=True):
            outcome.version = ap.number
            outcome.status = ("created" if ap.new_record else "updated") if ap.created \
                else "unchanged"
        if on_ack is not None:
            on_ack(appended)

    def import_file(self, path: Path, *, author: str, atomic: bool = True,
                    on_ack: Callable[[list[Appended]], None] | None = None) -> ImportReport:
        drafts = self.parse(path.read_bytes(), path.name)
        return self.import_records(drafts, author=author, atomic=atomic, on_ack=on_ack)

    def withdraw(self, iri: str, author: str) -> None:
        self.ledger.withdraw(iri, author)
        self.project()

    def project(self) -> int:
        """Bring the store, the search index and the reference index up to the ledger (the
        store part is a no-op without a store: the server will do it)."""
        applied = self.projector.catch_up() if self.projector is not None else 0
        self.search_index.catch_up(self.ledger)
        self._follow_ledger()
        return applied

    def rebuild(self) -> int:
        if self.projector is None:
            raise StoreUnavailable("no quad store is open")
        count = self.projector.rebuild()
        self.search_index.rebuild(self.ledger)
        return count

    # reading -----------------------------------------------------------------------
    def service_graph(self, code: str) -> list[ox.Triple]:
        """A published service passport, looked up through the store."""
        if self.store is None:
            raise StoreUnavailable("no quad store is open")
        triples = self.store.graph(self.service_iri(code))
        if not triples:
            raise NotFound(
                f"no published service with code {code!r}",
                message_ro=f"nu există un serviciu publicat cu codul {code!r}",
                field="code", value=code,
            )
        return triples

    def label(self, iri: str) -> dict[str, str] | None:
        """The name of a reference resource (law, concept, organisation, place) by language."""
        return self.references.label(iri)

    def institution_code(self, authority_iri: str | None) -> str | None:
        """The code of the institution whose organisation IRI is ``authority_iri``."""
        return self.institutions().get(authority_iri or "")

    def institutions(self) -> dict[str, str]:
        """Organisation IRI -> institution code, cached until an organisation changes."""
        known = self._institutions
        if known is None:
            known = {i.iri: i.code for i in self.ledger.institutions()}
            self._institutions = known
        return known

    def published_services(self) -> list[dict[str, str]]:
        """Code, IRI and titles (ro, en) of every published service, by code."""
        if self.store is None:
            raise StoreUnavailable("no quad store is open")
        rows = self.store.select(named_query("services").text)
        return [{k: v.value for k, v in r.items()} for r in rows]

    def published_passports(self) -> list[Passport]:
        """Every published service passport, by code (from the ledger)."""
        rows = self.ledger.published(kinds=["service"])
        out = [from_triples(rdfio.parse_canonical(content), iri) for iri, content in rows.items()]
        return sorted(out, key=lambda p: p.code)

    def status(self) -> ProjectionStatus:
        if self.projector is None:
            raise StoreUnavailable("no quad store is open")
        return self.projector.status()

    def export(self, fmt: str = "nquads") -> bytes:
        """Every published record as one dataset (graph per record), from the ledger."""
        info = rdfio.format_for(fmt)
        if not info.datasets:
            raise InvalidInput(f"export needs a dataset format (trig, nquads), not {fmt}",
                               field="format", value=fmt, expected="trig, nquads")
        quads: list[ox.Quad] = []
        for iri, content in sorted(self.ledger.published().items()):
            g = ox.NamedNode(iri)
            quads.extend(ox.Quad(t.subject, t.predicate, t.object, g)
                         for t in rdfio.parse_canonical(content))
        return rdfio.serialize(quads, info)

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
        self.engine.dispose()
