"""The quad store: a projection of the ledger, one named graph per record.

:class:`QuadStore` is the seam; :mod:`catalog.store.embedded` (pyoxigraph on disk) and
:mod:`catalog.store.remote` (any SPARQL 1.1 server over the Protocol and the Graph Store
Protocol) implement it, and one contract test runs against both.

Writes go through :meth:`QuadStore.apply`, which replaces or drops graphs and moves the
projection watermark in ONE transaction, so a store that loses its last writes loses the
watermark with them and replay restores both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import pyoxigraph as ox

from catalog.namespaces import META_GRAPH, WATERMARK_PREDICATE, WATERMARK_SUBJECT


@dataclass(frozen=True)
class GraphOp:
    """Replace graph ``iri`` by ``content`` (canonical N-Triples), or drop it when None."""

    iri: str
    content: str | None


class QuadStore(Protocol):
    """What the catalog needs of a quad store."""

    def apply(self, ops: Sequence[GraphOp], watermark: int) -> None: ...

    def watermark(self) -> int: ...

    def graph(self, iri: str) -> list[ox.Triple]: ...

    def graph_names(self) -> set[str]: ...

    def select(self, query: str) -> list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]]:
        """Run a trusted, named query (never user text)."""
        ...

    def ask(self, query: str) -> bool: ...

    def triple_count(self) -> int: ...

    def describe(self) -> str: ...

    def close(self) -> None: ...


def update_text(ops: Sequence[GraphOp], watermark: int) -> str:
    """One SPARQL Update request that applies ``ops`` and sets the watermark."""
    parts: list[str] = []
    for n, op in enumerate(ops):
        parts.append(f"DROP SILENT GRAPH <{op.iri}>")
        if op.content:
            body = op.content.replace("_:", f"_:o{n}x")
            parts.append(f"INSERT DATA {{ GRAPH <{op.iri}> {{\n{body}}} }}")
    parts.append(
        f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ <{WATERMARK_SUBJECT}> "
        f"<{WATERMARK_PREDICATE}> ?w }} }}"
    )
    parts.append(
        f"INSERT DATA {{ GRAPH <{META_GRAPH}> {{ <{WATERMARK_SUBJECT}> "
        f"<{WATERMARK_PREDICATE}> {int(watermark)} }} }}"
    )
    return " ;\n".join(parts)


WATERMARK_QUERY = (
    f"SELECT ?w WHERE {{ GRAPH <{META_GRAPH}> {{ <{WATERMARK_SUBJECT}> "
    f"<{WATERMARK_PREDICATE}> ?w }} }}"
)

__all__ = ["WATERMARK_QUERY", "GraphOp", "QuadStore", "update_text"]
