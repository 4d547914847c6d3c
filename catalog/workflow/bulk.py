"""Bulk imports: many records validated and written through the one write path, in batches.

Records are read lazily (any iterable: a stream of a 100,000-record file), each checked by the
caller's authorisation and validated against the reference data (reference records of the same
import first: kinds come in their import order within a document), then written in batches of
new versions, each batch one transaction with its transitions and audit entries
(``on_write``). All or nothing (``atomic``): every record valid, or nothing written. Per record:
each valid batch is committed and acknowledged (``on_ack``) on its own, the others reported.

The report keeps counts by status and, for a long import (``keep``), only the rejected outcomes
and the first ``keep`` others, so that its memory does not grow with the file.

Items may also come :class:`Checked`: read and validated ahead, in another process
(:func:`check_ahead`, used by ``semcat import`` to keep both cores busy), for a principal
authorisation cannot refuse (an admin, an operator): the importer then only authorises, counts
and writes them, in the same order and with the same outcomes as a draft validated here.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from sqlmodel import Session

from catalog import rdfio
from catalog.errors import CatalogError, InvalidInput, InvalidRecord
from catalog.intake.readers import Unreadable
from catalog.ledger import Appended, NewVersion
from catalog.messages import Localized
from catalog.records import RecordDraft
from catalog.records.kinds import RecordKind
from catalog.validation import ValidationReport

if TYPE_CHECKING:
    from catalog.core import Catalog

STATUSES = ("created", "updated", "unchanged", "rejected")

class Writable(Protocol):
    """What authorisation looks at in a record about to be written."""

    @property
    def iri(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def code(self) -> str | None: ...
    @property
    def authority(self) -> str | None: ...


#: Checks a record before it is written (the caller's authorisation); raises to refuse it.
Authorize = Callable[[Writable], None]
#: Writes more rows in a batch's own transaction (workflow transitions, the audit log).
OnWrite = Callable[[Session, list[tuple[NewVersion, Appended]]], None]
#: Told of each committed batch.
OnAck = Callable[[list[Appended]], None]


@dataclass
class Checked:
    """A record read and validated ahead (:func:`check_ahead`), without its triples: what
    the importer needs to authorise, count and write it."""

    iri: str
    kind: str
    code: str | None
    authority: str | None
    report: ValidationReport | None = None  # None: refused before validation (``error``)
    error: CatalogError | None = None
    canonical: str = ""
    content_hash: str = ""
    triple_count: int = 0
    institution_name: str | None = None  # an institution's record: its name


def check_ahead(catalog: Catalog, draft: RecordDraft, *, publish: bool) -> Checked:
    """What :class:`Importer` does to a draft before authorising it, done ahead: the kind's
    checks, validation and, for a valid record, its canonical content; when ``publish``, later
    records validate against it (it is put in ``catalog``'s reference index, as the importer
    does). Only for a principal that authorisation cannot refuse (an admin): refusing one after
    it was put would let later records validate against it."""
    code, kind = draft.code, catalog.kinds.get(draft.kind)
    out = Checked(draft.iri, draft.kind, code, draft.authority)
    out.error = _kind_error(kind, draft, code)
    if out.error is not None or kind is None:
        return out
    out.report = catalog.validate(draft)
    if not out.report.conforms:
        return out
    out.institution_name = _institution_name(kind, draft, code)
    if publish:
        catalog.reference_data.put(draft.iri, draft.kind, draft.triples)
    out.canonical = draft.canonical()
    out.content_hash = rdfio.content_hash(out.canonical)
    out.triple_count = len(draft.triples)
    return out


def _kind_error(kind: RecordKind | None, draft: RecordDraft, code: str | None
                ) -> CatalogError | None:
    """Why a draft cannot be imported whatever its content: an unknown kind, no code."""
    if kind is None:
        return InvalidInput.of("bulk.unknown_kind", field="kind", value=draft.kind,
                               iri=draft.iri)
    if kind.code_predicate is not None and not code:
        return InvalidInput.of("bulk.needs_code", field=kind.code_predicate, value=draft.iri,
                               kind=Localized(kind.labels), predicate=kind.code_predicate)
    return None


def _institution_name(kind: RecordKind, draft: RecordDraft, code: str | None) -> str | None:
    """The name of an institution's record (an organisation with a code), else None."""
    if kind.institution_name is None or not code:
        return None
    return kind.first_literal(draft.iri, kind.institution_name, draft.triples) or code


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


