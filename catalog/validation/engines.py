"""SHACL engines: pySHACL (the reference) and pyshacl-turbo (the same checks compiled to Rust),
and the shapes they run, parsed and checked against SHACL-for-SHACL once."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox
import pyshacl
import pyshacl_turbo
from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RLiteral
from rdflib.term import Node

from catalog.errors import ConfigurationError


class Engine(Protocol):
    name: str

    def run(self, data: Graph, focus: Sequence[Node] | None = None) -> Graph:
        """Validate ``data`` (only the ``focus`` nodes when given); the SHACL report graph."""
        ...

    def run_triples(self, triples: Sequence[ox.Triple], focus: Sequence[Node] | None = None
                    ) -> Graph:
        """The same, for data given as pyoxigraph triples (the per-record path)."""
        ...


class PyshaclEngine:
    """The reference engine (pySHACL)."""

    name = "pyshacl"

    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes

    def run(self, data: Graph, focus: Sequence[Node] | None = None) -> Graph:
        _, report, _ = pyshacl.validate(data, shacl_graph=self.shapes, inference=None,
                                        advanced=True, allow_warnings=False,
                                        focus_nodes=list(focus) if focus else None,  # type: ignore[arg-type]
                                        )
        assert isinstance(report, Graph)
        return report

    def run_triples(self, triples: Sequence[ox.Triple], focus: Sequence[Node] | None = None
                    ) -> Graph:
        return self.run(to_graph(triples), focus)


class TurboEngine:
    """pyshacl-turbo: the same API, shapes compiled once to a Rust program."""

    name = "turbo"

    def __init__(self, shapes: Graph) -> None:
        # compiled from a copy without prefix bindings: the engine binds every prefix of the
        # shapes graph into each report graph it returns (rdflib's bind is slow: ~35 % of a
        # passport's validation went there), and nothing reads a report's prefixes
        bare = Graph(bind_namespaces="none")
        for triple in shapes:
            bare.add(triple)
        try:
            self._compiled = pyshacl_turbo.compile_shapes(  # type: ignore[no-untyped-call]
                bare, advanced=True)
        except Exception as exc:  # the engine's own error types, reported as configuration
            raise ConfigurationError.of("shapes.not_compiled", reason=exc) from exc

    def run(self, data: Graph | ox.Store, focus: Sequence[Node] | None = None) -> Graph:
        _, report, _ = self._compiled.validate(
            data, inference=None, focus_nodes=list(focus) if focus is not None else None)
        assert isinstance(report, Graph)
        return report

    def run_triples(self, triples: Sequence[ox.Triple], focus: Sequence[Node] | None = None
                    ) -> Graph:
        """The engine reads a pyoxigraph store natively: no rdflib graph is built (about
        1.5 ms less per passport)."""
        store = ox.Store()
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        return self.run(store, focus)


ENGINES: dict[str, Callable[[Graph], Engine]] = {"pyshacl": PyshaclEngine, "turbo": TurboEngine}


def load_shapes(paths: Iterable[Path]) -> Graph:
    """Parse shapes files and check them against SHACL-for-SHACL (once, at load)."""
    g = Graph()
    for p in paths:
        try:
            g.parse(p, format="turtle")
        except Exception as exc:
            raise ConfigurationError.of("shapes.unparsable", file=p, reason=exc) from exc
    conforms, _, text = pyshacl_turbo.meta_validate(  # type: ignore[no-untyped-call]
        g, inference=None)
    if not conforms:
        raise ConfigurationError.of("shapes.not_shacl", reason=text[:2000])
    return g


@lru_cache(maxsize=65536)
def _iri(value: str) -> URIRef:
    return URIRef(value)


def to_rdflib(term: Any) -> Node:
    """A pyoxigraph term as an rdflib term."""
    if isinstance(term, ox.NamedNode):
        return _iri(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return RLiteral(term.value, lang=term.language)
        return RLiteral(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported term {term!r}")


def to_graph(triples: Iterable[ox.Triple]) -> Graph:
    g = Graph(bind_namespaces="none")
    for t in triples:
        g.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return g
