"""The check projection: the facts of every published record (:mod:`catalog.checks.facts`) in an
in-memory Oxigraph store, one named graph per record, following the ledger's change sequence.

It is a :class:`~catalog.projections.Projection` like the others (watermark, apply, rebuild):
one publish replaces one record's graph, so the rules never wait for a rebuild, and ``semcat
rebuild`` makes it again from the ledger. A what-if run lays drafts over it for the length of
one run (:meth:`CheckProjection.overlay`) and puts the published facts back.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

import pyoxigraph as ox

from catalog import rdfio
from catalog.checks.facts import facts
from catalog.ledger import ChangeRow, Ledger
from catalog.queries import BoundQuery
from catalog.records.kinds import Kinds
from catalog.records.split import RecordDraft

Row = dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]


class CheckProjection:
    name = "checks"
    batch = 2000

    def __init__(self, kinds: Kinds) -> None:
        self.kinds = kinds
        self.store = ox.Store()
        self._mark = 0
        self.lock = threading.RLock()

    # the projection ----------------------------------------------------------------------
    def watermark(self) -> int:
        return self._mark

    def apply(self, rows: Sequence[ChangeRow], since: int) -> bool:
        with self.lock:
            if self._mark != since:
                return False
            last: dict[str, ChangeRow] = {r.iri: r for r in rows}  # only the last counts
            for r in last.values():
                self._put(r.iri, r.kind, r.content if r.op == "publish" else None, r)
            self._mark = rows[-1].seq
            return True

    def rebuild(self, ledger: Ledger) -> int:
        mark = ledger.last_seq()  # read before the records: replays are harmless
        published = ledger.published_records()
        quads: list[ox.Quad] = []
        for iri, (kind, content) in published.items():
            g = ox.NamedNode(iri)
            quads += [ox.Quad(t.subject, t.predicate, t.object, g) for t in facts(
                self.kinds.get(kind), iri, rdfio.parse_canonical(content))]
        store = ox.Store()
        store.bulk_extend(quads)
        with self.lock:
            self.store, self._mark = store, mark
        return len(published)

    def _put(self, iri: str, kind: str, content: str | None, row: ChangeRow | None = None
             ) -> None:
        g = ox.NamedNode(iri)
        if self.store.contains_named_graph(g):
            self.store.remove_graph(g)
        if content is not None:
            triples = facts(self.kinds.get(kind), iri, rdfio.parse_canonical(content),
                            row.at if row is not None else None)
            self.store.extend([ox.Quad(t.subject, t.predicate, t.object, g) for t in triples])

    # reading -----------------------------------------------------------------------------
    def run(self, query: BoundQuery) -> list[Row]:
        """The rows of a rule's query, its values bound by substitution."""
        with self.lock:
            result = self.store.query(query.text, substitutions=query.substitutions(),
                                      use_default_graph_as_union=True)
            assert isinstance(result, ox.QuerySolutions)
            names = [v.value for v in result.variables]
            return [{n: s[n] for n in names if s[n] is not None} for s in result]

    @contextmanager
    def overlay(self, drafts: Sequence[RecordDraft]) -> Iterator[None]:
        """``drafts`` as if published, for one run; the published facts are put back after."""
        with self.lock:
            saved: Mapping[str, list[ox.Quad]] = {
                d.iri: list(self.store.quads_for_pattern(None, None, None, ox.NamedNode(d.iri)))
                for d in drafts}
            try:
                for d in drafts:
                    g = ox.NamedNode(d.iri)
                    if self.store.contains_named_graph(g):
                        self.store.remove_graph(g)
                    self.store.extend([ox.Quad(t.subject, t.predicate, t.object, g)
                                       for t in facts(d.spec, d.iri, d.triples)])
                yield
            finally:
                for iri, quads in saved.items():
                    g = ox.NamedNode(iri)
                    if self.store.contains_named_graph(g):
                        self.store.remove_graph(g)
                    self.store.extend(quads)

    def size(self) -> int:
        return len(self.store)


__all__ = ["CheckProjection"]
