"""What applying one source record would do, without writing: create, update (with the
field-by-field diff the publishing API gives between two versions), unchanged, or reject (with
its reasons). The same rules as the write path: the ownership rule, the kind's shapes, and the
ledger's notion of "unchanged" (the same content as the latest version, or as the published
one).
"""

from __future__ import annotations

from typing import Any

from adapters.sync.stream import SourceRecord, reasons
from catalog import rdfio
from catalog.core import Catalog
from catalog.errors import CatalogError, InvalidRecord
from catalog.ledger import syncs
from catalog.ledger.syncs import Outcome
from catalog.messages import Localized
from catalog.records.diff import PASSPORT_FORM, Form, diff_versions, form_of
from catalog.records.kinds import RecordKind
from catalog.workflow.access import Principal, require_edit


def form(kind: RecordKind) -> Form:
    if kind.name == "service" or kind.model is None:
        return PASSPORT_FORM
    return form_of(kind.model, kind.field_labels, getattr(kind.mapping, "iri_fields", ()))


def rejected(rec: SourceRecord, errors: list[CatalogError]) -> Outcome:
    return Outcome(rec.key, "rejected", rec.code, rec.position,
                   {"where": rec.where, "reasons": reasons(errors)})


class Planner:
    def __init__(self, catalog: Catalog, kind: RecordKind, principal: Principal, *,
                 publish: bool, model_kind: RecordKind | None = None) -> None:
        self.catalog, self.kind, self.principal, self.publish = catalog, kind, principal, publish
        self.model_mapping = (model_kind or kind).mapping
        self.form = form(model_kind or kind)

    def outcome(self, rec: SourceRecord) -> Outcome:
        draft = rec.draft
        if rec.problems or draft is None:
            return rejected(rec, rec.problems)
        code = draft.code or draft.iri
        stored = syncs.head(self.catalog.engine, draft.iri)
        try:
            if stored is not None:
                require_edit(self.principal, stored.owner, code)
            require_edit(self.principal, draft.authority, code)
        except CatalogError as exc:
            return rejected(rec, [exc])
        report = self.catalog.validate(draft)
        if not report.conforms:
            return rejected(rec, [InvalidRecord.of(
                "record.problems", report=report, value=code, kind=Localized(self.kind.labels),
                count=len(report.violations))])
        canonical = draft.canonical()
        digest = rdfio.content_hash(canonical)
        if stored is None:
            return Outcome(rec.key, "created", draft.code, rec.position, {"where": rec.where})
        if (stored.content_hash == digest and (not self.publish or stored.status == "published")) \
                or stored.published_hash == digest:
            return Outcome(rec.key, "unchanged", draft.code, rec.position)
        old = self.catalog.ledger.version(draft.iri, stored.number).content
        return Outcome(rec.key, "updated", draft.code, rec.position,
                       {"where": rec.where, "diff": self._diff(stored.number, old, draft.iri,
                                                               draft.triples, canonical)})

    def _diff(self, number: int, old_content: str, iri: str, triples: Any,
              canonical: str) -> Any:
        mapping = self.kind.mapping or self.model_mapping
        old = new = None
        if mapping is not None:
            old = mapping.from_triples(rdfio.parse_canonical(old_content), iri)
            new = mapping.from_triples(triples, iri)
        return diff_versions(number, number + 1, old, new, old_content, canonical,
                             label=self.catalog.label, form=self.form).to_dict()
