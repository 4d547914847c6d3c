"""Reading what users send into records: plain JSON passports, JSON Lines, CSV, or RDF.

Every input passes the gates first (size, nesting depth, UTF-8, no DOCTYPE, bundled JSON-LD
contexts only). A single-passport write may describe only its own service: the service, the
resources under its IRI and blank nodes it reaches (:func:`own_passport`). Passports that break
the JSON model are :class:`~catalog.errors.InvalidRecord` with one finding per problem, in
Romanian and English, like a SHACL report; text that cannot be stored (NUL, lone surrogates)
and identifiers with invisible or direction-changing characters are refused first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from pydantic import BaseModel, ValidationError

from catalog import gates, rdfio
from catalog.errors import CatalogError, InvalidInput, InvalidRecord, TooLarge
from catalog.intake import checks
from catalog.intake.passport_json import (
    model_finding,
    position_words,
)
from catalog.intake.passport_json import (
    passport_from_data as passport_from_data,
)
from catalog.namespaces import RDF_TYPE
from catalog.records import RecordDraft, split
from catalog.records.builtin import SERVICE
from catalog.records.codes import CodeLookup
from catalog.records.kinds import RecordKind
from catalog.records.passport import Passport, to_triples
from catalog.settings import Settings
from catalog.validation import Finding, ValidationReport

JSON_MEDIA = frozenset({"application/json", "application/merge-patch+json"})
JSONL_MEDIA = frozenset({"application/jsonl", "application/x-ndjson", "application/x-jsonlines",
                         "application/jsonlines"})
CSV_MEDIA = "text/csv"
@dataclass(frozen=True)
class Unreadable:
    """An item of a bulk file that could not be read into a record, or a record refused
    before validation (then with its IRI, kind and code)."""

    position: str  # "line 3", "row 4", "item 2"
    error: CatalogError
    iri: str = ""
    kind: str = "unknown"
    code: str | None = None


BulkItem = RecordDraft | Unreadable


def media_of(content_type: str | None, default: str = "application/json") -> str:
    return (content_type or default).split(";")[0].strip().lower() or default


# --- JSON passports ----------------------------------------------------------------------
def draft_of(p: Passport, base_uri: str) -> RecordDraft:
    iri = SERVICE.iri(base_uri, p.code)
    return RecordDraft(iri, "service", to_triples(p, iri), declared=SERVICE)


def record_from_data(kind: RecordKind, item: Any, position: str = "the record",
                     codes: CodeLookup | None = None) -> BaseModel:
    """A record of ``kind`` from decoded JSON, or InvalidRecord listing every problem (short
    codes of coded fields become their concepts' IRIs through ``codes``)."""
    if kind.model is Passport:
        return passport_from_data(item, position if position != "the record" else
                                  "the passport", codes)
    assert kind.model is not None
    if not isinstance(item, dict):
        raise InvalidInput.of("intake.not_object", field=position, expected="an object",
                              position=position_words(position))
    gates.check_storable_text(item)
    if isinstance(item.get("code"), str):
        gates.check_identifier(item["code"], field="code")
    try:
        return kind.model.model_validate(item)
    except ValidationError as exc:
        code = item.get("code") if isinstance(item.get("code"), str) else None
        findings = tuple(model_finding(e, code or position) for e in exc.errors())
        raise InvalidRecord.of("intake.problems", report=ValidationReport(findings), value=code,
                               position=position_words(position), count=len(findings)) from exc


def draft_from_data(kind: RecordKind, item: Any, base_uri: str,
                    position: str = "the record", codes: CodeLookup | None = None
                    ) -> RecordDraft:
    """The draft of a record of ``kind`` from its plain JSON (the rules every record keeps,
    :func:`catalog.intake.checks.check_record`, are checked on the draft)."""
    assert kind.mapping is not None
    record = record_from_data(kind, item, position, codes)
    code = getattr(record, "code", None)
    if not isinstance(code, str):
        raise InvalidInput.of("intake.no_code", field="code", expected="a code",
                              position=position_words(position))
    iri = kind.iri(base_uri, kind.check_code(code))
    return RecordDraft(iri, kind.name, kind.mapping.to_triples(record, iri), declared=kind)


def csv_draft(p: Passport, position: str, base_uri: str, codes: CodeLookup | None
              ) -> RecordDraft:
    """The draft of a passport read from a CSV row, its fields checked as a JSON passport's
    are (short codes to IRIs, IRIs that are IRIs, no empty texts)."""
    return draft_of(passport_from_data(p.model_dump(mode="json", exclude_none=True), position,
                                       codes), base_uri)


def drafts_from_passports(passports: Iterable[Passport], base_uri: str) -> list[RecordDraft]:
    return [draft_of(p, base_uri) for p in passports]


def _too_many(limit: int) -> TooLarge:
    return TooLarge.of("intake.too_many_records", field="records",
                       expected=f"<= {limit} records", what="the import file", limit=limit)


def _json_items(text: str, max_nesting: int, limit: int) -> list[tuple[str, Any]]:
    """(position, decoded item or the error reading it) of a JSON document or JSON Lines;
    TooLarge past ``limit`` items."""
    stripped = text.lstrip()
    if stripped.startswith("[") or (stripped.startswith("{") and "\n{" not in stripped):
        doc = rdfio.load_json(text, max_nesting=max_nesting)
        items = doc if isinstance(doc, list) else [doc]
        if len(items) > limit:
            raise _too_many(limit)
        return [(f"item {n}", item) for n, item in enumerate(items, 1)]
    out: list[tuple[str, Any]] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        if len(out) >= limit:
            raise _too_many(limit)
        try:
            out.append((f"line {n}", rdfio.load_json(line, max_nesting=max_nesting,
                                                      what=f"JSON line {n}")))
        except InvalidInput as exc:
            exc.line = n
            out.append((f"line {n}", exc))
    return out


# --- RDF passports -----------------------------------------------------------------------
def own_passport(quads: Sequence[ox.Quad], expected_iri: str | None,
                 kind: RecordKind = SERVICE) -> RecordDraft:
    """The one record a single-record document describes, and nothing else.

    Every triple must be about the record's root (a service), a resource under its IRI
    (``<service>/...``, ``<service>#...``) or a blank node reached from those; triples about
    anything else (another service, an organisation, a code list) are refused with a finding
    each.
    """
    root_class = kind.root_class
    shown = "cpsv:PublicService" if kind is SERVICE else f"<{root_class}>"
    services = sorted({q.subject.value for q in quads if q.predicate.value == RDF_TYPE
                       and isinstance(q.subject, ox.NamedNode)
                       and q.object == ox.NamedNode(root_class)})
    if not services:
        raise InvalidInput.of("intake.describes_none", expected=f"one resource typed {shown}",
                              shown=shown)
    iri = expected_iri or services[0]
    graphs = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    owned_bnodes: set[str] = set()
    triples = [q.triple for q in quads]
    changed = True
    while changed:  # blank nodes reached from the service's own resources
        changed = False
        for t in triples:
            if _is_own(t.subject, iri, owned_bnodes) and isinstance(t.object, ox.BlankNode) \
                    and t.object.value not in owned_bnodes:
                owned_bnodes.add(t.object.value)
                changed = True
    findings: list[Finding] = []
    for g in sorted(graphs - {iri}):
        findings.append(_foreign(iri, g, f"named graph <{g}>", f"graful numit <{g}>",
                                 f"именованный граф <{g}>"))
    foreign: dict[str, int] = {}
    for t in triples:
        if not _is_own(t.subject, iri, owned_bnodes):
            key = _root_of(t.subject, services)
            foreign[key] = foreign.get(key, 0) + 1
    for subject, count in sorted(foreign.items()):
        other = subject.strip("<>")
        what = ("another service" if other in services else "a resource that is not part of it")
        what_ro = ("alt serviciu" if other in services else "o resursă care nu face parte din el")
        what_ru = ("другая услуга" if other in services else "ресурс, не входящий в него")
        findings.append(_foreign(iri, subject, f"{subject} is {what} ({count} triples)",
                                 f"{subject} este {what_ro} ({count} triplete)",
                                 f"{subject} — {what_ru} (триплетов: {count})"))
    if expected_iri is not None and expected_iri not in services:
        findings.insert(0, _foreign(expected_iri, services[0],
                                    f"the document describes {services[0]}, not {expected_iri}",
                                    f"documentul descrie {services[0]}, nu {expected_iri}",
                                    f"документ описывает {services[0]}, а не {expected_iri}"))
    if findings:
        raise InvalidRecord.of("intake.foreign_triples", report=ValidationReport(tuple(findings)),
                               value=iri, count=len(findings))
    return RecordDraft(iri, kind.name, triples, declared=kind)


def _root_of(term: Any, services: list[str]) -> str:
    """The service a foreign subject belongs to (itself when none): one finding each."""
    if isinstance(term, ox.NamedNode):
        for other in services:
            if term.value == other or term.value.startswith((other + "/", other + "#")):
                return f"<{other}>"
    return str(term)


def _is_own(term: Any, iri: str, bnodes: set[str]) -> bool:
    if isinstance(term, ox.BlankNode):
        return term.value in bnodes
    if isinstance(term, ox.NamedNode):
        v = term.value
        return v == iri or v.startswith(iri + "/") or v.startswith(iri + "#")
    return False


def _foreign(focus: str, value: str, en: str, ro: str, ru: str) -> Finding:
    return Finding(focus=focus, path=None, value=value,
                   message_en=f"not part of this passport: {en}",
                   message_ro=f"nu face parte din acest pașaport: {ro}",
                   message_ru=f"не входит в этот паспорт: {ru}",
                   severity="violation", shape=None, constraint="ownership")


# --- what the API and the command line read ------------------------------------------------
def single_passport(data: bytes, media: str, settings: Settings,
                    expected_iri: str | None = None, codes: CodeLookup | None = None
                    ) -> RecordDraft:
    """The draft of one passport from a request body (JSON, CSV of one row, or RDF)."""
    return single_record(SERVICE, data, media, settings, expected_iri, codes)


def single_record(kind: RecordKind, data: bytes, media: str, settings: Settings,
                  expected_iri: str | None = None, codes: CodeLookup | None = None
                  ) -> RecordDraft:
    """The draft of one record of ``kind`` from a request body (its plain JSON, RDF, or, for
    passports, a CSV of one row)."""
    gates.check_size(data, settings.max_record_bytes,
                     what="the passport" if kind is SERVICE else "the record")
    if media in JSON_MEDIA:
        text = gates.decode_utf8(data, what="JSON body")
        doc = rdfio.load_json(text, max_nesting=settings.max_nesting)
        draft = draft_from_data(kind, doc, settings.base_uri, codes=codes)
    elif media == CSV_MEDIA and kind.model is Passport:
        from catalog.records import csvformat

        rows = list(csvformat.iter_csv(data))
        if len(rows) != 1:
            raise InvalidInput.of("csv.one_passport", expected="a header and one row",
                                  count=len(rows))
        if rows[0].passport is None:
            raise _row_error(rows[0])
        draft = csv_draft(rows[0].passport, "row 1", settings.base_uri, codes)
    else:
        quads = rdfio.parse(data, rdfio.format_for(media), base_iri=settings.base_uri,
                            max_bytes=settings.max_record_bytes,
                            max_nesting=settings.max_nesting)
        draft = own_passport(quads, expected_iri, kind)
    checks.check_record(draft, settings)
    return draft


def _row_error(row: Any) -> InvalidRecord:
    findings = tuple(Finding(focus=f"row {p.row}", path=p.field, value=p.value,
                             message_en=p.message, message_ro=p.message_ro,
                             severity="violation", shape=None, constraint="csv")
                     for p in row.problems)
    return InvalidRecord.of("csv.row_problems", report=ValidationReport(findings),
                            line=row.line, row=row.row, count=len(findings))


def bulk_items(data: bytes, media_or_name: str, settings: Settings,
               codes: CodeLookup | None = None) -> list[BulkItem]:
    """The records of a bulk file, with the items that could not be read or were refused
    before validation (:func:`catalog.intake.checks.check_record`), in file order; TooLarge
    when the file holds more than ``SEMCAT_MAX_BULK_RECORDS`` records."""
    gates.check_size(data, settings.max_bulk_bytes, what="the import file")
    name = media_or_name.lower()
    limit = settings.max_bulk_records
    read: list[tuple[str, RecordDraft | Unreadable]] = []
    if name in JSON_MEDIA or name in JSONL_MEDIA or name.endswith((".json", ".jsonl",
                                                                    ".ndjson")):
        text = gates.decode_utf8(data, what="JSON")
        for position, item in _json_items(text, settings.max_nesting, limit):
            try:
                if isinstance(item, CatalogError):
                    raise item
                read.append((position, draft_of(passport_from_data(item, position, codes),
                                                settings.base_uri)))
            except CatalogError as exc:
                read.append((position, Unreadable(position, exc)))
    elif name == CSV_MEDIA or name.endswith(".csv"):
        from catalog.records import csvformat

        for row in csvformat.iter_csv(data):
            if len(read) >= limit:
                raise _too_many(limit)
            position = f"row {row.row}"
            if row.passport is None:
                read.append((position, Unreadable(position, _row_error(row))))
                continue
            try:
                read.append((position, csv_draft(row.passport, position, settings.base_uri,
                                                  codes)))
            except CatalogError as exc:
                read.append((position, Unreadable(position, exc)))
    else:
        quads = rdfio.parse(data, rdfio.format_for(media_or_name), base_iri=settings.base_uri,
                            max_bytes=settings.max_bulk_bytes, max_nesting=settings.max_nesting)
        records = split(quads)
        if len(records) > limit:
            raise _too_many(limit)
        read = [(f"item {n}", d) for n, d in enumerate(records, 1)]
    return [_checked(position, item, settings) for position, item in read]


def own_record(draft: RecordDraft) -> RecordDraft:
    """``draft`` (a record of a bulk file) when it describes only its own resources, as a
    single-record document must (:func:`own_passport`); a named graph of TriG or N-Quads is
    taken whole, so without this a graph could state things about another institution's
    record. Kinds without REST writes (code lists, organisations, legal acts) keep their
    members wherever their IRIs are."""
    kind = draft.spec
    if kind is None or kind.path is None:
        return draft
    graph = ox.NamedNode(draft.iri)
    own_passport([ox.Quad(t.subject, t.predicate, t.object, graph) for t in draft.triples],
                 draft.iri, kind)
    return draft


def _checked(position: str, item: RecordDraft | Unreadable, settings: Settings) -> BulkItem:
    """The record, or why it is refused before validation (the others are imported)."""
    if isinstance(item, Unreadable):
        return item
    try:
        own_record(item)
        checks.check_record(item, settings)
    except CatalogError as exc:
        return Unreadable(position, exc, iri=item.iri, kind=item.kind, code=item.code)
    return item
