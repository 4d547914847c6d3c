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
from catalog.messages import Localized
from catalog.namespaces import RDF_TYPE
from catalog.records import RecordDraft, split
from catalog.records.builtin import SERVICE
from catalog.records.kinds import RecordKind
from catalog.records.passport import Passport, to_triples
from catalog.settings import Settings
from catalog.validation import Finding, ValidationReport

JSON_MEDIA = frozenset({"application/json", "application/merge-patch+json"})
JSONL_MEDIA = frozenset({"application/jsonl", "application/x-ndjson", "application/x-jsonlines",
                         "application/jsonlines"})
CSV_MEDIA = "text/csv"
#: fields the server sets; a request that sends them is told so
SERVER_FIELDS = frozenset({"status", "version", "owner", "institution", "published_version",
                           "iri", "created_at", "author"})

_RO = {
    "missing": "câmp obligatoriu lipsă",
    "extra_forbidden": "câmp necunoscut (nu face parte din pașaport)",
    "string_pattern_mismatch": "nu are formatul cerut",
    "string_type": "trebuie să fie text",
    "dict_type": "trebuie să fie un obiect (de ex. {\"ro\": \"...\", \"en\": \"...\"})",
    "list_type": "trebuie să fie o listă",
    "float_parsing": "trebuie să fie un număr",
    "float_type": "trebuie să fie un număr",
    "bool_parsing": "trebuie să fie true sau false",
    "bool_type": "trebuie să fie true sau false",
    "greater_than_equal": "valoarea este prea mică",
    "model_type": "trebuie să fie un obiect",
}
_RU = {
    "missing": "обязательное поле отсутствует",
    "extra_forbidden": "неизвестное поле (не входит в паспорт)",
    "string_pattern_mismatch": "не имеет требуемого формата",
    "string_type": "должно быть текстом",
    "dict_type": "должно быть объектом (например {\"ro\": \"...\", \"en\": \"...\"})",
    "list_type": "должно быть списком",
    "float_parsing": "должно быть числом",
    "float_type": "должно быть числом",
    "bool_parsing": "должно быть true или false",
    "bool_type": "должно быть true или false",
    "greater_than_equal": "значение слишком мало",
    "model_type": "должно быть объектом",
}


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
def _finding(err: Any, focus: str) -> Finding:
    where = ".".join(str(p) for p in err["loc"])
    kind = err["type"]
    en = err["msg"]
    ro = _RO.get(kind, "valoare invalidă")
    ru = _RU.get(kind, "недопустимое значение")
    if kind == "extra_forbidden" and str(err["loc"][-1]) in SERVER_FIELDS:
        en = f"{err['loc'][-1]} is set by the server, not by the request"
        ro = f"{err['loc'][-1]} este stabilit de server, nu de cerere"
        ru = f"{err['loc'][-1]} задаётся сервером, а не запросом"
    elif kind == "string_pattern_mismatch":
        pattern = err.get("ctx", {}).get("pattern", "")
        en, ro = f"{en} (e.g. ASP-0001)", f"{ro}: {pattern} (de ex. ASP-0001)"
        ru = f"{ru}: {pattern} (например ASP-0001)"
    value = err.get("input")
    shown = None if kind == "missing" or isinstance(value, (dict, list)) else str(value)[:200]
    return Finding(focus=focus, path=where, value=shown, message_en=f"{where}: {en}",
                   message_ro=f"{where}: {ro}", message_ru=f"{where}: {ru}",
                   severity="violation", shape=None, constraint=kind)


_POSITIONS_RO = {"item": "elementul", "line": "linia", "row": "rândul"}


_POSITIONS_RU = {"item": "элемент", "line": "строка", "row": "строка"}


def _ro(position: str) -> str:
    """``item 3`` -> ``elementul 3``; the default position -> ``pașaportul``."""
    word, _, rest = position.partition(" ")
    return f"{_POSITIONS_RO[word]} {rest}" if word in _POSITIONS_RO else "pașaportul"


def _position(position: str) -> Localized:
    """Where an item sits, in each language (``item 3``, ``elementul 3``, ``элемент 3``)."""
    word, _, rest = position.partition(" ")
    ru = f"{_POSITIONS_RU[word]} {rest}" if word in _POSITIONS_RU else \
        "запись" if position == "the record" else "паспорт"
    return Localized({"en": position, "ro": _ro(position), "ru": ru})


def _check_identifiers(item: dict[str, Any]) -> None:
    """Codes, part keys and identifiers: visible text only (400 before the schema check)."""
    if isinstance(item.get("code"), str):
        gates.check_identifier(item["code"], field="code")
    for group in ("requirements", "evidence", "outputs", "costs", "channels"):
        parts = item.get(group)
        for n, part in enumerate(parts if isinstance(parts, list) else []):
            for name in ("key", "identifier"):
                if isinstance(part, dict) and isinstance(part.get(name), str):
                    gates.check_identifier(part[name], field=f"{group}.{n}.{name}")


