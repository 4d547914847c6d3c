"""What the catalogue says about one resource, for dereferencing its IRI.

A record's root IRI gives its whole graph; any other resource of the record (an evidence of a
passport, a concept of a code list, an article of a law, an address) gives the triples about
it, about the resources under its IRI and about the blank nodes they reach.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from catalog.errors import NotFound
from catalog.namespaces import RDF_TYPE
from catalog.queries import load as named_query
from catalog.records.builtin import builtin_kinds
from catalog.records.kinds import Kinds
from catalog.store import QuadStore


@dataclass(frozen=True)
class Description:
    iri: str
    record: str  # the IRI of the record (graph) it is part of
    kind: str | None  # of the record: service, organisation, codelist, legal, location
    types: tuple[str, ...]  # classes of the resource itself
    triples: list[ox.Triple]


def _under(term: object, iri: str) -> bool:
    return isinstance(term, ox.NamedNode) and (
        term.value == iri or term.value.startswith((iri + "/", iri + "#")))


def describe(store: QuadStore, iri: str, kinds: Kinds | None = None) -> Description:
    """The description of ``iri`` from the published catalogue, or NotFound."""
    kinds = kinds if kinds is not None else builtin_kinds()
    rows = store.run(named_query("graph_of").bind(s=iri))
    if not rows:
        raise NotFound(f"the catalogue does not describe {iri}",
                       message_ro=f"catalogul nu descrie {iri}", value=iri)
    record = rows[0]["g"].value
    graph = store.graph(record)
    record_types = [t.object.value for t in graph if t.subject == ox.NamedNode(record)
                    and t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode)]
    spec = kinds.of_types(record_types)
    kind = spec.name if spec is not None else None
    if record == iri:
        own = graph
    else:
        own = [t for t in graph if _under(t.subject, iri)]
        reached = {t.object for t in own if isinstance(t.object, ox.BlankNode)}
        while reached:
            more = [t for t in graph if t.subject in reached and t not in own]
            own += more
            reached = {t.object for t in more if isinstance(t.object, ox.BlankNode)}
    types = tuple(sorted(t.object.value for t in own if t.subject == ox.NamedNode(iri)
                         and t.predicate.value == RDF_TYPE
                         and isinstance(t.object, ox.NamedNode)))
    return Description(iri, record, kind, types, own)


@dataclass(frozen=True)
class Linked:
    code: str
    iri: str
    title: dict[str, str]


def services_linking(store: QuadStore, iri: str, family: str) -> list[Linked]:
    """Published national services (IRIs under ``family``: see
    :func:`catalog.queries.browse.national_family`) whose passport refers to ``iri``, by
    code."""
    query = named_query("services_linking").bind(target=iri, family=family)
    return [Linked(r["code"].value, r["service"].value,
                   {lang: r[f"title_{lang}"].value for lang in ("ro", "en", "ru")
                    if f"title_{lang}" in r})
            for r in store.run(query)]
