"""Embedded quad store: pyoxigraph (RocksDB) on disk.

Only trusted, named queries run here, in-process. User SPARQL never does: pyoxigraph has no
timeout and crashes on pathological nesting; it runs in :mod:`catalog.store.sandbox` on a
read-only snapshot made with :meth:`snapshot`.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from catalog.errors import StoreUnavailable
from catalog.namespaces import META_GRAPH, WATERMARK_PREDICATE, WATERMARK_SUBJECT, XSD
from catalog.queries import BoundQuery
from catalog.store import GraphOp, Row, graphs_as_nquads, update_text

_XSD_INTEGER = XSD + "integer"
_WM_S, _WM_P = ox.NamedNode(WATERMARK_SUBJECT), ox.NamedNode(WATERMARK_PREDICATE)
_META = ox.NamedNode(META_GRAPH)
#: Quads written between two flushes of RocksDB's memtables to disk. Oxigraph leaves them to
#: grow (~550 bytes of memory per quad written, measured: a 10,000-passport import reached
#: 1 GB); a flush every ~100,000 quads (~1,100 passports) keeps them near 50 MB.
FLUSH_EVERY_QUADS = 100_000


class EmbeddedStore:
    detached = False  # an update runs in this process: it dies with it

    def __init__(self, path: Path | None) -> None:
        self.path = path
        try:
            if path is None:
                self._store = ox.Store()
            else:
                path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
        except OSError as exc:
            raise StoreUnavailable.of("store.cannot_open", path=path, reason=exc) from exc
        self._snapshot_lock = threading.Lock()
        self._unflushed = 0  # quads written since the last flush

    @property
    def native(self) -> ox.Store:
        return self._store

    def apply(self, ops: Sequence[GraphOp], watermark: int, fence: int | None = None
              ) -> None:
        """Atomically apply ``ops`` and set the watermark.

        A batch that only adds new graphs and does not lower the watermark (a bulk import)
        is bulk-loaded as one N-Quads document, parsed natively and written straight to disk
        (3-5x faster than a transactional insert, and no memtable grows); then its watermark
        triple is added and the older ones removed. The load is not atomic, but nothing is
        lost: a crash before the watermark moves leaves some of the graphs, and the replay of
        the batch, finding them, takes the other path, which drops each graph before it
        inserts it. Anything else is one SPARQL Update that also clears the older watermark
        triples.
        """
        last = {op.iri: op for op in ops}
        if (all(op.content for op in last.values()) and watermark >= self.watermark()
                and not any(self._store.contains_named_graph(ox.NamedNode(iri))
                            for iri in last)):
            self._store.bulk_load(input=graphs_as_nquads(list(last.values())),
                                  format=ox.RdfFormat.N_QUADS)
            mark = ox.Literal(str(int(watermark)), datatype=ox.NamedNode(_XSD_INTEGER))
            self._store.extend([ox.Quad(_WM_S, _WM_P, mark, _META)])
            for old in list(self._store.quads_for_pattern(_WM_S, _WM_P, None, _META)):
                if old.object != mark:
                    self._store.remove(old)
            return
        self._store.update(update_text(ops, watermark))
        self._written(sum(op.content.count("\n") for op in last.values() if op.content))

    def _written(self, quads: int) -> None:
        """Flush the memtables once enough has been written (bounded memory, any writer)."""
        self._unflushed += quads
        if self._unflushed >= FLUSH_EVERY_QUADS:
            self._store.flush()
            self._unflushed = 0

    def watermark(self) -> int:
        """The highest watermark triple (see :func:`catalog.store.watermark_query`), read by
        pattern: no query needed."""
        marks = [int(q.object.value) for q in
                 self._store.quads_for_pattern(_WM_S, _WM_P, None, _META)
                 if isinstance(q.object, ox.Literal)]
        return max(marks, default=0)

    def graph(self, iri: str) -> list[ox.Triple]:
        return [q.triple for q in self._store.quads_for_pattern(None, None, None,
                                                                ox.NamedNode(iri))]

    def graph_names(self) -> set[str]:
        return {g.value for g in self._store.named_graphs()
                if isinstance(g, ox.NamedNode) and g.value != META_GRAPH}

    def run(self, query: BoundQuery, *, max_rows: int | None = None) -> list[Row]:
        """The values go to pyoxigraph as ``substitutions``: the text is never changed."""
        res = self._store.query(query.text, substitutions=query.substitutions())
        return _rows(res, max_rows)

    def select(self, query: str) -> list[Row]:
        return _rows(self._store.query(query), None)

    def ask(self, query: str) -> bool:
        res = self._store.query(query)
        return bool(res)

    def triple_count(self) -> int:
        return len(self._store)

    def describe(self) -> str:
        return "embedded Oxigraph" if self.path else "in-memory Oxigraph"

    def snapshot(self, target: Path) -> Path:
        """A consistent read-only copy (RocksDB checkpoint: hard links, cheap)."""
        with self._snapshot_lock:
            if target.exists():
                shutil.rmtree(target)
            target.parent.mkdir(parents=True, exist_ok=True)
            self._store.flush()
            self._store.backup(str(target))
        return target

    def close(self) -> None:
        self._store.flush()
        del self._store


def _rows(res: object, max_rows: int | None) -> list[Row]:
    assert isinstance(res, ox.QuerySolutions)
    names = [v.value for v in res.variables]
    out: list[Row] = []
    for s in res:  # solutions are read lazily: stop at max_rows
        if max_rows is not None and len(out) >= max_rows:
            break
        out.append({n: s[n] for n in names if s[n] is not None})
    return out
