"""Nomenclature editions read from the check projection: the edition in force on a date (the one
whose entry into force is the latest by then), its entries, and what changed between two
editions, in sentences a lawyer reads (Romanian and English): entries added, removed, renamed,
moved between life events, given to another authority, or with their template fields changed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pyoxigraph as ox

from catalog.checks.projection import CheckProjection
from catalog.errors import NotFound
from catalog.namespaces import CV, DCT, ELI, RDF_TYPE, SC
from catalog.records.template import entries as template_entries


@dataclass
class Entry:
    code: str
    iri: str
    title: dict[str, str] = field(default_factory=dict)
    authority: str | None = None
    life_events: list[str] = field(default_factory=list)
    revised: str | None = None
    #: the passport fields every provider inherits (catalog.records.template), as JSON
    template: dict[str, object] = field(default_factory=dict)


@dataclass
class Edition:
    iri: str
    title: dict[str, str]
    in_force_from: str | None
    approved_by: str | None
    entries: dict[str, Entry]

    def to_dict(self) -> dict[str, object]:
        return {"iri": self.iri, "title": self.title, "in_force_from": self.in_force_from,
                "approved_by": self.approved_by,
                "entries": [e.__dict__ for _, e in sorted(self.entries.items())]}


def _objects(store: ox.Store, s: ox.NamedNode, p: str) -> list[ox.NamedNode | ox.Literal]:
    return [q.object for q in store.quads_for_pattern(s, ox.NamedNode(p), None)
            if isinstance(q.object, ox.NamedNode | ox.Literal)]


def _first(store: ox.Store, s: ox.NamedNode, p: str) -> str | None:
    values = sorted(o.value for o in _objects(store, s, p))
    return values[0] if values else None


def _titles(store: ox.Store, s: ox.NamedNode) -> dict[str, str]:
    return {o.language: o.value for o in _objects(store, s, DCT + "title")
            if isinstance(o, ox.Literal) and o.language}


def editions(projection: CheckProjection) -> list[str]:
    """Every edition's IRI, by entry into force."""
    with projection.lock:
        store = projection.store
        found = [q.subject for q in store.quads_for_pattern(
            None, ox.NamedNode(RDF_TYPE), ox.NamedNode(SC + "NomenclatureEdition"))
            if isinstance(q.subject, ox.NamedNode)]
        return [e.value for e in sorted(found, key=lambda e: (
            _first(store, e, ELI + "first_date_entry_in_force") or "", e.value))]


def edition(projection: CheckProjection, iri: str) -> Edition:
    with projection.lock:
        store, node = projection.store, ox.NamedNode(iri)
        if iri not in editions(projection):
            raise NotFound.of("checks.no_edition", field="edition", value=iri)
        entries: dict[str, Entry] = {}
        graph = [q.triple for q in store.quads_for_pattern(None, None, None, node)]
        _, templates = template_entries(iri, graph)
        for e in _objects(store, node, SC + "hasEntry"):
            if not isinstance(e, ox.NamedNode):
                continue
            code = _first(store, e, DCT + "identifier") or e.value
            entries[code] = Entry(code, e.value, _titles(store, e),
                                  _first(store, e, CV + "hasCompetentAuthority"),
                                  sorted(o.value for o in _objects(store, e, CV + "isGroupedBy")),
                                  _first(store, e, SC + "revised"),
                                  templates[code].fields() if code in templates else {})
        return Edition(iri, _titles(store, node),
                       _first(store, node, ELI + "first_date_entry_in_force"),
                       _first(store, node, SC + "approvedBy"), entries)


def in_force(projection: CheckProjection, on: date) -> Edition:
    """The edition in force on ``on``: the latest to have entered into force by then."""
    with projection.lock:
        by_date = [(_first(projection.store, ox.NamedNode(e),
                           ELI + "first_date_entry_in_force") or "", e)
                   for e in editions(projection)]
        current = [e for start, e in by_date if start and start <= on.isoformat()]
        if not current:
            raise NotFound.of("checks.no_edition_in_force", field="as_of",
                              value=on.isoformat())
        return edition(projection, current[-1])


def _label(iri: str | None, names: dict[str, dict[str, str]], lang: str) -> str:
    if iri is None:
        return "—"
    return names.get(iri, {}).get(lang) or iri.rstrip("/").rsplit("/", 1)[-1]


def diff(projection: CheckProjection, old_iri: str, new_iri: str) -> list[dict[str, str]]:
    """What changed from one edition to another: one sentence (ro, en) per change, by code."""
    old, new = edition(projection, old_iri), edition(projection, new_iri)
    with projection.lock:
        store = projection.store
        names: dict[str, dict[str, str]] = {}
        for e in (*old.entries.values(), *new.entries.values()):
            for iri in (e.authority, *e.life_events):
                if iri and iri not in names:
                    node = ox.NamedNode(iri)
                    names[iri] = {o.language: o.value for o in _objects(
                        store, node, "http://www.w3.org/2004/02/skos/core#prefLabel")
                        if isinstance(o, ox.Literal) and o.language}
    out: list[dict[str, str]] = []

    def say(code: str, change: str, ro: str, en: str) -> None:
        out.append({"code": code, "change": change, "ro": ro, "en": en})

    for code in sorted(old.entries.keys() | new.entries.keys()):
        a, b = old.entries.get(code), new.entries.get(code)
        if a is None and b is not None:  # added
            say(code, "added", f"Se adaugă serviciul {code} „{b.title.get('ro', '')}”.",
                f"The service {code} \"{b.title.get('en', b.title.get('ro', ''))}\" is added.")
            continue
        if b is None and a is not None:
            say(code, "removed", f"Se exclude serviciul {code} „{a.title.get('ro', '')}”.",
                f"The service {code} \"{a.title.get('en', a.title.get('ro', ''))}\" is "
                "removed.")
            continue
        if a is None or b is None:
            continue
        if a.title.get("ro") != b.title.get("ro") or a.title.get("en") != b.title.get("en"):
            say(code, "renamed", f"Serviciul {code} se redenumește din „{a.title.get('ro', '')}”"
                f" în „{b.title.get('ro', '')}”.",
                f"The service {code} is renamed from \"{a.title.get('en', '')}\" to "
                f"\"{b.title.get('en', '')}\".")
        if a.life_events != b.life_events:
            def events(xs: list[str], lang: str) -> str:
                return ", ".join(_label(x, names, lang) for x in xs) or "—"

            say(code, "moved", f"Serviciul {code} trece de la evenimentele de viață "
                f"{events(a.life_events, 'ro')} la {events(b.life_events, 'ro')}.",
                f"The service {code} moves from the life events "
                f"{events(a.life_events, 'en')} to {events(b.life_events, 'en')}.")
        changed = sorted(k for k in a.template.keys() | b.template.keys()
                         if a.template.get(k) != b.template.get(k) and k != "life_events")
        if changed:
            say(code, "template", f"Se modifică câmpurile-șablon ale serviciului {code}: "
                f"{', '.join(changed)}.",
                f"The template fields of the service {code} change: {', '.join(changed)}.")
        if a.authority != b.authority:
            say(code, "authority", f"Serviciul {code} trece de la "
                f"{_label(a.authority, names, 'ro')} la {_label(b.authority, names, 'ro')}.",
                f"The service {code} is given from {_label(a.authority, names, 'en')} to "
                f"{_label(b.authority, names, 'en')}.")
    return out


__all__ = ["Edition", "Entry", "diff", "edition", "editions", "in_force"]
