"""A service passport sent as plain JSON, read into a :class:`Passport` with every problem found
at once, each naming its JSON field.

The problems, in Romanian, English and Russian like a SHACL report:

- what the JSON model refuses (a missing field, a number that is not one, an unknown field);
- a short code a person typed where the profile has a code list (``citizen``, ``EUR``, ``RON``):
  turned into the concept's IRI through a :class:`~catalog.records.codes.CodeLookup`, or
  refused naming the codes the list has;
- a value that must be an IRI and is not one (it could not be stored as RDF);
- an empty text in a language (``"title": {"ro": ""}``).

:func:`examine` finds them all; :func:`passport_from_data` refuses a passport that has any
(:class:`~catalog.errors.InvalidRecord`); :func:`stand_in` is the passport with each bad value
replaced by a stand-in, for a dry run that still wants the profile's SHACL verdict on the rest.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from pydantic import ValidationError

from catalog import gates
from catalog.errors import InvalidInput, InvalidRecord
from catalog.intake import checks
from catalog.messages import Localized, render
from catalog.records import RecordDraft
from catalog.records.builtin import SERVICE
from catalog.records.codes import CodeLookup, choices, find, is_iri
from catalog.records.passport import CODED_FIELDS, IRI_FIELDS, Passport, field_path, to_triples
from catalog.records.template import drop_read_only
from catalog.settings import Settings
from catalog.validation import Finding, ValidationReport

#: fields the server sets; a request that sends them is told so
SERVER_FIELDS = frozenset({"status", "version", "owner", "institution", "published_version",
                           "iri", "created_at", "author"})
PARTS = ("requirements", "evidence", "outputs", "costs", "channels")
#: what stands in for a value that could not be read, in a dry run's passport
STAND_IN_IRI = "urn:semcat:invalid"
_STAND_INS: dict[str, Any] = {"code": "XX-0000", "title": {}, "competent_authority":
                              STAND_IN_IRI, "identifier": "", "value": 0.0,
                              "currency": STAND_IN_IRI, "type": STAND_IN_IRI}
_GONE = object()

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


def model_finding(err: Any, focus: str) -> Finding:
    """A finding of one error of the JSON model (pydantic), at its field."""
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
                   severity="violation", shape=None, constraint=kind, field=where)


def _rendered(focus: str, where: str, value: str | None, message_id: str, constraint: str,
              **params: Any) -> Finding:
    texts = render(message_id, field=where, value=value, **params)
    return Finding(focus=focus, path=where, value=value, message_en=texts["en"],
                   message_ro=texts["ro"], message_ru=texts["ru"], severity="violation",
                   shape=None, constraint=constraint, field=where)


@dataclass
class Examined:
    """What reading a passport found: the passport (None when anything is wrong), the
    problems, and the document with the short codes turned into IRIs."""

    passport: Passport | None
    findings: list[Finding]
    document: dict[str, Any]


def _slots(doc: dict[str, Any], pattern: str) -> list[tuple[str, Any, Any]]:
    """(JSON path, container, key) of every value at ``pattern`` (``costs.*.currency``; a list
    field gives one slot per item)."""
    out: list[tuple[str, Any, Any]] = []
    head, _, rest = pattern.partition(".*.")
    if rest:
        parts = doc.get(head)
        for n, part in enumerate(parts if isinstance(parts, list) else []):
            if not isinstance(part, dict) or rest not in part:
                continue
            value = part[rest]
            if isinstance(value, list):
                out += [(f"{head}.{n}.{rest}.{i}", value, i) for i in range(len(value))]
            else:
                out.append((f"{head}.{n}.{rest}", part, rest))
        return out
    value = doc.get(head)
    if isinstance(value, list):
        return [(f"{head}.{i}", value, i) for i in range(len(value))]
    return [(head, doc, head)] if head in doc else []


def _codes_and_iris(doc: dict[str, Any], codes: CodeLookup | None, focus: str
                    ) -> list[Finding]:
    """Short codes turned into concept IRIs in place; a finding for each unknown code and
    each value that must be an IRI and is not one."""
    findings: list[Finding] = []
    for pattern in IRI_FIELDS:
        spec = CODED_FIELDS.get(pattern)
        for where, box, key in _slots(doc, pattern):
            value = box[key]
            if not isinstance(value, str) or (value and is_iri(value)):
                continue  # the JSON model reports what is not text
            concept = find(codes, spec, value) if spec is not None and value.strip() else None
            if concept is not None:
                box[key] = concept.iri
            elif spec is not None and choices(codes, spec):
                known = ", ".join(c.codes[0] for c in choices(codes, spec) if c.codes)
                findings.append(_rendered(focus, where, value[:200], "intake.unknown_code",
                                          "code", codes=known))
            else:
                findings.append(_rendered(focus, where, value[:200], "intake.not_iri", "iri"))
    return findings


def _blank_texts(doc: dict[str, Any], focus: str) -> list[Finding]:
    """A finding for each empty text of a language (title, description, registry source,
    keywords), in the service and its parts."""
    holders: list[tuple[str, Any]] = [("", doc)]
    for group in PARTS:
        parts = doc.get(group)
        holders += [(f"{group}.{n}.", p) for n, p in
                    enumerate(parts if isinstance(parts, list) else []) if isinstance(p, dict)]
    findings: list[Finding] = []
    for prefix, holder in holders:
        for name in ("title", "description", "registry_source"):
            texts = holder.get(name)
            for lang, text in (texts.items() if isinstance(texts, dict) else []):
                if isinstance(text, str) and not text.strip():
                    findings.append(_rendered(focus, f"{prefix}{name}.{lang}", None,
                                              "intake.blank_text", "blank"))
    words = doc.get("keywords")
    for lang, listed in (words.items() if isinstance(words, dict) else []):
        for n, word in enumerate(listed if isinstance(listed, list) else []):
            if isinstance(word, str) and not word.strip():
                findings.append(_rendered(focus, f"keywords.{lang}.{n}", None,
                                          "intake.blank_text", "blank"))
    return findings


def _check_identifiers(item: dict[str, Any]) -> None:
    """Codes, part keys and identifiers: visible text only (400 before the schema check)."""
    if isinstance(item.get("code"), str):
        gates.check_identifier(item["code"], field="code")
    for group in PARTS:
        parts = item.get(group)
        for n, part in enumerate(parts if isinstance(parts, list) else []):
            for name in ("key", "identifier"):
                if isinstance(part, dict) and isinstance(part.get(name), str):
                    gates.check_identifier(part[name], field=f"{group}.{n}.{name}")


def position_words(position: str) -> Localized:
    """Where an item sits, in each language (``item 3``, ``elementul 3``, ``элемент 3``)."""
    word, _, rest = position.partition(" ")
    ro_words = {"item": "elementul", "line": "linia", "row": "rândul"}
    ru_words = {"item": "элемент", "line": "строка", "row": "строка"}
    ro = f"{ro_words[word]} {rest}" if word in ro_words else "pașaportul"
    ru = f"{ru_words[word]} {rest}" if word in ru_words else \
        "запись" if position == "the record" else "паспорт"
    return Localized({"en": position, "ro": ro, "ru": ru})


def examine(item: Any, codes: CodeLookup | None = None, position: str = "the passport"
            ) -> Examined:
    """Every problem of a passport's JSON at once (InvalidInput when it is not an object, or
    holds text that cannot be stored or invisible characters in identifiers)."""
    if not isinstance(item, dict):
        raise InvalidInput.of("intake.not_object", field=position,
                              expected="an object such as {\"code\": \"ASP-0001\", ...}",
                              position=position_words(position))
    gates.check_storable_text(item)
    _check_identifiers(item)
    doc = copy.deepcopy(item)
    drop_read_only(doc)  # what a read added (the inherited fields are the entry's)
    code = doc.get("code") if isinstance(doc.get("code"), str) else None
    focus = code or position
    findings = _codes_and_iris(doc, codes, focus) + _blank_texts(doc, focus)
    seen = {f.field for f in findings}
    try:
        passport: Passport | None = Passport.model_validate(doc)
    except ValidationError as exc:
        passport = None
        findings += [f for f in (model_finding(e, focus) for e in exc.errors())
                     if f.field not in seen]
    return Examined(None if findings else passport, findings, doc)


def passport_from_data(item: Any, position: str = "the passport",
                       codes: CodeLookup | None = None) -> Passport:
    """A :class:`Passport` from decoded JSON, or InvalidRecord listing every problem."""
    found = examine(item, codes, position)
    if found.passport is None:
        code = found.document.get("code")
        code = code if isinstance(code, str) else None
        raise InvalidRecord.of("intake.problems", report=ValidationReport(
            tuple(found.findings)), value=code, position=position_words(position),
            count=len(found.findings))
    return found.passport


# --- a dry run's stand-in passport ---------------------------------------------------------
def _put(doc: Any, loc: tuple[Any, ...], value: Any) -> bool:
    box = doc
    for step in loc[:-1]:
        try:
            box = box[step]
        except (KeyError, IndexError, TypeError):
            return False
    last = loc[-1]
    if isinstance(box, dict) and isinstance(last, str):
        if value is _GONE:
            box.pop(last, None)
        else:
            box[last] = value
        return True
    if isinstance(box, list) and isinstance(last, int) and last < len(box):
        box[last] = value
        return True
    return False


def _stand_in_for(loc: tuple[Any, ...], kind: str) -> Any:
    """What replaces a bad value at ``loc``: a stand-in for a required field, nothing for the
    others (an item of a list of IRIs: the stand-in IRI; a part that is not an object: {})."""
    last = loc[-1]
    if kind == "extra_forbidden":
        return _GONE
    if isinstance(last, str) and last in _STAND_INS:
        return copy.deepcopy(_STAND_INS[last])
    if last == "key" and len(loc) == 3:
        return f"{loc[0]}/{int(loc[1]) + 1}"
    if isinstance(last, int) and len(loc) == 2:
        return {} if loc[0] in PARTS else STAND_IN_IRI
    return _GONE


def _drop_gone(value: Any) -> Any:
    if isinstance(value, list):
        return [_drop_gone(v) for v in value if v is not _GONE]
    if isinstance(value, dict):
        return {k: _drop_gone(v) for k, v in value.items() if v is not _GONE}
    return value


def stand_in(found: Examined) -> Passport | None:
    """The passport with every value the checks refused replaced by a stand-in (a required
    field) or left out (the others), so SHACL can judge the rest; None when the JSON is too
    far from a passport for that."""
    if found.passport is not None:
        return found.passport
    doc = copy.deepcopy(found.document)
    for f in found.findings:  # short codes, IRIs and blank texts found before the model
        if f.constraint in ("code", "iri", "blank") and f.field:
            loc = tuple(int(s) if s.isdigit() else s for s in f.field.split("."))
            _put(doc, loc, STAND_IN_IRI if f.constraint != "blank" else _GONE)
    doc = _drop_gone(doc)
    for _attempt in range(6):
        try:
            return Passport.model_validate(doc)
        except ValidationError as exc:
            changed = False
            for e in exc.errors():
                loc = tuple(e["loc"])
                if loc:
                    changed |= _put(doc, loc, _stand_in_for(loc, e["type"]))
            if not changed:
                return None
            doc = _drop_gone(doc)
    return None


# --- the dry run -----------------------------------------------------------------------------
def dry_run(item: Any, settings: Settings, validate: Callable[[RecordDraft], ValidationReport],
            codes: CodeLookup | None = None) -> tuple[str, ValidationReport]:
    """Every problem of a passport's JSON at once, as a write would find them, with nothing
    stored: the structural ones (:func:`examine`) and the profile's SHACL verdict on the rest
    (each bad value replaced by a stand-in), every finding with its JSON ``field`` where it
    can be placed; a SHACL finding about a field already reported is left out."""
    found = examine(item, codes)
    findings = list(found.findings)
    passport = stand_in(found)
    code = found.document.get("code")
    iri = SERVICE.iri(settings.base_uri, passport.code if passport is not None else
                      code if isinstance(code, str) and found.passport else "XX-0000")
    if passport is not None:
        draft = RecordDraft(iri, "service", to_triples(passport, iri), declared=SERVICE)
        checks.check_record(draft, settings)
        reported = {f.field for f in findings if f.field}
        said: set[tuple[str | None, str]] = set()
        for f in validate(draft).findings:
            where = field_path(passport, iri, f.focus, f.path, f.shape)
            if where is not None and any(where == r or where.startswith(r + ".")
                                         or r.startswith(where + ".") for r in reported):
                continue
            if (where, f.message_en) not in said:
                said.add((where, f.message_en))
                findings.append(replace(f, field=where))
    findings.sort(key=lambda f: (f.severity != "violation", f.field is None, f.field or ""))
    return iri, ValidationReport(tuple(findings))
