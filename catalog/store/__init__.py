"""The quad store: a projection of the ledger, one named graph per record.

:class:`QuadStore` is the seam; :mod:`catalog.store.embedded` (pyoxigraph on disk) and
:mod:`catalog.store.remote` (any SPARQL 1.1 server over the Protocol and the Graph Store
Protocol) implement it, and one contract test runs against both.

Writes go through :meth:`QuadStore.apply`, which replaces or drops graphs and moves the
projection watermark in ONE transaction, so a store that loses its last writes loses the
watermark with them and replay restores both.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import pyoxigraph as ox

from catalog.namespaces import (
    FENCE_PREDICATE,
    META_GRAPH,
    WATERMARK_PREDICATE,
    WATERMARK_SUBJECT,
)
from catalog.queries import BoundQuery
from catalog.queries import load as named_query

Row = dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]
_Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


@dataclass(frozen=True)
class GraphOp:
    """Replace graph ``iri`` by ``content`` (canonical N-Triples), or drop it when None."""

    iri: str
    content: str | None


class QuadStore(Protocol):
    """What the catalog needs of a quad store."""

    #: An update may still run after its sender is gone (a server in another process): the
    #: projector names what it sends before it sends it (see catalog/projections/verify.py).
    detached: bool

    def apply(self, ops: Sequence[GraphOp], watermark: int, fence: int | None = None
              ) -> None:
        """Replace or drop graphs and move the watermark in one transaction; with ``fence``
        (the writer's lease epoch), only while no newer writer has written (remote stores)."""
        ...

    def watermark(self) -> int: ...

    def graph(self, iri: str) -> list[ox.Triple]: ...

    def graph_names(self) -> set[str]: ...

    def run(self, query: BoundQuery, *, max_rows: int | None = None) -> list[Row]:
        """The rows of a named SELECT query with its bound parameters (at most ``max_rows``);
        unbound variables are left out of a row."""
        ...

    def select(self, query: str) -> list[Row]:
        """Run a trusted, fixed query text (tests, tools); the catalog runs named queries
        through :meth:`run`."""
        ...

    def ask(self, query: str) -> bool: ...

    def triple_count(self) -> int: ...

    def describe(self) -> str: ...

    def close(self) -> None: ...


def graph_triples(content: str) -> list[ox.Triple]:
    """The triples of canonical N-Triples ``content`` with fresh blank nodes.

    Every record's canonical form labels its blank nodes ``_:c14n0``, ``_:c14n1``...; two
    records in the store must not share them. Labels are replaced on the parsed terms by new
    random ones, never in the text, so literals and IRIs that contain ``_:`` are left alone.
    """
    triples = [q.triple for q in ox.parse(content, format=ox.RdfFormat.N_TRIPLES)]
    if "_:" not in content:
        return triples
    fresh: dict[str, ox.BlankNode] = {}

    def own(term: _Term) -> _Term:
        if isinstance(term, ox.BlankNode):
            return fresh.setdefault(term.value, ox.BlankNode())
        return term

    return [ox.Triple(own(t.subject), t.predicate, own(t.object))  # type: ignore[arg-type]
            for t in triples]


#: a blank node label of canonical N-Triples: a line's subject, or its object (a literal
#: cannot end a line with `` _:x .``: it ends with ``"``, a datatype or a language tag)
_LABEL = re.compile(r"(^|> )_:(\S+)(?= \.$| <)", re.MULTILINE)


def graphs_as_nquads(ops: Sequence[GraphOp]) -> str:
    """The contents of ``ops`` (canonical N-Triples) as one N-Quads document, each line put
    in its graph, with each graph's blank node labels made its own (``_:g3c14n0``): a loader
    that renames the labels of a document keeps two graphs' blank nodes apart. Text only, line
    by line: a parser reads it natively, no term is built in Python."""
    parts: list[str] = []
    for n, op in enumerate(ops):
        if not op.content:
            continue
        text = op.content if op.content.endswith("\n") else op.content + "\n"
        if "_:" in text:
            text = _LABEL.sub(rf"\g<1>_:g{n}\g<2>", text)
        parts.append(text.replace(" .\n", f" <{op.iri}> .\n"))
    return "".join(parts)


def _ntriples(triples: Sequence[ox.Triple]) -> str:
    return "".join(f"{t} .\n" for t in triples)


def update_text(ops: Sequence[GraphOp], watermark: int, fence: int | None = None) -> str:
    """One SPARQL Update request that applies ``ops`` and sets the watermark.

    This is data, not a query, and so not a named ``.rq`` file: the request carries the graphs'
    contents, written as N-Triples by pyoxigraph (:func:`graph_triples`), graph IRIs that the
    ledger minted and checked, and an ``int`` watermark.

    Only the last operation on a graph counts; all new contents go in a single ``INSERT DATA``
    (one operation is ~40 % faster to apply than one per graph), with blank nodes made
    distinct per graph (:func:`graph_triples`).
    """
    if fence is not None:
        return _fenced_update(ops, watermark, int(fence))
    last = {op.iri: op for op in ops}
    parts = [f"DROP SILENT GRAPH <{iri}>" for iri in last]
    bodies = [f"GRAPH <{op.iri}> {{\n{_ntriples(graph_triples(op.content))}}}"
              for op in last.values() if op.content]
    if bodies:
        parts.append("INSERT DATA {\n" + "\n".join(bodies) + "\n}")
    parts.append(
        f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ <{WATERMARK_SUBJECT}> "
        f"<{WATERMARK_PREDICATE}> ?w }} }}"
    )
    parts.append(
        f"INSERT DATA {{ GRAPH <{META_GRAPH}> {{ <{WATERMARK_SUBJECT}> "
        f"<{WATERMARK_PREDICATE}> {int(watermark)} }} }}"
    )
    return " ;\n".join(parts)


def _fenced_update(ops: Sequence[GraphOp], watermark: int, fence: int) -> str:
    """:func:`update_text` that does nothing unless the store's writer fence is at most
    ``fence`` (the lease epoch of the process that writes), then sets it to ``fence``.

    A process killed in the middle of an update cannot stop its request: a SPARQL server may
    still apply it after another process has taken the projection over. Every operation here
    is guarded by the fence, so such a late request from an older epoch changes nothing.
    """
    meta, subject = f"<{META_GRAPH}>", f"<{WATERMARK_SUBJECT}>"
    # one solution whatever the meta graph holds: the highest fence (two updates run at once
    # can leave two), so a template's blank nodes are instantiated once, and an older writer
    # stays fenced out by the newest epoch
    guard = (f"{{ SELECT (MAX(?f) AS ?fence) WHERE {{ GRAPH {meta} {{ {subject} "
             f"<{FENCE_PREDICATE}> ?f }} }} }} FILTER (!BOUND(?fence) || ?fence <= {fence})")
    last = {op.iri: op for op in ops}
    parts = [f"DELETE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }} WHERE {{ {guard} "
             f"GRAPH <{iri}> {{ ?s ?p ?o }} }}" for iri in last]
    bodies = [f"GRAPH <{op.iri}> {{\n{_ntriples(graph_triples(op.content))}}}"
              for op in last.values() if op.content]
    if bodies:
        parts.append("INSERT {\n" + "\n".join(bodies) + f"\n}} WHERE {{ {guard} }}")
    for predicate, value in ((WATERMARK_PREDICATE, int(watermark)), (FENCE_PREDICATE, fence)):
        parts.append(f"DELETE {{ GRAPH {meta} {{ {subject} <{predicate}> ?old }} }} WHERE {{ "
                     f"{guard} GRAPH {meta} {{ {subject} <{predicate}> ?old }} }}")
        parts.append(f"INSERT {{ GRAPH {meta} {{ {subject} <{predicate}> {value} }} }} "
                     f"WHERE {{ {guard} }}")
    return " ;\n".join(parts)


def watermark_query() -> BoundQuery:
    """The highest watermark triple. An insert-only batch adds its watermark before the older
    ones are removed, and is only used when the watermark does not go down, so the highest is
    always the one last applied."""
    return named_query("watermark").bind(meta=META_GRAPH, subject=WATERMARK_SUBJECT,
                                         predicate=WATERMARK_PREDICATE)


__all__ = ["GraphOp", "QuadStore", "Row", "graph_triples", "update_text", "watermark_query"]
