"""The records of a source, read through a mapping: each a draft ready for the write path, or a
rejection with its reasons, in source order, each with the cursor position after it.

Items with the same key in a row are one record when the mapping says ``record.group`` (a CSV
with one row per legal basis); a key seen again later is a defect of the source (rejected,
naming where it was first read).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from adapters.mapping.engine import RecordMapper
from adapters.sources.base import Item, Source
from adapters.sync.provenance import stamp
from catalog.errors import CatalogError, InvalidInput, InvalidRecord
from catalog.intake.checks import check_record
from catalog.intake.readers import draft_from_data, record_from_data
from catalog.records import RecordDraft
from catalog.records.kinds import RecordKind
from catalog.settings import Settings


@dataclass
class SourceRecord:
    """One record of the source: a draft, or the reasons it is rejected."""

    key: str
    position: str  # the cursor after this record
    where: str  # where it is in the source ("row 12", "line 3"; rows 12-14 for a group)
    draft: RecordDraft | None = None
    data: dict[str, Any] | None = None  # the mapped JSON
    problems: list[CatalogError] = field(default_factory=list)
    provenance: dict[str, str] = field(default_factory=dict)

    @property
    def code(self) -> str | None:
        if self.draft is not None:
            return self.draft.code
        code = (self.data or {}).get("code")
        return code if isinstance(code, str) else None


def reasons(errors: list[CatalogError]) -> list[dict[str, Any]]:
    """The reasons of a rejection as plain data: one per finding of a refused record."""
    out: list[dict[str, Any]] = []
    for err in errors:
        if isinstance(err, InvalidRecord) and err.report is not None and \
                err.report.violations:
            for f in err.report.violations:
                out.append({"code": "invalid_record", "field": f.path or f.focus,
                            "value": f.value,
                            "message": {"en": f.message_en, "ro": f.message_ro}})
        else:
            out.append(err.to_dict())
    return out


def draft_of(kind: RecordKind, model_kind: RecordKind, data: Any, base_uri: str,
             where: str, owner: str | None = None) -> RecordDraft:
    """The draft of a record of ``kind`` from its plain JSON; a variant of another kind (a
    harvested service) is read with that kind's model and mapping, under its own IRIs, and
    owned (``dct:publisher`` for a harvested service) by the mapping's institution ``owner``."""
    if model_kind is kind:
        return draft_from_data(kind, data, base_uri, position=where)
    assert model_kind.mapping is not None
    record = record_from_data(model_kind, data, where)
    code = kind.check_code(str(getattr(record, "code", "")))
    iri = kind.iri(base_uri, code)
    triples = model_kind.mapping.to_triples(record, iri)
    owned_by = kind.authority_predicate
    if owner and owned_by and owned_by != model_kind.authority_predicate:
        triples.append(ox.Triple(ox.NamedNode(iri), ox.NamedNode(owned_by),
                                 ox.NamedNode(owner)))
    return RecordDraft(iri, kind.name, triples, declared=kind)


class RecordStream:
    """Reads a source through a mapping (see the module's docstring)."""

    def __init__(self, source: Source, mapper: RecordMapper, kind: RecordKind,
                 settings: Settings, *, tick: Callable[[], None] | None = None,
                 model_kind: RecordKind | None = None, owner: str | None = None,
                 location: str | None = None) -> None:
        self.source, self.mapper, self.kind, self.settings = source, mapper, kind, settings
        self.model_kind = model_kind or kind
        self.owner = owner
        #: where the source is, for each record's provenance (adapters/sync/provenance.py);
        #: None: the drafts carry none
        self.location = location
        self.tick = tick
        self.seen: dict[str, str] = {}

    def records(self, after: str | None = None) -> Iterator[SourceRecord]:
        group: list[Item] = []
        group_key: str | None = None
        for item in self.source.items(after):
            if self.tick is not None:
                self.tick()
            if item.problems or item.draft is not None or item.data is None:
                if group:
                    yield self._finish(group_key or "", group)
                    group, group_key = [], None
                yield self._direct(item)
                continue
            if self.mapper.skipped(item.data):
                continue
            key = self.mapper.key_of(item.data)
            if key is None:
                if group:
                    yield self._finish(group_key or "", group)
                    group, group_key = [], None
                yield SourceRecord(item.key, item.position, item.key, problems=[
                    InvalidInput.of("adapter.no_key", field=item.key)])
                continue
            if group and (key != group_key or not self.mapper.spec.record.group):
                yield self._finish(group_key or "", group)
                group = []
            group.append(item)
            group_key = key
        if group:
            yield self._finish(group_key or "", group)

    def _direct(self, item: Item) -> SourceRecord:
        rec = SourceRecord(item.key, item.position, item.key, draft=item.draft,
                           problems=list(item.problems), provenance=dict(item.provenance))
        if item.draft is None and not item.problems:
            rec.problems.append(InvalidInput.of("adapter.item_unreadable", field=item.key,
                                                expected="a record", reason="it is empty"))
        elif rec.draft is not None and self.location is not None:
            stamp(rec.draft, self.source.name, item.key, self.location)
        return rec

    def _finish(self, key: str, items: list[Item]) -> SourceRecord:
        where = items[0].key if len(items) == 1 else f"{items[0].key}-{items[-1].key}"
        rec = SourceRecord(key, items[-1].position, where)
        first = self.seen.get(key)
        if first is not None:
            rec.problems.append(InvalidInput.of("adapter.duplicate_key", field="record.key",
                                                value=key, where=first))
            return rec
        self.seen[key] = where
        mapped = self.mapper.map(key, [i.data for i in items])
        rec.data = mapped.data
        rec.problems += mapped.problems
        if rec.data is None:
            return rec
        try:
            rec.draft = draft_of(self.kind, self.model_kind, rec.data, self.settings.base_uri,
                                 where, self.owner)
            if self.location is not None:
                stamp(rec.draft, self.source.name, key, self.location)
            check_record(rec.draft, self.settings)
        except CatalogError as exc:
            rec.draft = None
            rec.problems.append(exc)
        return rec