@dataclass
class ImportReport:
    """What an import did. ``keep``: hold only the rejected outcomes and the first ``keep``
    others (the counts stay exact); None: hold every outcome."""

    outcomes: list[RecordOutcome] = field(default_factory=list)
    keep: int | None = None
    counts: Counter[str] = field(default_factory=Counter)
    _kept_others: int = 0

    @classmethod
    def flat(cls, keep: int = 100) -> ImportReport:
        """A report whose memory does not grow with the import (see the class)."""
        return cls(keep=keep)

    def add(self, outcome: RecordOutcome) -> None:
        self.outcomes.append(outcome)

    def settle(self, outcome: RecordOutcome) -> None:
        """Count an outcome whose status is final, and forget it when the report is long."""
        self.counts[outcome.status] += 1
        if self.keep is None or outcome.status == "rejected":
            return
        if self._kept_others < self.keep:
            self._kept_others += 1
            return
        self.outcomes.remove(outcome)

    def extend(self, other: ImportReport) -> None:
        """Add the outcomes and counts of another import (of the same run)."""
        self.outcomes += other.outcomes
        self.counts.update(other.counts)

    def count(self, status: str) -> int:
        if self.counts:
            return self.counts[status]
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def total(self) -> int:
        return sum(self.counts.values()) if self.counts else len(self.outcomes)

    @property
    def rejected(self) -> list[RecordOutcome]:
        return [o for o in self.outcomes if o.status == "rejected"]

    def summary(self) -> dict[str, int]:
        """Counts by status; ``valid`` (not written) only in a refused all-or-nothing import."""
        out = {s: self.count(s) for s in STATUSES}
        for extra in ("valid", "kept"):  # not written: a refused batch; records left as they are
            if self.count(extra):
                out[extra] = self.count(extra)
        return out

    def to_dict(self) -> dict[str, object]:
        return {"summary": self.summary(), "records": [o.to_dict() for o in self.outcomes]}


