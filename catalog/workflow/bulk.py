"""Bulk imports: many records validated and written through the one write path, in batches.

Records are read lazily (any iterable: a stream of a 100,000-record file), each checked by the
caller's authorisation and validated against the reference data (reference records of the same
import first: kinds come in their import order within a document), then written in batches of
new versions, each batch one transaction with its transitions and audit entries
(``on_write``). All or nothing (``atomic``): every record valid, or nothing written. Per record:
each valid batch is committed and acknowledged (``on_ack``) on its own, the others reported.

The report keeps counts by status and, for a long import (``keep``), only the rejected outcomes
and the first ``keep`` others, so that its memory does not grow with the file.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlmodel import Session

from catalog import rdfio
from catalog.errors import CatalogError, InvalidInput, InvalidRecord
from catalog.intake.readers import Unreadable
from catalog.ledger import Appended, NewVersion
from catalog.messages import Localized
from catalog.records import RecordDraft
from catalog.validation import ValidationReport

if TYPE_CHECKING:
    from catalog.core import Catalog

STATUSES = ("created", "updated", "unchanged", "rejected")

#: Checks a record before it is written (the caller's authorisation); raises to refuse it.
Authorize = Callable[[RecordDraft], None]
#: Writes more rows in a batch's own transaction (workflow transitions, the audit log).
OnWrite = Callable[[Session, list[tuple[NewVersion, Appended]]], None]
#: Told of each committed batch.
OnAck = Callable[[list[Appended]], None]


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

    def run(self, items: Iterable[RecordDraft | Unreadable], *, atomic: bool,
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

    def _one(self, item: RecordDraft | Unreadable, report: ImportReport
             ) -> tuple[NewVersion, RecordOutcome] | None:
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
            if kind is None:
                raise InvalidInput.of("bulk.unknown_kind", field="kind", value=draft.kind,
                                      iri=draft.iri)
            if kind.code_predicate is not None and not draft.code:
                raise InvalidInput.of("bulk.needs_code", field=kind.code_predicate,
                                      value=draft.iri, kind=Localized(kind.labels),
                                      predicate=kind.code_predicate)
            self.authorize(draft)
        except CatalogError as exc:
            outcome.status, outcome.error = "rejected", exc
            report.settle(outcome)
            return None
        result = self.catalog.validate(draft)
        outcome.report = result
        if not result.conforms:
            outcome.status = "rejected"
            report.settle(outcome)
            return None
        name = None
        if kind.institution_name is not None and draft.code:
            name = kind.first_literal(draft.iri, kind.institution_name, draft.triples) \
                or draft.code
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
