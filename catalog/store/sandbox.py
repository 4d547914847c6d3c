"""Where user SPARQL runs: pre-started worker processes, each killed at its query's deadline.

pyoxigraph cannot be interrupted mid-query and has no timeout, so a query runs in a worker
process that reads a read-only snapshot of the embedded store (a RocksDB checkpoint made with
``Store.backup()``, one per projected watermark). The parent waits for the answer until the
deadline, then SIGKILLs the worker and starts a fresh one; other queries keep being answered by
the other workers meanwhile.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import queue
import shutil
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from catalog.errors import QueryRejected, QueryTimeout, StoreUnavailable


@dataclass(frozen=True)
class QueryAnswer:
    """A complete answer: SPARQL JSON results, or N-Triples for graph queries."""

    body: bytes
    media_type: str
    rows: int
    truncated: bool


def _term_json(term: Any) -> dict[str, str]:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


def _execute(store: Any, query: str, max_rows: int) -> tuple[bytes, str, int, bool]:
    import pyoxigraph as ox

    res = store.query(query, use_default_graph_as_union=True)
    if isinstance(res, ox.QueryBoolean):
        return json.dumps({"head": {}, "boolean": bool(res)}).encode(), \
            "application/sparql-results+json", 1, False
    if isinstance(res, ox.QuerySolutions):
        names = [v.value for v in res.variables]
        bindings: list[dict[str, dict[str, str]]] = []
        truncated = False
        for sol in res:
            if len(bindings) >= max_rows:
                truncated = True
                break
            bindings.append({n: _term_json(sol[n]) for n in names if sol[n] is not None})
        body = {"head": {"vars": names}, "results": {"bindings": bindings}}
        return json.dumps(body, ensure_ascii=False).encode(), \
            "application/sparql-results+json", len(bindings), truncated
    triples: list[Any] = []
    truncated = False
    for t in res:
        if len(triples) >= max_rows:
            truncated = True
            break
        triples.append(t)
    out = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return out, "application/n-triples", len(triples), truncated


def _worker_main(conn: Connection) -> None:
    import pyoxigraph as ox

    current: tuple[str, Any] | None = None
    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        snapshot, query, max_rows = msg
        try:
            if current is None or current[0] != snapshot:
                current = (snapshot, ox.Store.read_only(snapshot))
            conn.send(("ok", _execute(current[1], query, max_rows)))
        except SyntaxError as exc:
            conn.send(("syntax", str(exc)))
        except Exception as exc:  # reported to the parent as a store failure
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


class _Worker:
    def __init__(self, ctx: Any) -> None:
        self.conn, child = ctx.Pipe()
        self.proc: BaseProcess = ctx.Process(target=_worker_main, args=(child,), daemon=True)
        self.proc.start()
        child.close()

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(timeout=5)
        self.conn.close()


class QuerySandbox:
    """A pool of killable query workers over snapshots of an embedded store."""

    def __init__(self, snapshot_dir: Path, make_snapshot: Any, current_mark: Any, *,
                 workers: int = 2, keep: int = 3) -> None:
        self._ctx = mp.get_context("spawn")
        self.snapshot_dir = snapshot_dir
        self._make_snapshot = make_snapshot
        self._current_mark = current_mark
        self._keep = keep
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._snap_lock = threading.Lock()
        self._snapshot: tuple[int, Path] | None = None
        for _ in range(workers):
            self._idle.put(_Worker(self._ctx))

    def _snapshot_path(self) -> Path:
        mark = self._current_mark()
        with self._snap_lock:
            if self._snapshot is None or self._snapshot[0] != mark:
                target = self.snapshot_dir / f"{mark:012d}-{time.monotonic_ns()}"
                self._make_snapshot(target)
                self._snapshot = (mark, target)
                self._prune(target)
            return self._snapshot[1]

    def _prune(self, newest: Path) -> None:
        olds = sorted(p for p in self.snapshot_dir.iterdir() if p != newest)
        for p in olds[: max(0, len(olds) - (self._keep - 1))]:
            shutil.rmtree(p, ignore_errors=True)

    def run(self, query: str, *, timeout_s: float, max_rows: int) -> QueryAnswer:
        deadline = time.monotonic() + timeout_s
        snapshot = self._snapshot_path()
        try:
            worker = self._idle.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty as exc:
            raise QueryTimeout(
                f"no query worker became free within {timeout_s:g} s; try again later",
                message_ro=f"niciun proces de interogare nu s-a eliberat în {timeout_s:g} s",
            ) from exc
        try:
            worker.conn.send((str(snapshot), query, max_rows))
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                worker.kill()
                worker = _Worker(self._ctx)
                raise QueryTimeout(
                    f"the query ran longer than its {timeout_s:g} s limit and was stopped",
                    message_ro=f"interogarea a depășit limita de {timeout_s:g} s și a fost "
                    "oprită",
                    expected=f"<= {timeout_s:g} s",
                )
            kind, payload = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError) as exc:
            worker.kill()
            worker = _Worker(self._ctx)
            raise StoreUnavailable("the query worker died; the query was not answered") from exc
        finally:
            self._idle.put(worker)
        if kind == "syntax":
            raise QueryRejected(f"SPARQL error: {payload}", field="query")
        if kind == "error":
            raise StoreUnavailable(f"the query failed: {payload}")
        body, media, rows, truncated = payload
        return QueryAnswer(body, media, rows, truncated)

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().kill()
            except queue.Empty:
                break
