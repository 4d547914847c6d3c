"""One version of a code list read from its record: the concept scheme and its concepts, with
their labels, definitions, hierarchy, deprecation and mappings (SKOS Reference, W3C 2009).

A concept belongs to the scheme when it is ``skos:inScheme`` of it or typed ``skos:Concept``
under the scheme's IRI (``<scheme>/…``). Its **key** is its IRI's segment under the scheme
(``birth`` for ``<codelist/life-event/birth>``), the word of its URLs; a concept outside the
scheme's IRI has none and is listed but not addressed. The hierarchy is ``skos:broader`` and
its inverse ``skos:narrower`` (either side stated is enough); top concepts are those stated
(``skos:hasTopConcept``/``skos:topConceptOf``) plus every concept without a broader one in the
scheme, so no concept is out of reach of the tree. A concept is deprecated when
``owl:deprecated true`` (SKOS has no status: this is the practice of the EU vocabularies).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import pyoxigraph as ox

from catalog.namespaces import DCT, OWL, RDF_TYPE, SKOS
from catalog.text import normalise_letters, search_key

#: The SKOS mapping properties, in the order a concept page shows them.
MAPPING_RELATIONS = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
#: What a concept key looks like (one IRI segment).
KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]{0,127}")
_TRUE = frozenset({"true", "1"})


@dataclass(frozen=True)
class Mapping:
    relation: str  # exactMatch | closeMatch | broadMatch | narrowMatch | relatedMatch
    target: str  # the IRI of the concept mapped to


@dataclass
class Concept:
    iri: str
    key: str | None  # the IRI's segment under the scheme (None: outside it)
    notation: str | None = None
    labels: dict[str, str] = field(default_factory=dict)  # skos:prefLabel by language
    alt_labels: dict[str, list[str]] = field(default_factory=dict)
    definitions: dict[str, str] = field(default_factory=dict)
    broader: list[str] = field(default_factory=list)  # IRIs, in the scheme
    narrower: list[str] = field(default_factory=list)
    stated_top: bool = False
    deprecated: bool = False
    replaced_by: list[str] = field(default_factory=list)
    mappings: list[Mapping] = field(default_factory=list)

    def label(self, lang: str) -> str:
        """The preferred label in ``lang``, else Romanian, English, any, the notation or key."""
        for tag in (lang, "ro", "en", ""):
            if self.labels.get(tag):
                return self.labels[tag]
        return next(iter(self.labels.values()), None) or self.notation or self.key or self.iri


@dataclass
class Scheme:
    iri: str
    titles: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    version_info: str | None = None  # owl:versionInfo
    concepts: dict[str, Concept] = field(default_factory=dict)  # by IRI, in key order

    @cached_property
    def by_key(self) -> dict[str, Concept]:
        return {c.key: c for c in self.concepts.values() if c.key is not None}

    @property
    def top(self) -> list[Concept]:
        """The top concepts: stated, or without a broader concept in the scheme."""
        return [c for c in self.concepts.values() if c.stated_top or not c.broader]

    def children(self, concept: Concept) -> list[Concept]:
        return [self.concepts[i] for i in concept.narrower if i in self.concepts]

    def parents(self, concept: Concept) -> list[Concept]:
        return [self.concepts[i] for i in concept.broader if i in self.concepts]

    def sorted(self, concepts: Iterable[Concept], lang: str) -> list[Concept]:
        """Concepts in the alphabetical order of their labels in ``lang`` (ș/ş, case and
        diacritics folded), then by key."""
        return sorted(concepts, key=lambda c: (search_key(c.label(lang)), c.key or c.iri))


def letter_of(label: str) -> str:
    """The A-Z letter a label is listed under: its first letter, folded and upper-cased
    (``Ștampilă`` and ``Ştampilă`` under S); ``#`` for a digit or sign."""
    key = search_key(label)
    first = key[:1]
    return first.upper() if first.isalpha() else "#"


