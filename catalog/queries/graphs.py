"""The graphs of the published catalogue, read whole (the read side of the SPARQL 1.1 Graph
Store Protocol, https://www.w3.org/TR/sparql11-http-rdf-update/): one record's named graph, or
the default graph, which is the union of every record's graph (``sd:UnionDefaultGraph``).

The store's own bookkeeping graph (the projection's watermark) is never one of them.
"""

from __future__ import annotations

import pyoxigraph as ox

from catalog.errors import InvalidInput, NotFound
from catalog.namespaces import META_GRAPH
from catalog.store import QuadStore

GSP = "https://www.w3.org/TR/sparql11-http-rdf-update/#indirect-graph-identification"
MAX_IRI = 4096


def graph_iri(value: str, field: str = "graph", link: str = GSP) -> str:
    """``value`` checked as the absolute IRI of a graph (``?graph=``, or the ``field`` named:
    the ``default-graph-uri`` and ``named-graph-uri`` of a query)."""
    expected = f"an absolute IRI of at most {MAX_IRI} characters"
    if len(value) > MAX_IRI:
        raise InvalidInput.of("gsp.graph_iri", field=field, value=value[:80] + "…",
                              expected=expected, link=link)
    try:
        node = ox.NamedNode(value)
    except ValueError:
        node = None
    if node is None or ":" not in value:
        raise InvalidInput.of("gsp.graph_iri", field=field, value=value, expected=expected,
                              link=link)
    return value


def named_graph(store: QuadStore, iri: str) -> list[ox.Triple]:
    """The triples of the record whose graph is ``iri``, or :class:`NotFound`."""
    triples = [] if iri == META_GRAPH else store.graph(iri)
    if not triples:
        raise NotFound.of("gsp.no_graph", field="graph", value=iri, link=GSP)
    return triples


def default_graph(store: QuadStore) -> list[ox.Triple]:
    """The union of every record's graph (blank nodes stay distinct per graph)."""
    out: list[ox.Triple] = []
    for name in sorted(store.graph_names()):
        out += store.graph(name)
    return out


__all__ = ["GSP", "default_graph", "graph_iri", "named_graph"]
