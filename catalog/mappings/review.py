"""A reviewer's decisions on the suggested mappings of an asset's elements, kept as a record.

The mappings of one asset are one record of the ``mappingset`` kind (``<mapping/{asset}>``,
owned by the asset's institution), written through the one write path: every review is a new
published version, with its transition and audit entry, and the store projection puts it in
the quad store. Each decision is an ``owl:Axiom`` as SSSOM's RDF form writes one (source: the
element; property: the SKOS relation; target: the Core Vocabulary term; its score, labels,
reviewer and date); a rejection carries ``sssom:predicate_modifier "Not"``. A confirmed mapping
is also stated plainly, ``<element> skos:exactMatch <term>``, so SPARQL finds it as SKOS.

A later decision on the same element and term replaces the earlier one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pyoxigraph as ox

from catalog import rdfio
from catalog.errors import InvalidInput, NotFound
from catalog.mappings.vocabulary import Term, core_terms
from catalog.namespaces import DCT, OWL, RDF_TYPE, SC, SEMAPV, SKOS, SSSOM, XSD
from catalog.records import RecordDraft
from catalog.workflow.access import Principal
from catalog.workflow.publishing import Publishing

if TYPE_CHECKING:
    from catalog.core import Catalog

KIND = "mappingset"
RELATIONS = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")


@dataclass(frozen=True)
class Decision:
    """One reviewed mapping: ``confirmed`` or rejected."""

    element: str  # the element's IRI
    element_label: str  # its name as in the definition
    term: str  # the Core Vocabulary term's IRI
    relation: str  # a SKOS mapping property's local name
    confirmed: bool
    score: float | None = None  # the suggester's, when the mapping was suggested
    reviewer: str = ""
    date: str = ""  # YYYY-MM-DD

    @property
    def key(self) -> tuple[str, str]:
        return self.element, self.term


@dataclass(frozen=True)
class Coverage:
    elements: int  # the asset's elements
    mapped: int  # of which with a confirmed mapping
    reviewed: int  # with any decision

    @property
    def ratio(self) -> float:
        return round(self.mapped / self.elements, 4) if self.elements else 0.0


def _terms() -> dict[str, Term]:
    return {t.iri: t for t in core_terms()}


class MappingSets:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.kind = catalog.kinds[KIND]

    def iri(self, asset: str) -> str:
        return self.kind.iri(self.catalog.settings.base_uri, self.kind.check_code(asset))

    def decisions(self, asset: str) -> list[Decision]:
        """The decisions in the published version (none when the asset has no set yet)."""
        iri = self.iri(asset)
        content = self.catalog.ledger.published(iris=[iri]).get(iri)
        return read_decisions(iri, rdfio.parse_canonical(content)) if content else []

    def review(self, principal: Principal, asset: str, publisher: str,
               decisions: Sequence[Decision]) -> list[Decision]:
        """Record ``decisions`` (by ``principal``, a reviewer of the owning institution or an
        admin) in a new published version; returns every decision the set now holds."""
        if not decisions:
            raise InvalidInput.of("mappings.bad_decision", field="decisions", value="[]")
        known = _terms()
        today = datetime.now(UTC).strftime("%Y-%m-%d")
        merged = {d.key: d for d in self.decisions(asset)}
        for d in decisions:
            if d.relation not in RELATIONS:
                raise InvalidInput.of("mappings.bad_decision", field="relation",
                                      value=d.relation[:64], expected=", ".join(RELATIONS))
            if d.term not in known:
                raise NotFound.of("mappings.no_suggestion", field="term", value=d.term[:200],
                                  element=d.element[:200])
            merged[d.key] = Decision(d.element, d.element_label, d.term, d.relation,
                                     d.confirmed, d.score, principal.name, today)
        iri = self.iri(asset)
        out = sorted(merged.values(), key=lambda d: d.key)
        draft = RecordDraft(iri, KIND, to_triples(iri, asset, publisher, out), declared=self.kind)
        Publishing(self.catalog, self.kind).import_records(principal, [draft], atomic=True,
                                                            publish=True)
        self.catalog.project_after_commit()
        return out

    def coverage(self, asset: str, elements: Iterable[str]) -> Coverage:
        """How many of the asset's ``elements`` have a confirmed mapping."""
        wanted = set(elements)
        found = self.decisions(asset)
        mapped = {d.element for d in found if d.confirmed} & wanted
        reviewed = {d.element for d in found} & wanted
        return Coverage(len(wanted), len(mapped), len(reviewed))


