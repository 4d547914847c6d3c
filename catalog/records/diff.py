"""What changed between two versions of a service passport: sentences in Romanian and English for
people, and the RDF delta for machines. Pure functions: no I/O, no database.

Order of the field changes (stable): the fields in :data:`FIELD_ORDER` (the form: code, title,
description, competent authority, legal basis, audiences, life events, thematic areas, keywords,
languages, territory, related services, processing time, then the parts: requirements, evidence,
outputs, costs, channels). Within a language map: ro, en, ru, then other tags alphabetically
(no tag last, path ``.@none``). Within a list: the removed entries in their old order, then the
added ones in their new order. Parts are matched by ``key``: those of the old version in their
order (removed, or compared field by field in the model's field order), then the new ones.
A value that differs only in form (list order, an empty keyword list) gives one ``changed``
entry, so ``diff_passports(a, b)`` is empty exactly when ``a == b``.

The RDF delta compares the ground triples as sets and the triples with blank nodes as connected
components up to isomorphism (each component canonicalised alone with RDFC-1.0), so renumbered
blank-node labels are no change; a component that changed at all is removed and added whole.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Final, Literal, TypeAlias

import pyoxigraph as ox

from catalog.rdfio import parse_canonical
from catalog.records.passport import Channel, Cost, Evidence, Output, Passport, Requirement

Json: TypeAlias = "str | int | float | bool | list[Json] | dict[str, Json] | None"
Kind = Literal["added", "removed", "changed"]
Label = Callable[[str], dict[str, str] | None]


@dataclass(frozen=True)
class _W:
    """Words in both languages; ``fem``: the Romanian noun is feminine (participle agreement)."""

    en: str
    ro: str
    fem: bool = False

    def done(self, stem: str) -> str:
        """``adăugat`` or ``adăugată``, agreeing with these words."""
        return stem + "ă" if self.fem else stem


Render: TypeAlias = Callable[[Json], _W]
# Field -> (label, shape, how a value reads). Shapes: scalar, langmap, list, langlists.
_TOP: Final[dict[str, tuple[_W, str, str]]] = {
    "code": (_W("Code", "Codul"), "scalar", "text"),
    "title": (_W("Title", "Denumirea", True), "langmap", "text"),
    "description": (_W("Description", "Descrierea", True), "langmap", "text"),
    "competent_authority": (_W("Competent authority", "Autoritatea competentă", True),
                            "scalar", "iri"),
    "legal_resources": (_W("Legal basis", "Temeiul juridic"), "list", "iri"),
    "audiences": (_W("Audience", "Categoriile de beneficiari"), "list", "iri"),
    "life_events": (_W("Life events", "Evenimentele de viață"), "list", "iri"),
    "thematic_areas": (_W("Thematic areas", "Domeniile tematice"), "list", "iri"),
    "keywords": (_W("Keywords", "Cuvintele-cheie"), "langlists", "text"),
    "languages": (_W("Languages", "Limbile"), "list", "iri"),
    "spatial": (_W("Territorial coverage", "Aria teritorială", True), "list", "iri"),
    "related_services": (_W("Related services", "Serviciile conexe"), "list", "iri"),
    "processing_time": (_W("Processing time", "Termenul de prestare"), "scalar", "duration"),
}
# Part list -> (one part, the list in a summary).
_PARTS: Final[dict[str, tuple[_W, _W]]] = {
    "requirements": (_W("Requirement", "Cerința", True), _W("requirements", "cerințele")),
    "evidence": (_W("Required document", "Documentul necesar"),
                 _W("required documents", "documentele necesare")),
    "outputs": (_W("Output", "Rezultatul"), _W("outputs", "rezultatele")),
    "costs": (_W("Cost", "Costul"), _W("costs", "costurile")),
    "channels": (_W("Channel", "Canalul"), _W("channels", "canalele")),
}
_PART_FIELDS: Final[dict[str, tuple[_W, str, str]]] = {
    "identifier": (_W("identifier", "identificatorul"), "scalar", "text"),
    "title": (_W("title", "denumirea", True), "langmap", "text"),
    "description": (_W("description", "descrierea", True), "langmap", "text"),
    "type": (_W("type", "tipul"), "scalar", "iri"),
    "obtained_by_authority": (_W("obtained by the authority from a registry (once-only)",
                                 "obținerea de către autoritate din registru "
                                 "(principiul „o singură dată”)", True), "scalar", "flag"),
    "registry_source": (_W("registry source", "registrul sursă"), "langmap", "text"),
    "value": (_W("value", "valoarea", True), "scalar", "amount"),
    "currency": (_W("currency", "moneda", True), "scalar", "iri"),
    "owned_by": (_W("owner", "titularul"), "scalar", "iri"),
    "locations": (_W("locations", "locațiile"), "list", "iri"),
    "url": (_W("web address", "adresa web", True), "scalar", "plain"),
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
_LANGS: Final[dict[str, _W]] = {
    "ro": _W("Romanian", "română"), "en": _W("English", "engleză"), "ru": _W("Russian", "rusă"),
    "uk": _W("Ukrainian", "ucraineană"), "bg": _W("Bulgarian", "bulgară"),
    "gag": _W("Gagauz", "găgăuză"), "fr": _W("French", "franceză"), "de": _W("German", "germană"),
    "it": _W("Italian", "italiană"), "tr": _W("Turkish", "turcă"),
}
_ARTICLE = re.compile(r"(?P<act>.+/eli/.+?)/art/(?P<n>[^/]+)")


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
class RdfDelta:
    """N-Triples lines (without the line break) only in the new version, only in the old one."""

    added: list[str]
    removed: list[str]

    def to_dict(self) -> dict[str, Json]:
        return asdict(self)


@dataclass(frozen=True)
class PassportDiff:
    """The answer of ``GET /api/v1/services/{code}/diff?from=N&to=M``."""

    from_version: int
    to_version: int
    changes: list[FieldChange]
    rdf: RdfDelta

    @property
    def summary(self) -> dict[str, str]:
        n = len(self.changes)
        if n == 0:
            k = len(self.rdf.added) + len(self.rdf.removed)
            if k == 0:
                return {"ro": "Nicio modificare", "en": "No changes"}
            return {"ro": "Nicio modificare a câmpurilor pașaportului; "
                          f"diferă {_ro_count(k, 'triplet', 'triplete')} RDF",
                    "en": f"No changes to the passport fields; {k} RDF "
                          f"{'triple differs' if k == 1 else 'triples differ'}"}
        topics = list(dict.fromkeys(re.split(r"[.\[]", c.path, maxsplit=1)[0]
                                    for c in self.changes))
        words = [_PARTS[t][1] if t in _PARTS else _TOP[t][0] for t in topics]
        ro, en = (", ".join(x[:1].lower() + x[1:] for x in xs)
                  for xs in ([w.ro for w in words], [w.en for w in words]))
        return {"ro": f"{_ro_count(n, 'modificare', 'modificări')}: {ro}",
                "en": f"{n} change{'' if n == 1 else 's'}: {en}"}

    def to_dict(self) -> dict[str, Json]:
        return {"from": self.from_version, "to": self.to_version, "summary": dict(self.summary),
                "changes": [c.to_dict() for c in self.changes], "rdf": self.rdf.to_dict()}


def diff_versions(from_version: int, to_version: int, old: Passport, new: Passport,
                  old_canonical: str, new_canonical: str, *, label: Label) -> PassportDiff:
    """Field changes and RDF delta between two stored versions of one passport."""
    return PassportDiff(from_version, to_version, diff_passports(old, new, label=label),
                        rdf_delta(old_canonical, new_canonical))


def diff_passports(old: Passport, new: Passport, *, label: Label) -> list[FieldChange]:
    """Every change from ``old`` to ``new``, in the documented order. ``label(iri)`` names the
    resources passports point to (None: the IRI, or a code-list concept's last segment); an ELI
    article ``.../art/N`` reads as its act's name, then its own ("Law no. 1/2020, art. 5")."""
    show, olds, news = _Show(label), old.model_dump(mode="json"), new.model_dump(mode="json")
    out: list[FieldChange] = []
    for name in FIELD_ORDER:
        a, b = olds[name], news[name]
        if name in _PARTS:
            out += _diff_parts(name, a, b, show)
        else:
            words, shape, kind = _TOP[name]
            render = show.of(kind)
            out += _diff_field(name, words, words, shape, render, render, a, b)
    return out


def rdf_delta(old_canonical: str, new_canonical: str) -> RdfDelta:
    """Triples added and removed between two canonical N-Triples texts, blank-node aware."""
    old_ground, old_groups = _partition(old_canonical)
    new_ground, new_groups = _partition(new_canonical)
    removed, added = old_ground - new_ground, new_ground - old_ground
    for groups, others, into in ((old_groups, new_groups, removed),
                                 (new_groups, old_groups, added)):
        extra = Counter(f for f, _ in groups) - Counter(f for f, _ in others)
        for form, lines in groups:
            if extra[form]:
                extra[form] -= 1
                into.update(lines)
    return RdfDelta(added=sorted(added), removed=sorted(removed))


# --- words --------------------------------------------------------------------------------
def _ro_count(n: int, one: str, many: str) -> str:
    """``1 zi``, ``2 zile``, ``20 de zile``, ``101 zile``: Romanian takes "de" from 20 on."""
    if n == 1:
        return f"1 {one}"
    takes_de = n > 0 and (n % 100 == 0 or n % 100 >= 20)
    return f"{n} de {many}" if takes_de else f"{n} {many}"


def _pick(names: dict[str, str], lang: str) -> str | None:
    other = "ro" if lang == "en" else "en"
    return names.get(lang) or names.get(other) or next((v for v in names.values() if v), None)


def _with_lang(w: _W, lang: str) -> _W:
    if not lang:
        return _W(f"{w.en} (no language tag)", f"{w.ro} (fără indicarea limbii)", w.fem)
    name = _LANGS.get(lang, _W(lang, lang))
    return _W(f"{w.en} ({name.en})", f"{w.ro} (în limba {name.ro})", w.fem)


def _lang_order(tags: Iterable[str]) -> list[str]:
    rank = {t: i for i, t in enumerate(("ro", "en", "ru"))}
    return sorted(set(tags), key=lambda t: (rank.get(t, 3), t == "", t))


_UNITS: Final = (("year", "years", "an", "ani"), ("month", "months", "lună", "luni"),
                 ("week", "weeks", "săptămână", "săptămâni"), ("day", "days", "zi", "zile"),
                 ("hour", "hours", "oră", "ore"), ("minute", "minutes", "minut", "minute"),
                 ("second", "seconds", "secundă", "secunde"))
_NUM = r"(\d+(?:[.,]\d+)?)"
_DURATION = re.compile(rf"P(?!$)(?:{_NUM}Y)?(?:{_NUM}M)?(?:{_NUM}W)?(?:{_NUM}D)?"
                       rf"(?:T(?=\d)(?:{_NUM}H)?(?:{_NUM}M)?(?:{_NUM}S)?)?")


def humanise_duration(value: str) -> dict[str, str]:
    """An ISO 8601 duration in words: ``P1Y2M`` is "1 year and 2 months" / "1 an și 2 luni";
    text that is not a duration is returned as it is."""
    m = _DURATION.fullmatch(value.strip())
    if m is None:
        return {"en": value, "ro": value}
    en: list[str] = []
    ro: list[str] = []
    for number, (en1, en_n, ro1, ro_n) in zip(m.groups(), _UNITS, strict=True):
        if number is None:
            continue
        num = number.replace(",", ".")
        whole = num.isdigit()
        n = int(num) if whole else 0
        en.append(f"{int(num) if whole else num} {en1 if whole and n == 1 else en_n}")
        ro.append(_ro_count(n, ro1, ro_n) if whole else f"{num.replace('.', ',')} {ro_n}")
    if all(float(g.replace(",", ".")) == 0 for g in m.groups() if g is not None):
        return {"en": "0 days", "ro": "0 zile"}
    return {"en": _join(en, "and"), "ro": _join(ro, "și")}


def _join(items: Sequence[str], conj: str) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {conj} {items[-1]}"


def _amount(value: float, lang: str) -> str:
    if value.is_integer():
        text = str(int(value))
    else:
        text = f"{value:.2f}" if round(value, 2) == value else repr(value)
    return text.replace(".", ",") if lang == "ro" else text


def _segment(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/#"))[-1] or iri


class _Show:
    """How values read, with the labels of referenced resources looked up once each."""

    def __init__(self, label: Label) -> None:
        self._label = label
        self._cache: dict[str, dict[str, str] | None] = {}

    def name(self, iri: str) -> dict[str, str] | None:
        if iri not in self._cache:
            self._cache[iri] = self._label(iri) or None
        return self._cache[iri]

    def ref(self, iri: str) -> _W:
        if "/codelist/" in iri or "/resource/authority/" in iri:
            names = self.name(iri) or {}
            seg = _segment(iri)
            return _W(_pick(names, "en") or seg, _pick(names, "ro") or seg)
        own = self.name(iri)
        m = _ARTICLE.fullmatch(iri)
        act = self.name(m["act"]) if m else None
        if m and act:
            art = own or {"en": f"art. {m['n']}", "ro": f"art. {m['n']}"}
            en, ro = (f"{_pick(act, lg)}, {_pick(art, lg)}" for lg in ("en", "ro"))
        elif own:
            en, ro = _pick(own, "en") or iri, _pick(own, "ro") or iri
        else:
            return _W(iri, iri)
        return _W(f"{en} ({iri})", f"{ro} ({iri})")

    def of(self, kind: str, part: dict[str, Any] | None = None) -> Render:
        def render(v: Json) -> _W:
            if kind == "iri":
                return self.ref(str(v))
            if kind == "duration":
                h = humanise_duration(str(v))
                return _W(h["en"], h["ro"])
            if kind == "flag":
                return _W("yes", "da") if v else _W("no", "nu")
            if kind == "amount" and isinstance(v, int | float):
                cur = _segment(part["currency"]) if part and part.get("currency") else ""
                return _W(f"{_amount(float(v), 'en')} {cur}".strip(),
                          f"{_amount(float(v), 'ro')} {cur}".strip())
            return _W(f"'{v}'", f"„{v}”") if kind == "text" else _W(str(v), str(v))
        return render


# --- field changes -------------------------------------------------------------------------
def _scalar(path: str, s: _W, old_r: Render, new_r: Render, a: Json, b: Json
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


def _items(path: str, s: _W, render: Render, a: Sequence[str], b: Sequence[str]
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


def _diff_field(path: str, s: _W, list_s: _W, shape: str, old_r: Render, new_r: Render,
                a: Any, b: Any) -> list[FieldChange]:
    out: list[FieldChange] = []
    if shape == "scalar":
        out = _scalar(path, s, old_r, new_r, a, b)
    elif shape == "list":
        out = _items(path, list_s, new_r, a, b)
    else:
        for lang in _lang_order([*a, *b]):
            sub = f"{path}.{lang or '@none'}"
            if shape == "langmap":
                out += _scalar(sub, _with_lang(s, lang), old_r, new_r, a.get(lang), b.get(lang))
            else:
                out += _items(sub, _with_lang(list_s, lang), new_r, a.get(lang, []),
                              b.get(lang, []))
    if not out and a != b:
        out = [_form_only(path, list_s if shape in ("list", "langlists") else s, a, b)]
    return out


def _form_only(path: str, s: _W, a: Any, b: Any) -> FieldChange:
    return FieldChange(path, "changed", a, b,
                       {"ro": f"{s.ro}: s-a modificat doar forma (același conținut)",
                        "en": f"{s.en}: changed in form only (same content)"})


def _title(part: dict[str, Any]) -> _W:
    en, ro = (_pick(part["title"], lg) or part["identifier"] or part["key"] for lg in ("en", "ro"))
    return _W(f"'{en}'", f"„{ro}”")


def _diff_parts(group: str, olds: list[dict[str, Any]], news: list[dict[str, Any]], show: _Show
                ) -> list[FieldChange]:
    one, many = _PARTS[group]
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
        path, s = f"{group}[{part['key']}]", _W(f"{one.en} {t.en}", f"{one.ro} {t.ro}", one.fem)
        if a is None or b is None:
            kind: Kind = "added" if a is None else "removed"
            stem = "adăugat" if a is None else "eliminat"
            out.append(FieldChange(path, kind, a, b, {
                "ro": f"{s.ro} a fost {s.done(stem)}", "en": f"{s.en} {kind}"}))
            continue
        for name in (n for n in b if n != "key"):
            w, shape, how = _PART_FIELDS[name]
            out += _diff_field(f"{path}.{name}", _W(f"{s.en}: {w.en}", f"{s.ro}: {w.ro}", w.fem),
                               _W(f"{s.en}, {w.en}", f"{s.ro}, {w.ro}", w.fem), shape,
                               show.of(how, a), show.of(how, b), a[name], b[name])
    if not out and olds != news:
        out = [_form_only(group, _W(many.en.capitalize(), many.ro.capitalize()), olds, news)]
    return out


# --- RDF ------------------------------------------------------------------------------------
def _partition(canonical: str) -> tuple[set[str], list[tuple[str, list[str]]]]:
    """Ground lines, and per blank-node component its canonical form and its own lines."""
    ground: set[str] = set()
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    with_blanks: list[ox.Triple] = []
    for t in parse_canonical(canonical):
        blanks = [n.value for n in (t.subject, t.object) if isinstance(n, ox.BlankNode)]
        if not blanks:
            ground.add(f"{t} .")
            continue
        with_blanks.append(t)
        parent[root(blanks[-1])] = root(blanks[0])
    groups: dict[str, list[ox.Triple]] = {}
    for t in with_blanks:
        b = next(n for n in (t.subject, t.object) if isinstance(n, ox.BlankNode))
        groups.setdefault(root(b.value), []).append(t)
    out = []
    for triples in groups.values():
        ds = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                        for t in triples)
        ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        out.append(("\n".join(sorted(str(q.triple) for q in ds)), [f"{t} ." for t in triples]))
    return ground, out