def passport_from_data(item: Any, position: str = "the passport") -> Passport:
    """A :class:`Passport` from decoded JSON, or InvalidRecord listing every problem."""
    if not isinstance(item, dict):
        raise InvalidInput.of("intake.not_object", field=position,
                              expected="an object such as {\"code\": \"ASP-0001\", ...}",
                              position=_position(position))
    gates.check_storable_text(item)
    _check_identifiers(item)
    try:
        return Passport.model_validate(item)
    except ValidationError as exc:
        code = item.get("code") if isinstance(item.get("code"), str) else None
        findings = tuple(_finding(e, code or position) for e in exc.errors())
        raise InvalidRecord.of("intake.problems", report=ValidationReport(findings), value=code,
                               position=_position(position), count=len(findings)) from exc


def draft_of(p: Passport, base_uri: str) -> RecordDraft:
    iri = SERVICE.iri(base_uri, p.code)
    return RecordDraft(iri, "service", to_triples(p, iri), declared=SERVICE)


def record_from_data(kind: RecordKind, item: Any, position: str = "the record") -> BaseModel:
    """A record of ``kind`` from decoded JSON, or InvalidRecord listing every problem."""
    if kind.model is Passport:
        return passport_from_data(item, position if position != "the record" else
                                  "the passport")
    assert kind.model is not None
    if not isinstance(item, dict):
        raise InvalidInput.of("intake.not_object", field=position, expected="an object",
                              position=_position(position))
    gates.check_storable_text(item)
    if isinstance(item.get("code"), str):
        gates.check_identifier(item["code"], field="code")
    try:
        return kind.model.model_validate(item)
    except ValidationError as exc:
        code = item.get("code") if isinstance(item.get("code"), str) else None
        findings = tuple(_finding(e, code or position) for e in exc.errors())
        raise InvalidRecord.of("intake.problems", report=ValidationReport(findings), value=code,
                               position=_position(position), count=len(findings)) from exc


def draft_from_data(kind: RecordKind, item: Any, base_uri: str,
                    position: str = "the record") -> RecordDraft:
    """The draft of a record of ``kind`` from its plain JSON (the rules every record keeps,
    :func:`catalog.intake.checks.check_record`, are checked on the draft)."""
    assert kind.mapping is not None
    record = record_from_data(kind, item, position)
    code = getattr(record, "code", None)
    if not isinstance(code, str):
        raise InvalidInput.of("intake.no_code", field="code", expected="a code",
                              position=_position(position))
    iri = kind.iri(base_uri, kind.check_code(code))
    return RecordDraft(iri, kind.name, kind.mapping.to_triples(record, iri), declared=kind)


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
                    expected_iri: str | None = None) -> RecordDraft:
    """The draft of one passport from a request body (JSON, CSV of one row, or RDF)."""
    return single_record(SERVICE, data, media, settings, expected_iri)


def single_record(kind: RecordKind, data: bytes, media: str, settings: Settings,
                  expected_iri: str | None = None) -> RecordDraft:
    """The draft of one record of ``kind`` from a request body (its plain JSON, RDF, or, for
    passports, a CSV of one row)."""
    gates.check_size(data, settings.max_record_bytes,
                     what="the passport" if kind is SERVICE else "the record")
    if media in JSON_MEDIA:
        text = gates.decode_utf8(data, what="JSON body")
        doc = rdfio.load_json(text, max_nesting=settings.max_nesting)
        draft = draft_from_data(kind, doc, settings.base_uri)
    elif media == CSV_MEDIA and kind.model is Passport:
        from catalog.records import csvformat

        rows = list(csvformat.iter_csv(data))
        if len(rows) != 1:
            raise InvalidInput.of("csv.one_passport", expected="a header and one row",
                                  count=len(rows))
        if rows[0].passport is None:
            raise _row_error(rows[0])
        draft = draft_of(rows[0].passport, settings.base_uri)
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


def bulk_items(data: bytes, media_or_name: str, settings: Settings) -> list[BulkItem]:
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
                read.append((position, draft_of(passport_from_data(item, position),
                                                settings.base_uri)))
            except CatalogError as exc:
                read.append((position, Unreadable(position, exc)))
    elif name == CSV_MEDIA or name.endswith(".csv"):
        from catalog.records import csvformat

        for row in csvformat.iter_csv(data):
            if len(read) >= limit:
                raise _too_many(limit)
            position = f"row {row.row}"
            read.append((position, Unreadable(position, _row_error(row))
                         if row.passport is None else draft_of(row.passport,
                                                               settings.base_uri)))
    else:
        quads = rdfio.parse(data, rdfio.format_for(media_or_name), base_iri=settings.base_uri,
                            max_bytes=settings.max_bulk_bytes, max_nesting=settings.max_nesting)
        records = split(quads)
        if len(records) > limit:
            raise _too_many(limit)
        read = [(f"item {n}", d) for n, d in enumerate(records, 1)]
    return [_checked(position, item, settings) for position, item in read]


def _checked(position: str, item: RecordDraft | Unreadable, settings: Settings) -> BulkItem:
    """The record, or why it is refused before validation (the others are imported)."""
    if isinstance(item, Unreadable):
        return item
    try:
        checks.check_record(item, settings)
    except CatalogError as exc:
        return Unreadable(position, exc, iri=item.iri, kind=item.kind, code=item.code)
    return item