def read_scheme(iri: str, triples: Sequence[ox.Triple]) -> Scheme:
    """The scheme of a code-list record's content (its root ``iri``)."""
    by_subject: dict[str, list[ox.Triple]] = {}
    for t in triples:
        if isinstance(t.subject, ox.NamedNode):
            by_subject.setdefault(t.subject.value, []).append(t)
    scheme = Scheme(iri)
    stated_top: set[str] = set()
    for t in by_subject.get(iri, []):
        p, o = t.predicate.value, t.object
        if isinstance(o, ox.Literal):
            if p == DCT + "title" or (p == SKOS + "prefLabel" and not scheme.titles.get(
                    o.language or "")):
                scheme.titles[o.language or ""] = o.value
            elif p == DCT + "description":
                scheme.descriptions[o.language or ""] = o.value
            elif p == OWL + "versionInfo":
                scheme.version_info = o.value
        elif p == SKOS + "hasTopConcept" and isinstance(o, ox.NamedNode):
            stated_top.add(o.value)
    members = sorted(s for s, ts in by_subject.items() if s != iri and _is_member(s, iri, ts))
    for m in members:
        scheme.concepts[m] = _concept(m, iri, by_subject[m], stated_top)
    _link_hierarchy(scheme)
    scheme.concepts = dict(sorted(scheme.concepts.items(),
                                  key=lambda kv: (kv[1].key is None, kv[1].key or kv[0])))
    return scheme


def _is_member(subject: str, scheme: str, triples: list[ox.Triple]) -> bool:
    for t in triples:
        if t.predicate.value == SKOS + "inScheme" and t.object == ox.NamedNode(scheme):
            return True
        if t.predicate.value == RDF_TYPE and t.object == ox.NamedNode(SKOS + "Concept") \
                and subject.startswith(scheme + "/"):
            return True
    return False


def _key(iri: str, scheme: str) -> str | None:
    rest = iri[len(scheme) + 1:] if iri.startswith(scheme + "/") else ""
    return rest if KEY.fullmatch(rest) else None


def _concept(iri: str, scheme: str, triples: list[ox.Triple], stated_top: set[str]) -> Concept:
    c = Concept(iri, _key(iri, scheme), stated_top=iri in stated_top)
    for t in sorted(triples, key=lambda t: str(t.object)):
        p, o = t.predicate.value, t.object
        name = p[len(SKOS):] if p.startswith(SKOS) else None
        if isinstance(o, ox.Literal):
            lang = o.language or ""
            if name == "prefLabel":
                c.labels[lang] = o.value
            elif name == "altLabel":
                c.alt_labels.setdefault(lang, []).append(o.value)
            elif name == "definition":
                c.definitions[lang] = o.value
            elif name == "notation":
                c.notation = o.value
            elif p == OWL + "deprecated":
                c.deprecated = o.value.strip().lower() in _TRUE
        elif isinstance(o, ox.NamedNode):
            if name == "broader":
                c.broader.append(o.value)
            elif name == "narrower":
                c.narrower.append(o.value)
            elif name == "topConceptOf" and o.value == scheme:
                c.stated_top = True
            elif name in MAPPING_RELATIONS:
                c.mappings.append(Mapping(name, o.value))
            elif p == DCT + "isReplacedBy":
                c.replaced_by.append(o.value)
    return c


def _link_hierarchy(scheme: Scheme) -> None:
    """Each side of broader/narrower made complete, within the scheme, without duplicates."""
    concepts = scheme.concepts
    for c in concepts.values():
        c.broader = [b for b in dict.fromkeys(c.broader) if b in concepts and b != c.iri]
        c.narrower = [n for n in dict.fromkeys(c.narrower) if n in concepts and n != c.iri]
    for c in concepts.values():
        for b in c.broader:
            if c.iri not in concepts[b].narrower:
                concepts[b].narrower.append(c.iri)
        for n in c.narrower:
            if c.iri not in concepts[n].broader:
                concepts[n].broader.append(c.iri)
    for c in concepts.values():
        c.narrower.sort(key=lambda i: concepts[i].key or i)


def same_label(a: str, b: str) -> bool:
    """Labels that differ only by ş/ș, ţ/ț or Unicode form are the same label."""
    return normalise_letters(a) == normalise_letters(b)
