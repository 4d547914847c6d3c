"""Templates: what a nomenclature entry says of its service (Finland's general descriptions,
Flanders' concepts), and the effective passport a provider's passport makes with it.

An entry of a nomenclature edition (``sc:NomenclatureEntry``) carries, besides its code, titles,
competent authority and life events, the fields of a passport that hold for every provider of
the service, with the passport's own RDF terms (description, legal basis, audiences, processing
time, evidence, outputs, requirements, costs...) on the entry and on parts under its IRI
(``<entry>/evidence/1``). Read with the passport's mapping, an entry is a passport.

A passport derives from the entry with its code (the code IS the nomenclature's code: a passport
without an entry is the violation NOMENCLATURE-ORPHAN), in the edition in force on the day. The
**effective passport** is the passport's own fields, and the entry's for every field of
:data:`INHERITED_FIELDS` the passport leaves empty; a field is inherited whole (a passport's own
description in Romanian replaces the entry's in every language: two authors' texts are never
mixed in one field). The ledger keeps what the institution wrote; validation sees the effective
passport; the REST JSON and the service page show it, with the inherited fields named.

The entry changed on its ``sc:revised`` date (an ``xsd:date``, or an ``xsd:dateTime`` when the
hour matters), or, without one, on its edition's entry into force: a passport last published
before that needs its institution's review (the rule TEMPLATE-DRIFT; :meth:`Entry.changed_since`).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pyoxigraph as ox
from pydantic import ValidationError

from catalog.errors import InvalidInput
from catalog.namespaces import DCT, ELI, SC, XSD
from catalog.records.passport import FIELD_PREDICATES, Passport, from_triples, to_triples

#: the fields a passport inherits from its entry when it leaves them empty; the code, title,
#: competent authority, channels, places and languages are the provider's own
INHERITED_FIELDS: tuple[str, ...] = (
    "description", "keywords", "legal_resources", "audiences", "life_events", "thematic_areas",
    "processing_time", "requirements", "evidence", "outputs", "costs")
#: the keys a read adds to a passport's JSON (a client may send them back: they are dropped)
READ_ONLY_KEYS = ("inherited", "nomenclature_entry", "review_needed")


@dataclass(frozen=True)
class Entry:
    """One entry of an edition, as passports derive from it."""

    code: str
    iri: str
    edition: str
    in_force_from: date
    changed: date | datetime  # its sc:revised, or its edition's entry into force
    title: dict[str, str]
    template: Passport | None  # None: the entry's fields do not read as a passport

    def changed_since(self, reviewed: datetime | None) -> bool:
        """Whether the entry changed after a passport's last publication (its last review);
        a passport never published has nothing to review. A revision dated by day is seen by
        a review on that day or later."""
        if reviewed is None:
            return False
        at = reviewed if reviewed.tzinfo else reviewed.replace(tzinfo=UTC)
        if isinstance(self.changed, datetime):
            return self.changed > at
        return self.changed > at.astimezone(UTC).date()

    def fields(self) -> dict[str, Any]:
        """The template's fields a passport may inherit, those the entry states (JSON)."""
        if self.template is None:
            return {}
        return {n: v for n, v in self.template.model_dump(
            mode="json", include=set(INHERITED_FIELDS)).items() if not _empty(v)}

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "iri": self.iri, "edition": self.edition,
                "in_force_from": self.in_force_from.isoformat(),
                "changed": self.changed.isoformat()}


def _empty(value: Any) -> bool:
    return value is None or value == {} or value == []


def effective(own: Passport, template: Passport | None) -> tuple[Passport, list[str]]:
    """The passport with the entry's value of every inheritable field it leaves empty, and
    the names of the fields so taken."""
    if template is None:
        return own, []
    inherited = [name for name in INHERITED_FIELDS
                 if _empty(getattr(own, name)) and not _empty(getattr(template, name))]
    if not inherited:
        return own, []
    return own.model_copy(update={n: getattr(template, n) for n in inherited}), inherited


def effective_triples(triples: Sequence[ox.Triple], iri: str, template: Passport | None
                      ) -> tuple[list[ox.Triple], list[str]]:
    """A passport's triples with those of the fields it inherits (under its own IRI); the
    triples as they are when they do not read as a passport or inherit nothing."""
    if template is None:
        return list(triples), []
    root = ox.NamedNode(iri)
    stated = {t.predicate.value for t in triples if t.subject == root}
    if all(FIELD_PREDICATES[n] in stated for n in INHERITED_FIELDS
           if not _empty(getattr(template, n))):
        return list(triples), []  # it states every field its entry could give
    try:
        own = from_triples(triples, iri)
    except ValidationError:
        return list(triples), []
    merged, inherited = effective(own, template)
    if not inherited:
        return list(triples), []
    written = set(to_triples(own, iri))
    return [*triples, *(t for t in to_triples(merged, iri) if t not in written)], inherited