def _axiom_iri(iri: str, d: Decision) -> str:
    return f"{iri}/{hashlib.sha256(f'{d.element} {d.term}'.encode()).hexdigest()[:16]}"


def to_triples(iri: str, asset: str, publisher: str, decisions: Sequence[Decision]
               ) -> list[ox.Triple]:
    root = ox.NamedNode(iri)
    terms = _terms()
    out = [ox.Triple(root, ox.NamedNode(RDF_TYPE), ox.NamedNode(SC + "MappingSet")),
           ox.Triple(root, ox.NamedNode(DCT + "identifier"), ox.Literal(asset)),
           ox.Triple(root, ox.NamedNode(DCT + "publisher"), ox.NamedNode(publisher))]
    for d in decisions:
        node = ox.NamedNode(_axiom_iri(iri, d))
        term = terms.get(d.term)

        def add(p: str, o: ox.NamedNode | ox.Literal, node: ox.NamedNode = node) -> None:
            out.append(ox.Triple(node, ox.NamedNode(p), o))

        add(RDF_TYPE, ox.NamedNode(OWL + "Axiom"))
        add(OWL + "annotatedSource", ox.NamedNode(d.element))
        add(OWL + "annotatedProperty", ox.NamedNode(SKOS + d.relation))
        add(OWL + "annotatedTarget", ox.NamedNode(d.term))
        add(SSSOM + "subject_label", ox.Literal(d.element_label))
        if term is not None:
            add(SSSOM + "object_label", ox.Literal(term.name, language="en"))
            add(SSSOM + "object_source", ox.Literal(term.vocabulary))
        add(SSSOM + "mapping_justification",
            ox.NamedNode(SEMAPV + ("ManualMappingCuration" if d.score is None
                                   else "LexicalMatching")))
        if d.score is not None:
            add(SSSOM + "confidence", ox.Literal(repr(float(d.score)),
                                                 datatype=ox.NamedNode(XSD + "double")))
        if d.reviewer:
            add(SSSOM + "reviewer_label", ox.Literal(d.reviewer))
        if d.date:
            add(SSSOM + "mapping_date", ox.Literal(d.date, datatype=ox.NamedNode(XSD + "date")))
        if d.confirmed:
            out.append(ox.Triple(ox.NamedNode(d.element), ox.NamedNode(SKOS + d.relation),
                                 ox.NamedNode(d.term)))
        else:
            add(SSSOM + "predicate_modifier", ox.Literal("Not"))
    return out


def read_decisions(iri: str, triples: Sequence[ox.Triple]) -> list[Decision]:
    """The decisions of a mapping set's content."""
    props: dict[str, dict[str, str]] = {}
    for t in triples:
        if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(iri + "/"):
            props.setdefault(t.subject.value, {})[t.predicate.value] = t.object.value \
                if isinstance(t.object, ox.NamedNode | ox.Literal) else ""
    out = []
    for p in props.values():
        source, target = p.get(OWL + "annotatedSource"), p.get(OWL + "annotatedTarget")
        relation = p.get(OWL + "annotatedProperty", "")
        if not source or not target or not relation.startswith(SKOS):
            continue
        score = p.get(SSSOM + "confidence")
        out.append(Decision(source, p.get(SSSOM + "subject_label", ""), target,
                            relation[len(SKOS):], p.get(SSSOM + "predicate_modifier") != "Not",
                            float(score) if score else None, p.get(SSSOM + "reviewer_label", ""),
                            p.get(SSSOM + "mapping_date", "")))
    return sorted(out, key=lambda d: d.key)
