"""What the consistency rules read of a record: its facts, with the keys precomputed.

A rule never joins passports on their texts at query time (a join of evidence titles with
output titles over 10,000 passports took ~13 s on Oxigraph): each record is reduced here, once,
when it is published, to a few triples under the ``sc:check/`` terms, whose literal keys the
rules join on with an index lookup.

Service passports become their facts only (code, authority, folded title, legal bases, output
and evidence keys, costs, processing time in days, life events, channel locations, the date of
the version); legal acts, organisations and code lists are kept whole (they are few and small);
a data service keeps its whole description (the once-only rule follows any link from an
evidence to one); any other record keeps only the type of its root. A variant kind's records
(``harvested-service``: another country's services, under its laws, not ours) have no facts:
the national rules do not judge them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

import pyoxigraph as ox

from catalog.namespaces import CPSV, CV, DCAT, DCT, RDF_TYPE, SC, SCHEMA, XSD
from catalog.records.kinds import RecordKind
from catalog.text import search_key

#: the namespace of the facts (never published: the check projection's own terms)
F = SC + "check/"
_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?"
                       r"(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")
#: the kinds kept whole: reference data the rules read as published
_WHOLE = frozenset({"legal", "organisation", "codelist", "edition"})


def _nn(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _lit(value: str | int | float | bool) -> ox.Literal:
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=_nn(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=_nn(XSD + "integer"))
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=_nn(XSD + "double"))
    return ox.Literal(value)


def duration_days(text: str) -> int | None:
    """Whole days of an ISO 8601 duration (a month as 30 days, a year as 365; hours round
    up), or None when it is not one."""
    m = _DURATION.match(text.strip())
    if m is None or not any(m.groups()):
        return None
    y, mo, w, d, h, mi, s = (float(g) if g else 0.0 for g in m.groups())
    hours = h + mi / 60 + s / 3600
    return int(y * 365 + mo * 30 + w * 7 + d + (1 if hours > 0 else 0))


def facts(kind: RecordKind | None, iri: str, triples: Sequence[ox.Triple],
          at: datetime | None = None) -> list[ox.Triple]:
    """The facts the rules read of one published record."""
    if kind is not None and kind.variant_of is not None:
        return []
    if kind is not None and kind.root_class == CPSV + "PublicService":
        return service_facts(iri, triples, at)
    if kind is not None and kind.name in _WHOLE:
        return [*triples, *_limits(triples), *_entry_codes(triples)]
    root = _nn(iri)
    types = [t for t in triples if t.subject == root and t.predicate.value == RDF_TYPE]
    if any(t.object == _nn(DCAT + "DataService") for t in types):
        return list(triples)
    if kind is not None and not types:
        types = [ox.Triple(root, _nn(RDF_TYPE), _nn(kind.root_class))]
    return types


def _limits(triples: Sequence[ox.Triple]) -> list[ox.Triple]:
    """The maximum processing time an act or article sets, in whole days."""
    out: list[ox.Triple] = []
    for t in triples:
        if t.predicate.value == SC + "maxProcessingTime" and isinstance(t.object, ox.Literal):
            days = duration_days(t.object.value)
            if days is not None and isinstance(t.subject, ox.NamedNode):
                out.append(ox.Triple(t.subject, _nn(F + "maxDays"), _lit(days)))
    return out


def _entry_codes(triples: Sequence[ox.Triple]) -> list[ox.Triple]:
    """The code of each entry of a nomenclature edition, as the key a passport joins on."""
    entries = {t.object for t in triples if t.predicate.value == SC + "hasEntry"}
    return [ox.Triple(t.subject, _nn(F + "entryCode"), _lit(t.object.value)) for t in triples
            if t.subject in entries and t.predicate.value == DCT + "identifier"
            and isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.Literal)]


class _Record:
    """The triples of one record by subject and predicate."""

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self.by: dict[tuple[str, str], list[ox.NamedNode | ox.BlankNode | ox.Literal]] = {}
        for t in triples:
            if isinstance(t.subject, ox.NamedNode | ox.BlankNode) and not isinstance(
                    t.object, ox.Triple):
                self.by.setdefault((t.subject.value, t.predicate.value), []).append(t.object)

    def iris(self, s: str, p: str) -> list[str]:
        return sorted(o.value for o in self.by.get((s, p), ()) if isinstance(o, ox.NamedNode))

    def literal(self, s: str, p: str, lang: str | None = None) -> str | None:
        found = [o.value for o in self.by.get((s, p), ()) if isinstance(o, ox.Literal)
                 and (lang is None or o.language == lang)]
        return found[0] if found else None

    def title(self, s: str) -> str | None:
        return self.literal(s, DCT + "title", "ro") or self.literal(s, DCT + "title")

    def links(self, s: str) -> list[tuple[str, str]]:
        """(predicate, IRI) of every link from ``s`` to a resource."""
        return sorted((p, o.value) for (subj, p), objs in self.by.items() if subj == s
                      for o in objs if isinstance(o, ox.NamedNode) and p != RDF_TYPE)


def service_facts(iri: str, triples: Sequence[ox.Triple], at: datetime | None = None
                  ) -> list[ox.Triple]:
    r = _Record(triples)
    s = _nn(iri)
    out = [ox.Triple(s, _nn(RDF_TYPE), _nn(CPSV + "PublicService"))]

    def add(subject: ox.NamedNode, name: str, value: ox.NamedNode | ox.Literal) -> None:
        out.append(ox.Triple(subject, _nn(F + name), value))

    code = r.literal(iri, DCT + "identifier")
    if code is not None:
        add(s, "code", _lit(code))
        prefix, _, number = code.partition("-")
        add(s, "codePrefix", _lit(prefix))
        add(s, "codeDigits", _lit(len(number) if number.isdigit() else -1))
    for authority in r.iris(iri, CV + "hasCompetentAuthority"):
        add(s, "authority", _nn(authority))
    title = r.title(iri)
    if title:
        add(s, "title", ox.Literal(title, language="ro"))
        add(s, "titleKey", _lit(search_key(title)))
        add(s, "dupKey", _lit("title " + search_key(title)))
    title_en = r.literal(iri, DCT + "title", "en")
    if title_en:
        add(s, "title", ox.Literal(title_en, language="en"))
    for lr in r.iris(iri, CV + "hasLegalResource"):
        add(s, "legalBasis", _nn(lr))
    for le in r.iris(iri, CV + "isGroupedBy"):
        add(s, "lifeEvent", _nn(le))
    pt = r.literal(iri, CV + "processingTime")
    days = duration_days(pt) if pt else None
    if days is not None:
        add(s, "processingDays", _lit(days))
        add(s, "processingTime", _lit(pt or ""))
    if at is not None:
        add(s, "versionDate", ox.Literal(at.date().isoformat(), datatype=_nn(XSD + "date")))
        instant = at if at.tzinfo else at.replace(tzinfo=UTC)
        add(s, "versionTime", ox.Literal(instant.astimezone(UTC).isoformat(),
                                         datatype=_nn(XSD + "dateTime")))
    for o in r.iris(iri, CPSV + "produces"):
        t = r.title(o)
        if t:
            add(s, "outputKey", _lit(search_key(t)))
            add(s, "output", ox.Literal(t, language="ro"))
            for authority in r.iris(iri, CV + "hasCompetentAuthority"):
                add(s, "dupKey", _lit(f"output {authority} {search_key(t)}"))
    for e in r.iris(iri, CPSV + "hasInput"):
        node = _nn(e)
        add(s, "asks", node)
        t = r.title(e)
        if t:
            add(node, "key", _lit(search_key(t)))
            add(node, "title", ox.Literal(t, language="ro"))
        by_authority = r.literal(e, SC + "obtainedByAuthority")
        add(node, "byAuthority", _lit(by_authority == "true"))
        for p, target in r.links(e):
            out.append(ox.Triple(node, _nn(p), _nn(target)))
            add(node, "links", _nn(target))  # whatever the predicate: one to join on
    for c in r.iris(iri, CV + "hasCost"):
        value = r.literal(c, CV + "hasValue")
        try:
            amount = float(value) if value is not None else 0.0
        except ValueError:
            amount = 0.0
        node = _nn(c)
        add(s, "cost", node)
        add(node, "value", _lit(amount))
    for ch in r.iris(iri, CV + "hasChannel"):
        node = _nn(ch)
        add(s, "channel", node)
        for loc in r.iris(ch, DCT + "spatial"):
            add(node, "location", _nn(loc))
        url = r.literal(ch, SCHEMA + "url")
        if url:
            add(node, "url", _lit(url))
    return out


__all__ = ["F", "duration_days", "facts", "service_facts"]
