"""The reference index: descriptions of the resources records point to (code-list concepts,
organisations, legal acts, places), and the closure of a record that validation runs on."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib import Literal as RLiteral
from rdflib.namespace import RDF
from rdflib.term import Node

from catalog.validation.engines import to_graph, to_rdflib

_RDF_TYPE = str(RDF.type)
_LABELS = tuple(URIRef(p) for p in (
    "http://www.w3.org/2004/02/skos/core#prefLabel", "http://data.europa.eu/eli/ontology#title",
    "http://purl.org/dc/terms/title", "http://www.w3.org/2000/01/rdf-schema#label",
    "https://schema.org/name", "http://www.w3.org/ns/locn#fullAddress"))


class ReferenceIndex:
    """Descriptions of the resources records point to: concepts, organisations, acts, places.

    Keyed by subject IRI; fed from every published non-service record and a type stub for
    every service (so ``cv:relatedService`` and ``dct:requires`` links check by class).
    """

    def __init__(self) -> None:
        self._by_subject: dict[str, list[tuple[Node, Node, Node]]] = {}
        self._types: dict[str, list[ox.Triple]] = {}  # the rdf:type triples, for closures
        self._by_record: dict[str, set[str]] = {}
        #: record IRI -> its classes, for records known by their type alone (every service):
        #: ~150 bytes each instead of ~1.3 KB as full entries (100,000 services: ~110 MB less)
        self._stubs: dict[str, tuple[str, ...]] = {}
        self._lock = threading.Lock()  # writers only: readers see the old or the new entries

    def __len__(self) -> int:
        return len(self._by_subject) + len(self._stubs)

    def put(self, record_iri: str, triples: Sequence[ox.Triple], *, stub_only: bool = False
            ) -> None:
        """Replace what the index knows of a record. The new entries are built first and
        swapped in, so a validation running meanwhile never sees the record missing."""
        if stub_only:
            classes = tuple(dict.fromkeys(
                t.object.value for t in triples
                if isinstance(t.subject, ox.NamedNode) and t.subject.value == record_iri
                and t.predicate.value == _RDF_TYPE and isinstance(t.object, ox.NamedNode)))
            with self._lock:
                self._stubs[record_iri] = classes
                for gone in self._by_record.pop(record_iri, set()):
                    self._by_subject.pop(gone, None)
                    self._types.pop(gone, None)
            return
        fresh: dict[str, list[tuple[Node, Node, Node]]] = {}
        types: dict[str, list[ox.Triple]] = {}
        for t in triples:
            if not isinstance(t.subject, ox.NamedNode):
                continue
            typed = t.predicate.value == _RDF_TYPE
            if stub_only and (t.subject.value != record_iri or not typed):
                continue
            fresh.setdefault(t.subject.value, []).append(
                (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object))
            )
            if typed:
                types.setdefault(t.subject.value, []).append(t)
        with self._lock:
            for gone in self._by_record.get(record_iri, set()) - fresh.keys():
                self._by_subject.pop(gone, None)
                self._types.pop(gone, None)
            self._by_subject.update(fresh)  # each key is replaced in one step
            for subject in fresh:
                self._types[subject] = types.get(subject, [])
            self._by_record[record_iri] = set(fresh)
            self._stubs.pop(record_iri, None)

    def drop(self, record_iri: str) -> None:
        with self._lock:
            self._stubs.pop(record_iri, None)
            for s in self._by_record.pop(record_iri, set()):
                self._by_subject.pop(s, None)
                self._types.pop(s, None)

    def describe(self, iri: str) -> list[tuple[Node, Node, Node]]:
        found = self._by_subject.get(iri)
        if found is not None:
            return found
        return [(URIRef(iri), URIRef(_RDF_TYPE), URIRef(c)) for c in self._stubs.get(iri, ())]

    def types(self, iri: str) -> list[ox.Triple]:
        """The ``rdf:type`` triples of a described resource."""
        found = self._types.get(iri)
        if found is not None:
            return found
        node, rdf_type = ox.NamedNode(iri), ox.NamedNode(_RDF_TYPE)
        return [ox.Triple(node, rdf_type, ox.NamedNode(c)) for c in self._stubs.get(iri, ())]

    def label(self, iri: str) -> dict[str, str] | None:
        """The name of a described resource by language (preferred label, title or name)."""
        found: dict[URIRef, dict[str, str]] = {}
        for _s, p, o in self.describe(iri):
            if p in _LABELS and isinstance(o, RLiteral):
                found.setdefault(p, {}).setdefault(o.language or "", str(o))  # type: ignore[arg-type]
        return next((found[p] for p in _LABELS if p in found), None)


def closure(record_iri: str, triples: Sequence[ox.Triple], index: ReferenceIndex, *,
            full: bool = False) -> Graph:
    """The record's triples plus what the shapes need of the resources it refers to.

    By default the types of the referenced resources: every profile constraint on a reference
    is an ``sh:class``. With ``full``, whole descriptions three links deep, so that the
    reference resources validate too (the official CPSV-AP shapes check the organisations, the
    organisations that passed the laws, the events of a scheme). That closure is ~900 triples
    for a passport, against ~130: it is for conformance checks, not for every write.
    """
    g = to_graph(triples)
    seen = {str(s) for s in g.subjects()}
    frontier = {str(o) for o in g.objects() if isinstance(o, URIRef)} - seen
    for _level in range(3 if full else 1):
        nxt: set[str] = set()
        for iri in frontier:
            for tr in index.describe(iri):
                if full or tr[1] == RDF.type:
                    g.add(tr)
                if isinstance(tr[2], URIRef):
                    nxt.add(str(tr[2]))
        seen |= frontier
        frontier = nxt - seen
    return g


def type_closure(triples: Sequence[ox.Triple], index: ReferenceIndex) -> list[ox.Triple]:
    """The record's triples plus the types of the resources it refers to (the default
    :func:`closure`, as pyoxigraph triples)."""
    own = {t.subject for t in triples}
    out = list(triples)
    for iri in {t.object.value for t in triples if isinstance(t.object, ox.NamedNode)
                and t.object not in own}:
        out.extend(index.types(iri))
    return out
