"""What changed between two versions of a record: sentences in Romanian and English for people,
and the RDF delta for machines (:mod:`catalog.records.rdfdelta`). Pure functions: no I/O, no
database.

A kind's :class:`Form` says how its JSON reads: its fields in order, each with its label, its
shape and how a value reads; :func:`form_of` derives one from a plain model, and the service
passport has its own (:data:`PASSPORT_FORM`).

Order of a passport's field changes (stable): the fields in :data:`FIELD_ORDER` (its form: code,
title,
description, competent authority, legal basis, audiences, life events, thematic areas, keywords,
languages, territory, related services, processing time, then the parts: requirements, evidence,
outputs, costs, channels). Within a language map: ro, en, ru, then other tags alphabetically
(no tag last, path ``.@none``). Within a list: the removed entries in their old order, then the
added ones in their new order. Parts are matched by ``key``: those of the old version in their
order (removed, or compared field by field in the model's field order), then the new ones.
A value that differs only in form (list order, an empty keyword list) gives one ``changed``
entry, so ``diff_passports(a, b)`` is empty exactly when ``a == b``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Final, Literal, TypeAlias, get_args

from pydantic import BaseModel

from catalog.records.passport import Channel, Cost, Evidence, Output, Passport, Requirement
from catalog.records.rdfdelta import RdfDelta, rdf_delta
from catalog.records.wording import (
    ARTICLE,
    Words,
    amount,
    humanise_duration,
    lang_order,
    pick_lang,
    ro_count,
    segment,
    with_lang,
)

__all__ = ["FIELD_LABELS", "FIELD_ORDER", "PASSPORT_FORM", "FieldChange", "Form",
           "PassportDiff", "RdfDelta", "RecordDiff", "diff_passports", "diff_records",
           "diff_versions", "form_of", "humanise_duration", "rdf_delta"]

Json: TypeAlias = "str | int | float | bool | list[Json] | dict[str, Json] | None"
Kind = Literal["added", "removed", "changed"]
Label = Callable[[str], dict[str, str] | None]


Render: TypeAlias = Callable[[Json], Words]
# Field -> (label, shape, how a value reads). Shapes: scalar, langmap, list, langlists.
_TOP: Final[dict[str, tuple[Words, str, str]]] = {
    "code": (Words("Code", "Codul"), "scalar", "text"),
    "title": (Words("Title", "Denumirea", True), "langmap", "text"),
    "description": (Words("Description", "Descrierea", True), "langmap", "text"),
    "competent_authority": (Words("Competent authority", "Autoritatea competentă", True),
                            "scalar", "iri"),
    "legal_resources": (Words("Legal basis", "Temeiul juridic"), "list", "iri"),
    "audiences": (Words("Audience", "Categoriile de beneficiari"), "list", "iri"),
    "life_events": (Words("Life events", "Evenimentele de viață"), "list", "iri"),
    "thematic_areas": (Words("Thematic areas", "Domeniile tematice"), "list", "iri"),
    "keywords": (Words("Keywords", "Cuvintele-cheie"), "langlists", "text"),
    "languages": (Words("Languages", "Limbile"), "list", "iri"),
    "spatial": (Words("Territorial coverage", "Aria teritorială", True), "list", "iri"),
    "related_services": (Words("Related services", "Serviciile conexe"), "list", "iri"),
    "processing_time": (Words("Processing time", "Termenul de prestare"), "scalar", "duration"),
}
# Part list -> (one part, the list in a summary).
_PARTS: Final[dict[str, tuple[Words, Words]]] = {
    "requirements": (Words("Requirement", "Cerința", True), Words("requirements", "cerințele")),
    "evidence": (Words("Required document", "Documentul necesar"),
                 Words("required documents", "documentele necesare")),
    "outputs": (Words("Output", "Rezultatul"), Words("outputs", "rezultatele")),
    "costs": (Words("Cost", "Costul"), Words("costs", "costurile")),
    "channels": (Words("Channel", "Canalul"), Words("channels", "canalele")),
}
_PART_FIELDS: Final[dict[str, tuple[Words, str, str]]] = {
    "identifier": (Words("identifier", "identificatorul"), "scalar", "text"),
    "title": (Words("title", "denumirea", True), "langmap", "text"),
    "description": (Words("description", "descrierea", True), "langmap", "text"),
    "type": (Words("type", "tipul"), "scalar", "iri"),
    "obtained_by_authority": (Words("obtained by the authority from a registry (once-only)",
                                 "obținerea de către autoritate din registru "
                                 "(principiul „o singură dată”)", True), "scalar", "flag"),
    "registry_source": (Words("registry source", "registrul sursă"), "langmap", "text"),
    "data_service": (Words("data service", "serviciul de date"), "scalar", "iri"),
    "data_element": (Words("data element", "elementul de date"), "scalar", "iri"),
    "value": (Words("value", "valoarea", True), "scalar", "amount"),
    "currency": (Words("currency", "moneda", True), "scalar", "iri"),
    "owned_by": (Words("owner", "titularul"), "scalar", "iri"),
    "locations": (Words("locations", "locațiile"), "list", "iri"),
    "url": (Words("web address", "adresa web", True), "scalar", "plain"),
}
#: The order of the form, which is the order of the changes.
FIELD_ORDER: Final[tuple[str, ...]] = (*_TOP, *_PARTS)
#: Human label of every field: ``title``, ``evidence``, ``evidence.obtained_by_authority``...
FIELD_LABELS: Final[dict[str, dict[str, str]]] = {
    **{k: {"ro": w.ro, "en": w.en} for k, (w, _, _) in _TOP.items()},
    **{k: {"ro": w.ro, "en": w.en} for k, (w, _) in _PARTS.items()},
    **{f"{group}.{name}": {"ro": _PART_FIELDS[name][0].ro, "en": _PART_FIELDS[name][0].en}
       for group, model in (("requirements", Requirement), ("evidence", Evidence),
                            ("outputs", Output), ("costs", Cost), ("channels", Channel))
       for name in model.model_fields if name != "key"},
}


@dataclass(frozen=True)
class Form:
    """How a kind's JSON reads in a diff. ``top``: field -> (label, shape, how a value reads),
    shapes ``scalar``, ``langmap``, ``list``, ``langlists``, readings ``text``, ``iri``,
    ``duration``, ``flag``, ``amount``, ``plain``; ``parts``: list of parts (matched by their
    ``key``) -> (one part, the list in a summary), whose fields read by ``part_fields``."""

    top: Mapping[str, tuple[Words, str, str]]
    parts: Mapping[str, tuple[Words, Words]] = field(default_factory=dict)
    part_fields: Mapping[str, tuple[Words, str, str]] = field(default_factory=dict)
    noun: Words = field(default_factory=lambda: Words("record", "înregistrării"))

    @property
    def order(self) -> tuple[str, ...]:
        return (*self.top, *self.parts)

    def topic(self, name: str) -> Words:
        return self.parts[name][1] if name in self.parts else self.top[name][0]


PASSPORT_FORM: Final = Form(_TOP, _PARTS, _PART_FIELDS, Words("passport", "pașaportului"))


def form_of(model: type[BaseModel], labels: Mapping[str, Mapping[str, str]],
            iri_fields: Sequence[str] = ()) -> Form:
    """The form of a plain model: each field in declaration order, its shape from its type
    (a language map, language lists, a list or a scalar), IRIs read by the names of what they
    point to, labels from ``labels`` (else the field's name)."""
    top: dict[str, tuple[Words, str, str]] = {}
    for name, info in model.model_fields.items():
        hint = str(info.annotation)
        if any(isinstance(arg, type) and issubclass(arg, BaseModel)
               for arg in get_args(info.annotation)):
            continue  # lists of parts (an asset's elements) have diffs of their own
        if "dict[str, list[str]]" in hint:
            shape = "langlists"
        elif "dict[str, str]" in hint:
            shape = "langmap"
        elif hint.startswith("list["):
            shape = "list"
        else:
            shape = "scalar"
        how = "iri" if name in iri_fields else "flag" if info.annotation is bool else "text"
        words = labels.get(name, {})
        plain = name.replace("_", " ").capitalize()
        top[name] = (Words(words.get("en", plain), words.get("ro", plain)), shape, how)
    return Form(top)


@dataclass(frozen=True)
class FieldChange:
    """One change of one field (or one list entry, or one part), with a sentence per language."""

    path: str
    kind: Kind
    old: Json
    new: Json
    text: dict[str, str]

    def to_dict(self) -> dict[str, Json]:
        return asdict(self)


@dataclass(frozen=True)
class RecordDiff:
    """The answer of ``GET /api/v1/{kind}/{code}/diff?from=N&to=M``."""

    from_version: int
    to_version: int
    changes: list[FieldChange]
    rdf: RdfDelta
    form: Form = field(default=PASSPORT_FORM, compare=False, repr=False)

    @property
    def summary(self) -> dict[str, str]:
        n = len(self.changes)
        if n == 0:
            k = len(self.rdf.added) + len(self.rdf.removed)
            if k == 0:
                return {"ro": "Nicio modificare", "en": "No changes"}
            return {"ro": f"Nicio modificare a câmpurilor {self.form.noun.ro}; "
                          f"diferă {ro_count(k, 'triplet', 'triplete')} RDF",
                    "en": f"No changes to the {self.form.noun.en} fields; {k} RDF "
                          f"{'triple differs' if k == 1 else 'triples differ'}"}
        topics = list(dict.fromkeys(re.split(r"[.\[]", c.path, maxsplit=1)[0]
                                    for c in self.changes))
        words = [self.form.topic(t) for t in topics]
        ro, en = (", ".join(x[:1].lower() + x[1:] for x in xs)
                  for xs in ([w.ro for w in words], [w.en for w in words]))
        return {"ro": f"{ro_count(n, 'modificare', 'modificări')}: {ro}",
                "en": f"{n} change{'' if n == 1 else 's'}: {en}"}

    def to_dict(self) -> dict[str, Json]:
        return {"from": self.from_version, "to": self.to_version, "summary": dict(self.summary),
                "changes": [c.to_dict() for c in self.changes], "rdf": self.rdf.to_dict()}


def diff_versions(from_version: int, to_version: int, old: BaseModel | None,
                  new: BaseModel | None, old_canonical: str, new_canonical: str, *,
                  label: Label, form: Form = PASSPORT_FORM) -> RecordDiff:
    """Field changes and RDF delta between two stored versions of one record (a record of a
    kind without a JSON model: the RDF delta alone)."""
    changes = [] if old is None or new is None else diff_records(
        form, old.model_dump(mode="json"), new.model_dump(mode="json"), label=label)
    return RecordDiff(from_version, to_version, changes, rdf_delta(old_canonical, new_canonical),
                      form)


def diff_passports(old: Passport, new: Passport, *, label: Label) -> list[FieldChange]:
    """Every change from ``old`` to ``new``, in the documented order. ``label(iri)`` names the
    resources passports point to (None: the IRI, or a code-list concept's last segment); an ELI
    article ``.../art/N`` reads as its act's name, then its own ("Law no. 1/2020, art. 5")."""
    return diff_records(PASSPORT_FORM, old.model_dump(mode="json"), new.model_dump(mode="json"),
                        label=label)


def diff_records(form: Form, olds: dict[str, Any], news: dict[str, Any], *, label: Label
                 ) -> list[FieldChange]:
    """Every change from the JSON ``olds`` to ``news`` of one kind, in its form's order."""
    show = _Show(label)
    out: list[FieldChange] = []
    for name in form.order:
        a, b = olds.get(name), news.get(name)
        if name in form.parts:
            out += _diff_parts(form, name, a or [], b or [], show)
        else:
            words, shape, kind = form.top[name]
            render = show.of(kind)
            out += _diff_field(name, words, words, shape, render, render, a, b)
    return out


def nothing_of(form: Form) -> dict[str, Any]:
    """A record of ``form``'s kind with every field empty: what a first version is compared
    with (each of its fields then reads as added)."""
    empty: dict[str, Any] = {"scalar": None, "list": []}
    return {name: [] if name in form.parts else empty.get(form.top[name][1], {})
            for name in form.order}


class _Show:
    """How values read, with the labels of referenced resources looked up once each."""

    def __init__(self, label: Label) -> None:
        self._label = label
        self._cache: dict[str, dict[str, str] | None] = {}

    def name(self, iri: str) -> dict[str, str] | None:
        if iri not in self._cache:
            self._cache[iri] = self._label(iri) or None
        return self._cache[iri]

    def ref(self, iri: str) -> Words:
        if "/codelist/" in iri or "/resource/authority/" in iri:
            names = self.name(iri) or {}
            seg = segment(iri)
            return Words(pick_lang(names, "en") or seg, pick_lang(names, "ro") or seg)
        own = self.name(iri)
        m = ARTICLE.fullmatch(iri)
        act = self.name(m["act"]) if m else None
        if m and act:
            art = own or {"en": f"art. {m['n']}", "ro": f"art. {m['n']}"}
            en, ro = (f"{pick_lang(act, lg)}, {pick_lang(art, lg)}" for lg in ("en", "ro"))
        elif own:
            en, ro = pick_lang(own, "en") or iri, pick_lang(own, "ro") or iri
        else:
            return Words(iri, iri)
        return Words(f"{en} ({iri})", f"{ro} ({iri})")

    def of(self, kind: str, part: dict[str, Any] | None = None) -> Render:
        def render(v: Json) -> Words:
            if kind == "iri":
                return self.ref(str(v))
            if kind == "duration":
                h = humanise_duration(str(v))
                return Words(h["en"], h["ro"])
            if kind == "flag":
                return Words("yes", "da") if v else Words("no", "nu")
            if kind == "amount" and isinstance(v, int | float):
                cur = segment(part["currency"]) if part and part.get("currency") else ""
                return Words(f"{amount(float(v), 'en')} {cur}".strip(),
                          f"{amount(float(v), 'ro')} {cur}".strip())
            return Words(f"'{v}'", f"„{v}”") if kind == "text" else Words(str(v), str(v))
        return render


# --- field changes -------------------------------------------------------------------------
def _scalar(path: str, s: Words, old_r: Render, new_r: Render, a: Json, b: Json
            ) -> list[FieldChange]:
    if a == b:
        return []
    if a is None:
        n = new_r(b)
        text = {"ro": f"{s.ro} a fost {s.done('adăugat')}: {n.ro}", "en": f"{s.en} added: {n.en}"}
        return [FieldChange(path, "added", None, b, text)]
    o = old_r(a)
    if b is None:
        text = {"ro": f"{s.ro} a fost {s.done('eliminat')} (era {o.ro})",
                "en": f"{s.en} removed (was {o.en})"}
        return [FieldChange(path, "removed", a, None, text)]
    n = new_r(b)
    text = {"ro": f"{s.ro} s-a modificat din {o.ro} în {n.ro}",
            "en": f"{s.en} changed from {o.en} to {n.en}"}
    return [FieldChange(path, "changed", a, b, text)]


def _items(path: str, s: Words, render: Render, a: Sequence[str], b: Sequence[str]
           ) -> list[FieldChange]:
    out: list[FieldChange] = []
    steps: tuple[tuple[Sequence[str], Counter[str], Kind, str], ...] = (
        (a, Counter(a) - Counter(b), "removed", "eliminat"),
        (b, Counter(b) - Counter(a), "added", "adăugat"))
    for items, extra, kind, ro in steps:
        for item in (i for i in items if extra[i]):
            extra[item] -= 1
            w = render(item)
            text = {"ro": f"{s.ro}: s-a {ro} {w.ro}", "en": f"{s.en}: {kind} {w.en}"}
            out.append(FieldChange(path, kind, item if kind == "removed" else None,
                                   item if kind == "added" else None, text))
    return out


def _diff_field(path: str, s: Words, list_s: Words, shape: str, old_r: Render, new_r: Render,
                a: Any, b: Any) -> list[FieldChange]:
    out: list[FieldChange] = []
    if shape == "scalar":
        out = _scalar(path, s, old_r, new_r, a, b)
    elif shape == "list":
        out = _items(path, list_s, new_r, a, b)
    else:
        for lang in lang_order([*a, *b]):
            sub = f"{path}.{lang or '@none'}"
            if shape == "langmap":
                out += _scalar(sub, with_lang(s, lang), old_r, new_r, a.get(lang), b.get(lang))
            else:
                out += _items(sub, with_lang(list_s, lang), new_r, a.get(lang, []),
                              b.get(lang, []))
    if not out and a != b:
        out = [_form_only(path, list_s if shape in ("list", "langlists") else s, a, b)]
    return out


def _form_only(path: str, s: Words, a: Any, b: Any) -> FieldChange:
    return FieldChange(path, "changed", a, b,
                       {"ro": f"{s.ro}: s-a modificat doar forma (același conținut)",
                        "en": f"{s.en}: changed in form only (same content)"})


def _title(part: dict[str, Any]) -> Words:
    en, ro = (pick_lang(part["title"], lg) or part["identifier"] or part["key"]
              for lg in ("en", "ro"))
    return Words(f"'{en}'", f"„{ro}”")


def _diff_parts(form: Form, group: str, olds: list[dict[str, Any]], news: list[dict[str, Any]],
                show: _Show) -> list[FieldChange]:
    one, many = form.parts[group]
    waiting: dict[str, list[dict[str, Any]]] = {}
    for p in news:
        waiting.setdefault(p["key"], []).append(p)
    pairs: list[tuple[dict[str, Any] | None, dict[str, Any] | None]] = [
        (p, waiting[p["key"]].pop(0) if waiting.get(p["key"]) else None) for p in olds]
    pairs += [(None, p) for p in news if any(p is q for q in waiting[p["key"]])]
    out: list[FieldChange] = []
    for a, b in pairs:
        part = b or a or {}
        t = _title(part)
        path, s = f"{group}[{part['key']}]", Words(f"{one.en} {t.en}", f"{one.ro} {t.ro}", one.fem)
        if a is None or b is None:
            kind: Kind = "added" if a is None else "removed"
            stem = "adăugat" if a is None else "eliminat"
            out.append(FieldChange(path, kind, a, b, {
                "ro": f"{s.ro} a fost {s.done(stem)}", "en": f"{s.en} {kind}"}))
            continue
        for name in (n for n in b if n != "key"):
            w, shape, how = form.part_fields[name]
            out += _diff_field(f"{path}.{name}", Words(f"{s.en}: {w.en}", f"{s.ro}: {w.ro}", w.fem),
                               Words(f"{s.en}, {w.en}", f"{s.ro}, {w.ro}", w.fem), shape,
                               show.of(how, a), show.of(how, b), a[name], b[name])
    if not out and olds != news:
        out = [_form_only(group, Words(many.en.capitalize(), many.ro.capitalize()), olds, news)]
    return out


# --- RDF ------------------------------------------------------------------------------------


#: The diff of two passport versions (the name it had before every kind had one).
PassportDiff = RecordDiff
