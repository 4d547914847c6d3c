"""What every record read from a client must be, whatever its format, before validation.

- no larger than ``SEMCAT_MAX_RECORD_TRIPLES`` triples (413), no literal longer than
  ``SEMCAT_MAX_LITERAL_BYTES`` (400 naming its property);
- text that can be stored and shown safely: no NUL or lone surrogates anywhere, no
  bidirectional overrides or control characters in any literal, no invisible characters in
  IRIs and codes, no IRI whose scheme runs code (400);
- nothing the server owns stated on the record's root: status, dates, owner, author,
  provenance (:data:`catalog.records.kinds.SERVER_OWNED`; 422, one finding per property);
- every literal well typed for its XSD datatype, on any property, whether a shape mentions it
  or not (``"notadate"^^xsd:date`` is a 422, one finding per literal).
"""

from __future__ import annotations

import re
from datetime import date

import pyoxigraph as ox

from catalog import gates
from catalog.errors import InvalidRecord, TooLarge
from catalog.messages import render
from catalog.namespaces import DCT, SC, XSD
from catalog.records import RecordDraft
from catalog.records.kinds import SERVER_OWNED
from catalog.settings import Settings
from catalog.validation import Finding, ValidationReport

_IDENTIFIERS = frozenset({DCT + "identifier", SC + "institutionCode"})
#: findings listed at most per refusal (the count in the message stays exact)
_MAX_FINDINGS = 50


def check_record(draft: RecordDraft, settings: Settings) -> None:
    """Refuse ``draft`` unless it keeps every rule of the module's docstring."""
    limit = max(settings.max_record_triples,
                draft.spec.max_triples if draft.spec and draft.spec.max_triples else 0)
    if len(draft.triples) > limit:
        raise TooLarge.of("intake.too_many_triples", field="triples", value=draft.iri,
                          expected=f"<= {limit} triples", count=len(draft.triples),
                          limit=limit)
    check_text(draft, settings.max_literal_bytes)
    check_server_owned(draft)
    check_datatypes(draft)


def check_text(draft: RecordDraft, max_literal_bytes: int | None = None) -> None:
    """NUL and lone surrogates nowhere; no invisible or bidi characters in IRIs and codes; no
    bidi overrides or controls in literals, none longer than ``max_literal_bytes``."""
    iris: set[str] = set()  # each IRI checked once, however often the record names it
    for t in draft.triples:
        if isinstance(t.subject, ox.NamedNode):
            iris.add(t.subject.value)
        iris.add(t.predicate.value)
        obj = t.object
        if isinstance(obj, ox.NamedNode):
            iris.add(obj.value)
        elif isinstance(obj, ox.Literal):
            field = t.predicate.value
            gates.check_storable_text(obj.value, field)
            gates.check_text(obj.value, field=field, max_bytes=max_literal_bytes)
            if field in _IDENTIFIERS:
                gates.check_identifier(obj.value, field=field)
    for iri in sorted(iris):  # sorted: the same record is refused for the same IRI
        gates.check_identifier(iri, field=f"<{iri[:80]}>")
        gates.check_iri_scheme(iri, field=f"<{iri[:80]}>")


def _finding(focus: str, path: str, shown: str | None, message_id: str, constraint: str,
             **params: object) -> Finding:
    texts = render(message_id, **params)
    return Finding(focus=focus, path=path, value=shown, message_en=texts["en"],
                   message_ro=texts["ro"], message_ru=texts["ru"], severity="violation",
                   shape=None, constraint=constraint)


def _refuse(draft: RecordDraft, message_id: str, findings: list[Finding], count: int) -> None:
    raise InvalidRecord.of(message_id, report=ValidationReport(tuple(findings)),
                           field=findings[0].path, value=draft.iri, count=count)


def check_server_owned(draft: RecordDraft) -> None:
    """Refuse a record whose root states what the server owns (422, a finding a property)."""
    spec = draft.spec
    seen: dict[str, str] = {}
    for t in draft.triples:
        p = t.predicate.value
        if not isinstance(t.subject, ox.NamedNode) or t.subject.value != draft.iri \
                or p in seen:
            continue
        owned = spec.owned_by_server(p) if spec is not None else \
            p in SERVER_OWNED or any(p.startswith(ns) for ns in SERVER_OWNED if ns[-1] == "#")
        if owned:
            seen[p] = str(t.object)[:200]
    if seen:
        findings = [_finding(draft.iri, p, v, "intake.server_owned_property", "server-owned",
                             property=p) for p, v in seen.items()]
        _refuse(draft, "intake.server_owned", findings, len(findings))


