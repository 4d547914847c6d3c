"""Cutting parsed RDF into records: which triples belong to which record's graph.

In TriG or N-Quads each named graph is one record, named after its root resource. In a
triples-only document the roots are the resources typed with the root class of a kind
(:class:`catalog.records.kinds.Kinds`); a triple belongs to the root whose IRI is its
subject or a prefix of it (``<root>/…``, ``<root>#…``), to the concept scheme its subject is
``skos:inScheme`` of, or, for blank nodes, to the record that refers to them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from catalog import rdfio
from catalog.errors import InvalidInput
from catalog.namespaces import RDF_TYPE, SKOS
from catalog.records.builtin import builtin, builtin_kinds
from catalog.records.ids import owner_by_prefix
from catalog.records.kinds import Kinds, RecordKind

_IN_SCHEME = SKOS + "inScheme"


@dataclass
class RecordDraft:
    """One record's content as parsed, before validation and the ledger."""

    iri: str
    kind: str
    triples: list[ox.Triple] = field(default_factory=list)
    #: the kind's declaration (a shipped kind is found by name when not given)
    declared: RecordKind | None = field(default=None, compare=False, repr=False)
    #: where the version written from this draft came from (an adapter's run: source, run,
    #: key, location, time), kept with the version in the ledger and its audit entry; it is
    #: not content (a re-run of an unchanged source writes nothing)
    provenance: dict[str, str] | None = field(default=None, compare=False, repr=False)

    @property
    def spec(self) -> RecordKind | None:
        return self.declared or builtin(self.kind)

    def values(self, subject: str, predicate: str) -> list[ox.NamedNode | ox.BlankNode
                                                           | ox.Literal]:
        return [t.object for t in self.triples  # type: ignore[misc]
                if isinstance(t.subject, ox.NamedNode) and t.subject.value == subject
                and t.predicate.value == predicate]

    def literal(self, predicate: str) -> str | None:
        vals = [v.value for v in self.values(self.iri, predicate) if isinstance(v, ox.Literal)]
        return vals[0] if vals else None

    @property
    def code(self) -> str | None:
        spec = self.spec
        return spec.code_of(self.iri, self.triples) if spec is not None else None

    @property
    def authority(self) -> str | None:
        """The organisation that owns the record (None for reference data)."""
        spec = self.spec
        return spec.authority_of(self.iri, self.triples) if spec is not None else None

    def canonical(self) -> str:
        return rdfio.canonical_ntriples(self.triples)


def _types(quads: Iterable[ox.Quad]) -> dict[str, list[str]]:
    types: dict[str, list[str]] = defaultdict(list)
    for q in quads:
        if q.predicate.value == RDF_TYPE and isinstance(q.subject, ox.NamedNode) \
                and isinstance(q.object, ox.NamedNode):
            types[q.subject.value].append(q.object.value)
    return types


def split(quads: list[ox.Quad], kinds: Kinds | None = None) -> list[RecordDraft]:
    """Records in document order; raises :class:`InvalidInput` for orphan triples."""
    kinds = kinds if kinds is not None else builtin_kinds()
    types = _types(quads)
    named = [q for q in quads if isinstance(q.graph_name, ox.NamedNode)]
    default = [q for q in quads if not isinstance(q.graph_name, ox.NamedNode)]
    records: dict[str, RecordDraft] = {}
    for q in named:
        g = q.graph_name.value  # type: ignore[union-attr]
        if g not in records:
            kind = kinds.of_types(types.get(g, []))
            if kind is None:
                raise InvalidInput.of("split.graph_not_record", value=g,
                                      expected=", ".join(kinds.root_classes))
            records[g] = RecordDraft(g, kind.name, declared=kind)
        records[g].triples.append(q.triple)
    if default:
        for draft in _split_default(default, types, kinds):
            if draft.iri in records:
                records[draft.iri].triples.extend(draft.triples)
            else:
                records[draft.iri] = draft
    if not records:
        raise InvalidInput.of("split.no_record", expected="at least one typed root resource")
    return list(records.values())


def _split_default(quads: list[ox.Quad], types: dict[str, list[str]], kinds: Kinds
                   ) -> list[RecordDraft]:
    roots: dict[str, RecordDraft] = {}
    for s, ts in types.items():
        kind = kinds.of_types(ts)
        if kind is not None:
            roots[s] = RecordDraft(s, kind.name, declared=kind)
    # a root nested under another root's IRI is a child of it (articles of a law, concepts)
    for iri in sorted(roots, key=len):
        parent = owner_by_prefix(iri, roots, exclude=iri)
        if parent is not None:
            del roots[iri]
    schemes = {q.subject.value: q.object.value for q in quads
               if q.predicate.value == _IN_SCHEME and isinstance(q.object, ox.NamedNode)
               and q.object.value in roots and isinstance(q.subject, ox.NamedNode)}
    # a member of a concept scheme is part of the scheme's record, whatever else it is
    for member, scheme_iri in schemes.items():
        scheme = roots[scheme_iri].spec
        if member in roots and scheme is not None and scheme.members_in_scheme \
                and roots[member].kind != scheme.name:
            del roots[member]
    bnode_owner: dict[str, str] = {}
    pending: list[ox.Quad] = []
    for q in quads:
        owner = _owner(q.subject, roots, schemes, bnode_owner)
        if owner is None:
            pending.append(q)
            continue
        roots[owner].triples.append(q.triple)
        if isinstance(q.object, ox.BlankNode):
            bnode_owner.setdefault(q.object.value, owner)
    # blank nodes referred to later in the document, or nested blank nodes
    changed = True
    while pending and changed:
        changed, rest = False, []
        for q in pending:
            owner = _owner(q.subject, roots, schemes, bnode_owner)
            if owner is None:
                rest.append(q)
                continue
            changed = True
            roots[owner].triples.append(q.triple)
            if isinstance(q.object, ox.BlankNode):
                bnode_owner.setdefault(q.object.value, owner)
        pending = rest
    if pending:
        subj = pending[0].subject
        raise InvalidInput.of("split.orphan_triples", value=str(subj))
    return list(roots.values())


def _owner(subject: ox.NamedNode | ox.BlankNode | ox.Triple, roots: dict[str, RecordDraft],
           schemes: dict[str, str], bnode_owner: dict[str, str]) -> str | None:
    if isinstance(subject, ox.BlankNode):
        return bnode_owner.get(subject.value)
    if not isinstance(subject, ox.NamedNode):
        return None
    if subject.value in schemes:
        return schemes[subject.value]
    return owner_by_prefix(subject.value, roots)