def drop_read_only(doc: dict[str, Any]) -> None:
    """Take out of a passport's JSON what a read adds: the fields named in ``inherited`` (they
    are the entry's: a GET sent back as a PUT stores what the institution wrote, not a copy of
    the entry), then the read-only keys. InvalidInput when ``inherited`` is not a list of
    inheritable field names."""
    named = doc.get("inherited")
    if named is not None:
        if not isinstance(named, list) or not all(
                isinstance(n, str) and n in INHERITED_FIELDS for n in named):
            raise InvalidInput.of("intake.inherited", field="inherited", value=named,
                                  expected="a list of " + ", ".join(INHERITED_FIELDS))
        for name in named:
            doc.pop(name, None)
    for key in READ_ONLY_KEYS:
        doc.pop(key, None)


# --- the entries of the editions, by code ---------------------------------------------------
def _when(literal: ox.Literal) -> date | datetime | None:
    try:
        if literal.datatype == ox.NamedNode(XSD + "dateTime"):
            t = datetime.fromisoformat(literal.value)
            return t if t.tzinfo else t.replace(tzinfo=UTC)
        return date.fromisoformat(literal.value[:10])
    except ValueError:
        return None


def entries(iri: str, triples: Sequence[ox.Triple]) -> tuple[date | None, dict[str, Entry]]:
    """An edition's entry into force and its entries by code (from its record's triples)."""
    root = ox.NamedNode(iri)
    start: date | None = None
    heads: dict[str, list[ox.Triple]] = {}
    for t in triples:
        if t.subject == root and t.predicate.value == ELI + "first_date_entry_in_force" \
                and isinstance(t.object, ox.Literal):
            found = _when(t.object)
            start = found.date() if isinstance(found, datetime) else found
        if t.subject == root and t.predicate.value == SC + "hasEntry" \
                and isinstance(t.object, ox.NamedNode):
            heads[t.object.value] = []
    for t in triples:  # an entry's own triples and its parts' (<entry>/evidence/1)
        if isinstance(t.subject, ox.NamedNode):
            s = t.subject.value
            while s not in heads and "/" in s[len(iri):]:
                s = s.rsplit("/", 1)[0]
            if s in heads:
                heads[s].append(t)
    if start is None:
        return None, {}
    out: dict[str, Entry] = {}
    for entry, own in heads.items():
        node = ox.NamedNode(entry)
        values = {t.predicate.value: t.object for t in own if t.subject == node
                  and isinstance(t.object, ox.Literal)}
        code = values.get(DCT + "identifier")
        if code is None:
            continue
        revised = values.get(SC + "revised")
        changed = (_when(revised) if isinstance(revised, ox.Literal) else None) or start
        title = {t.object.language or "": t.object.value for t in own if t.subject == node
                 and t.predicate.value == DCT + "title" and isinstance(t.object, ox.Literal)}
        out[code.value] = Entry(code.value, entry, iri, start, changed, title,
                                _template(own, entry))
    return start, out


def _template(triples: list[ox.Triple], entry: str) -> Passport | None:
    try:
        return from_triples(triples, entry)
    except ValidationError:
        return None


class TemplateIndex:
    """The entries of every published edition by code, fed by the reference projection;
    :meth:`entry` answers from the edition in force on a day."""

    def __init__(self) -> None:
        self._editions: dict[str, tuple[date, dict[str, Entry]]] = {}
        self._lock = threading.Lock()

    def put(self, iri: str, triples: Sequence[ox.Triple]) -> None:
        start, found = entries(iri, triples)
        with self._lock:
            if start is None:
                self._editions.pop(iri, None)
            else:
                self._editions[iri] = (start, found)

    def drop(self, iri: str) -> None:
        with self._lock:
            self._editions.pop(iri, None)

    def in_force(self, on: date) -> str | None:
        """The edition in force on ``on``: the latest to have entered into force by then."""
        with self._lock:
            started = sorted((start, iri) for iri, (start, _) in self._editions.items()
                             if start <= on)
        return started[-1][1] if started else None

    def entry(self, code: str, on: date) -> Entry | None:
        """The entry with ``code`` in the edition in force on ``on``, if any."""
        edition = self.in_force(on)
        with self._lock:
            found = self._editions.get(edition or "")
        return found[1].get(code) if found else None

    def codes(self) -> set[str]:
        """The codes of the entries of every edition (past, in force or to come): codes the
        nomenclature has given to a service."""
        with self._lock:
            return {code for _, found in self._editions.values() for code in found}


__all__ = ["INHERITED_FIELDS", "READ_ONLY_KEYS", "Entry", "TemplateIndex", "drop_read_only",
           "effective", "effective_triples", "entries"]