# --- XSD datatypes ----------------------------------------------------------------------
_TZ = r"(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
_YEAR = r"-?([1-9][0-9]{3,}|0[0-9]{3})"
_DATE = _YEAR + r"-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
_TIME = r"(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|24:00:00(\.0+)?)"
_DECIMAL = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"
_INTEGER = r"[+-]?[0-9]+"
_LEXICAL: dict[str, re.Pattern[str]] = {name: re.compile(pattern) for name, pattern in {
    "boolean": r"true|false|1|0",
    "decimal": _DECIMAL,
    "integer": _INTEGER,
    "double": r"(" + _DECIMAL + r"([Ee][+-]?[0-9]+)?|[+-]?INF|NaN)",
    "float": r"(" + _DECIMAL + r"([Ee][+-]?[0-9]+)?|[+-]?INF|NaN)",
    "date": _DATE + _TZ,
    "dateTime": _DATE + "T" + _TIME + _TZ,
    "dateTimeStamp": _DATE + "T" + _TIME + r"(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))",
    "time": _TIME + _TZ,
    "gYear": _YEAR + _TZ,
    "gYearMonth": _YEAR + r"-(0[1-9]|1[0-2])" + _TZ,
    "gMonth": r"--(0[1-9]|1[0-2])" + _TZ,
    "gMonthDay": r"--(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])" + _TZ,
    "gDay": r"---(0[1-9]|[12][0-9]|3[01])" + _TZ,
    "duration": r"-?P(?=[0-9T])([0-9]+Y)?([0-9]+M)?([0-9]+D)?"
                r"(T(?=[0-9])([0-9]+H)?([0-9]+M)?([0-9]+(\.[0-9]+)?S)?)?",
    "yearMonthDuration": r"-?P(?=[0-9])([0-9]+Y)?([0-9]+M)?",
    "dayTimeDuration": r"-?P(?=[0-9T])([0-9]+D)?(T(?=[0-9])([0-9]+H)?([0-9]+M)?"
                       r"([0-9]+(\.[0-9]+)?S)?)?",
    "language": r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*",
    "hexBinary": r"([0-9a-fA-F]{2})*",
    "base64Binary": r"[A-Za-z0-9+/ ]*={0,2}",
}.items()}
#: the integer types derived from xsd:integer: (lowest, highest); None: unbounded
_INTEGER_RANGES: dict[str, tuple[int | None, int | None]] = {
    "integer": (None, None), "nonNegativeInteger": (0, None), "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0), "negativeInteger": (None, -1),
    "long": (-2**63, 2**63 - 1), "int": (-2**31, 2**31 - 1), "short": (-2**15, 2**15 - 1),
    "byte": (-128, 127), "unsignedLong": (0, 2**64 - 1), "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1), "unsignedByte": (0, 255)}
#: the other built-in datatypes: any text of theirs is accepted here
_ANY_TEXT = frozenset({"string", "normalizedString", "token", "anyURI", "Name", "NCName",
                       "NMTOKEN", "NMTOKENS", "ID", "IDREF", "IDREFS", "ENTITY", "ENTITIES",
                       "QName", "NOTATION", "anySimpleType", "anyAtomicType"})


def well_typed(lexical: str, datatype: str) -> bool:
    """Whether ``lexical`` is a value of ``datatype`` (XSD built-ins; any other datatype,
    ``rdf:langString``, ``geo:wktLiteral``..., is not checked here)."""
    if not datatype.startswith(XSD):
        return True
    name = datatype[len(XSD):]
    if name in _ANY_TEXT:
        return True
    text = lexical.strip(" \t\n\r")  # whitespace is collapsed before the lexical check
    if name in _INTEGER_RANGES:
        if not _LEXICAL["integer"].fullmatch(text):
            return False
        low, high = _INTEGER_RANGES[name]
        value = int(text)
        return (low is None or value >= low) and (high is None or value <= high)
    pattern = _LEXICAL.get(name)
    if pattern is None:  # not a datatype of XML Schema at all (a typo: xsd:dat)
        return False
    if not pattern.fullmatch(text):
        return False
    if name in ("date", "dateTime", "dateTimeStamp"):
        return _real_day(text)
    return True


def _real_day(text: str) -> bool:
    """No 30 February: the day exists in its month (years outside 1-9999 are not checked)."""
    m = re.match(r"(-?[0-9]{4,})-([0-9]{2})-([0-9]{2})", text)
    if m is None:
        return False
    year, month, day = (int(g) for g in m.groups())
    if not 1 <= year <= 9999:
        return True
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def check_datatypes(draft: RecordDraft) -> None:
    """Refuse a record with an ill-typed literal on any property (422, a finding each)."""
    findings: list[Finding] = []
    count = 0
    for t in draft.triples:
        o = t.object
        if isinstance(o, ox.Literal) and o.language is None \
                and not well_typed(o.value, o.datatype.value):
            count += 1
            if len(findings) < _MAX_FINDINGS:
                findings.append(_finding(
                    str(t.subject), t.predicate.value, o.value[:200], "intake.ill_typed_literal",
                    "datatype", value=o.value[:80], datatype=o.datatype.value))
    if findings:
        _refuse(draft, "intake.ill_typed", findings, count)
