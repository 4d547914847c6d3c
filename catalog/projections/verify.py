"""Graphs of the store compared with the ledger, and the operations that repair them.

After a projector died with an update in flight to a remote SPARQL server, the server may run
that update beside the next holder's: both read the old fence and both land, so a graph can end
with two copies of its blank-node structures, or with an older version's triples beside the
current ones. The graphs that update named (:meth:`catalog.ledger.leases.Lease.note_inflight`)
are compared here, triple for triple in canonical form, with the ledger's published versions.
"""

from __future__ import annotations

from collections.abc import Collection

from catalog import rdfio
from catalog.ledger import Ledger
from catalog.store import GraphOp, QuadStore

#: Graphs read from the ledger at a time.
CHUNK = 500


def repairs(store: QuadStore, ledger: Ledger, graphs: Collection[str]) -> list[GraphOp]:
    """What makes ``graphs`` of ``store`` equal to the ledger's published state: the published
    content of each graph that differs, a drop of each that should not be there."""
    ops: list[GraphOp] = []
    names = sorted(graphs)
    for start in range(0, len(names), CHUNK):
        chunk = names[start:start + CHUNK]
        published = ledger.published(iris=chunk)
        for iri in chunk:
            want = published.get(iri)
            have = store.graph(iri)
            if want is None:
                if have:
                    ops.append(GraphOp(iri, None))
            elif rdfio.canonical_ntriples(have) != want:
                ops.append(GraphOp(iri, want))
    return ops


__all__ = ["repairs"]