class Importer:
    """One import by one principal (see the module's docstring)."""

    def __init__(self, catalog: Catalog, *, author: str, publish: bool, authorize: Authorize,
                 on_write: OnWrite, on_ack: OnAck | None = None) -> None:
        self.catalog, self.author, self.publish = catalog, author, publish
        self.authorize, self.on_write, self.on_ack = authorize, on_write, on_ack
        self.institutions = dict(catalog.institutions())

    def run(self, items: Iterable[RecordDraft | Checked | Unreadable], *, atomic: bool,
            batch_size: int = 200, keep: int | None = None,
            report: ImportReport | None = None) -> ImportReport:
        """Import ``items``; ``report`` (filled as the import goes, for progress) or a new one
        that keeps the first ``keep`` outcomes besides the rejections."""
        if report is None:
            report = ImportReport(keep=keep)
        if atomic:
            report.keep = None  # an all-or-nothing report names every record
        pending: list[tuple[NewVersion, RecordOutcome]] = []
        try:
            for item in items:
                nv = self._one(item, report)
                if nv is not None:
                    pending.append(nv)
                if not atomic and len(pending) >= batch_size:
                    self._commit(pending, report)
                    pending = []
            if atomic and report.rejected:
                self._refuse(pending, report)
            if pending:
                self._commit(pending, report)
        except BaseException:  # Ctrl-C or a failed commit: undo what this batch indexed
            self.catalog.reference_data.restore([nv.iri for nv, _ in pending])
            raise
        self.catalog.project_after_commit()
        return report

    def _one(self, item: RecordDraft | Checked | Unreadable, report: ImportReport
             ) -> tuple[NewVersion, RecordOutcome] | None:
        if isinstance(item, Checked):
            return self._checked(item, report)
        if isinstance(item, Unreadable):
            err = item.error
            outcome = RecordOutcome(item.iri, item.kind, item.code, "rejected", error=err,
                                    position=item.position,
                                    report=err.report if isinstance(err, InvalidRecord) else None)
            report.add(outcome)
            report.settle(outcome)
            return None
        draft, kind = item, self.catalog.kinds.get(item.kind)
        outcome = RecordOutcome(draft.iri, draft.kind, draft.code, "created")
        report.add(outcome)
        try:
            refused = _kind_error(kind, draft, draft.code)
            if refused is not None:
                raise refused
            self.authorize(draft)
        except CatalogError as exc:
            outcome.status, outcome.error = "rejected", exc
            report.settle(outcome)
            return None
        assert kind is not None
        result = self.catalog.validate(draft)
        outcome.report = result
        if not result.conforms:
            outcome.status = "rejected"
            report.settle(outcome)
            return None
        name = _institution_name(kind, draft, draft.code)
        if name is not None and draft.code:
            self.institutions[draft.iri] = draft.code
        if self.publish:  # later records of this import validate against this one
            self.catalog.reference_data.put(draft.iri, draft.kind, draft.triples)
        canonical = draft.canonical()
        owner = draft.authority
        return NewVersion(
            iri=draft.iri, kind=draft.kind, code=draft.code,
            institution_code=self.institutions.get(owner or ""),
            content=canonical, content_hash=rdfio.content_hash(canonical),
            triple_count=len(draft.triples), author=self.author, institution_name=name,
            publish=self.publish, same_as_published_is_unchanged=True,
            comment=json.dumps(draft.provenance, ensure_ascii=False, sort_keys=True)
            if draft.provenance else None,
        ), outcome

    def _checked(self, item: Checked, report: ImportReport
                 ) -> tuple[NewVersion, RecordOutcome] | None:
        """A record validated ahead (:func:`check_ahead`): authorised, counted, written."""
        outcome = RecordOutcome(item.iri, item.kind, item.code, "created")
        report.add(outcome)
        try:
            if item.error is not None:
                raise item.error
            self.authorize(item)
        except CatalogError as exc:
            outcome.status, outcome.error = "rejected", exc
            report.settle(outcome)
            return None
        outcome.report = item.report
        if item.report is None or not item.report.conforms:
            outcome.status = "rejected"
            report.settle(outcome)
            return None
        if item.institution_name is not None and item.code:
            self.institutions[item.iri] = item.code
        return NewVersion(
            iri=item.iri, kind=item.kind, code=item.code,
            institution_code=self.institutions.get(item.authority or ""),
            content=item.canonical, content_hash=item.content_hash,
            triple_count=item.triple_count, author=self.author,
            institution_name=item.institution_name, publish=self.publish,
            same_as_published_is_unchanged=True,
        ), outcome

    def _refuse(self, pending: list[tuple[NewVersion, RecordOutcome]],
                report: ImportReport) -> None:
        self.catalog.reference_data.restore([nv.iri for nv, _ in pending])
        for _nv, outcome in pending:
            outcome.status = "valid"  # valid, but not written: the batch was refused
            report.settle(outcome)
        first = report.rejected[0]
        raise InvalidRecord.of(
            "bulk.refused",
            report=ValidationReport(tuple(f for o in report.rejected if o.report
                                          for f in o.report.findings)),
            value=first.iri or first.position, outcomes=report,
            rejected=len(report.rejected), total=len(report.outcomes),
            first=first.iri or first.position)

    def _commit(self, pending: list[tuple[NewVersion, RecordOutcome]],
                report: ImportReport) -> None:
        items = [nv for nv, _ in pending]

        def also(s: Session, appended: list[Appended]) -> None:
            self.on_write(s, list(zip(items, appended, strict=True)))

        appended = self.catalog.ledger.append(items, also)
        for ap, (_, outcome) in zip(appended, pending, strict=True):
            outcome.version = ap.number
            outcome.status = ("created" if ap.new_record else "updated") if ap.created \
                else "unchanged"
            report.settle(outcome)
        if any(nv.institution_name is not None for nv in items):
            self.catalog.reference_data.forget_institutions()
        if self.on_ack is not None:
            self.on_ack(appended)
