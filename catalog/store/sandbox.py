"""Where user SPARQL runs: pre-started worker processes, each killed at its query's deadline.

pyoxigraph cannot be interrupted mid-query and has no timeout, so a query runs in a worker
process that reads a read-only snapshot of the embedded store (a RocksDB checkpoint made with
``Store.backup()``, one per projected watermark, with the bookkeeping graphs removed so that user
queries never see them). The worker checks the query in full (:func:`check_query`: even a parse
that takes pathologically long is under the deadline), runs it and writes the answer in the
requested format. The parent waits for the answer until the deadline, then SIGKILLs the worker and
starts a fresh one; other queries keep being answered by the other workers meanwhile. A worker
past its memory cap (:mod:`catalog.store.limits`) is replaced the same way.

Both threads (:meth:`QuerySandbox.run`) and asyncio tasks (:meth:`QuerySandbox.arun`, which
waits on the worker's pipe with the event loop, holding no thread) use the same pool.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing as mp
import os
import shutil
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, Generic, TypeVar

from catalog.errors import (
    CatalogError,
    InvalidInput,
    QueryRejected,
    QueryTimeout,
    StoreUnavailable,
    TooLarge,
    UnsafeInput,
)
from catalog.queries.guard import CheckedQuery, QueryDataset
from catalog.queries.results import Limits, Truncation
from catalog.store import limits

log = logging.getLogger(__name__)

T = TypeVar("T")
_BOOT_S = 60.0


@dataclass(frozen=True)
class QueryAnswer:
    """A complete answer in ``media_type``; ``truncated_by`` names the cap that stopped it."""

    body: bytes
    media_type: str
    rows: int
    truncated_by: Truncation = None

    @property
    def truncated(self) -> bool:
        return self.truncated_by is not None


@dataclass(frozen=True)
class Job:
    """One query for a worker: the text, the answer's format and caps, and the dataset."""

    query: str
    result_format: str
    limits: Limits
    max_query_bytes: int
    max_nesting: int
    #: the protocol's dataset (``default-graph-uri``/``named-graph-uri``), already restricted
    dataset: QueryDataset | None = None
    base_iri: str | None = None
    #: the full check's verdict, when a worker already passed this text (the parent keeps it)
    checked: CheckedQuery | None = None


_ERRORS: dict[str, type[CatalogError]] = {
    c.__name__: c for c in (QueryRejected, TooLarge, InvalidInput, UnsafeInput)}
_ERROR_FIELDS = ("message_ro", "message_ru", "message_id", "field", "value", "expected", "link",
                 "line", "column")


def _dataset_options(checked: CheckedQuery, protocol: QueryDataset | None) -> dict[str, Any]:
    """The protocol's dataset wins over the query's ``FROM``; without either, the default
    graph is the union of the (record) graphs."""
    import pyoxigraph as ox

    if protocol is not None:
        return {"default_graph": [ox.NamedNode(g) for g in protocol.default],
                "named_graphs": [ox.NamedNode(g) for g in protocol.named]}
    if checked.dataset is not None:
        return {}
    return {"use_default_graph_as_union": True}


def _worker_main(conn: Connection, memory_mb: int | None = None, nice: int = 0) -> None:
    import pyoxigraph as ox

    os.nice(nice)  # user queries yield the CPU to the server's own work (reads, writes)

    from catalog.queries.guard import check_offset, check_query
    from catalog.queries.results import FORMATS, write_result

    current: tuple[str, Any] | None = None
    checked: OrderedDict[str, CheckedQuery] = OrderedDict()  # texts already found safe
    cap = limits.DataCap(memory_mb)
    conn.send(("ready", None))
    while True:
        try:
            snapshot, job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            ok = job.checked or checked.get(job.query)
            if ok is None:
                ok = check_query(job.query, max_bytes=job.max_query_bytes,
                                 max_nesting=job.max_nesting)
                check_offset(ok, job.limits.offset)
                checked[job.query] = ok
                if len(checked) > 512:
                    checked.popitem(last=False)
            if current is None or current[0] != snapshot:
                current = None
                with cap.opening():  # opening one takes more than a small cap leaves
                    current = (snapshot, ox.Store.read_only(snapshot))
            result = current[1].query(job.query, base_iri=job.base_iri,
                                      **_dataset_options(ok, job.dataset))
            w = write_result(result, FORMATS[job.result_format], job.limits)
            conn.send(("ok", (w.body, w.media_type, w.rows, w.truncated, ok)))
        except CatalogError as exc:
            conn.send(("rejected", (type(exc).__name__, exc.message,
                                    {k: getattr(exc, k) for k in _ERROR_FIELDS})))
        except SyntaxError as exc:
            conn.send(("syntax", str(exc)))
        except MemoryError:  # past the cap: answered, then the parent replaces this worker
            conn.send(("memory", None))
            return
        except Exception as exc:  # reported to the parent as a store failure
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


def _answer(reply: tuple[str, Any]) -> tuple[QueryAnswer, CheckedQuery]:
    kind, payload = reply
    if kind == "ok":
        body, media, rows, truncated, checked = payload
        return QueryAnswer(body, media, rows, truncated), checked
    if kind == "rejected":
        name, message, fields = payload
        raise _ERRORS.get(name, QueryRejected)(message, **fields)
    if kind == "syntax":
        raise QueryRejected.of("sparql.error", field="query", reason=payload)
    log.error("a query worker failed: %s", payload)  # the reason stays in the log
    raise StoreUnavailable.of("store.query_failed")


def _unwatch(loop: asyncio.AbstractEventLoop, fd: int) -> None:
    """Stop watching ``fd``, and make it blocking again (uvloop's ``add_reader`` made it
    non-blocking, and ``Connection.recv`` of a large answer needs it blocking)."""
    loop.remove_reader(fd)
    os.set_blocking(fd, True)


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def _timeout(timeout_s: float) -> QueryTimeout:
    return QueryTimeout.of("sparql.timeout", expected=f"<= {timeout_s:g} s",
                           timeout_s=timeout_s)


def _busy(timeout_s: float) -> QueryTimeout:
    return QueryTimeout.of("sparql.busy", timeout_s=timeout_s)


def _context() -> Any:
    """Workers fork from a clean, single-threaded fork server that has imported this module
    once (a spawned worker would import it again: ~1.5 s each); forking the server process
    itself, with its RocksDB and HTTP threads, would not be safe."""
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload([__name__])
    return ctx


class _Worker:
    def __init__(self, ctx: Any, memory_mb: int | None = None, nice: int = 0) -> None:
        self.conn, child = ctx.Pipe()
        self.proc: BaseProcess = ctx.Process(target=_worker_main,
                                             args=(child, memory_mb, nice), daemon=True)
        self.proc.start()
        child.close()

    def wait_ready(self, timeout_s: float) -> bool:
        """True once the worker has imported what it needs and listens."""
        try:
            return bool(self.conn.poll(timeout_s)) and self.conn.recv()[0] == "ready"
        except (EOFError, OSError, ValueError):  # died, or closed by QuerySandbox.close
            return False

    def kill(self, grace_s: float = 0.0) -> None:
        """Kill the worker, after ``grace_s`` for one already dying (its exit code says
        why)."""
        if grace_s:
            self.proc.join(timeout=grace_s)
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(timeout=5)
        self.conn.close()


class _Waiter(Generic[T]):
    """Someone waiting for an item; :meth:`offer` is called under the pool's lock."""

    def __init__(self, wake: Callable[[], None]) -> None:
        self.wake = wake
        self.worker: T | None = None
        self.cancelled = False

    def offer(self, worker: T) -> bool:
        if self.cancelled:
            return False
        self.worker = worker
        try:
            self.wake()
        except RuntimeError:  # its event loop is gone
            self.worker = None
            return False
        return True


class Pool(Generic[T]):
    """Idle items (workers, slots), handed out first come, first served to threads and to
    asyncio tasks alike."""

    def __init__(self, items: Iterable[T] = ()) -> None:
        self._lock = threading.Lock()
        self._idle: deque[T] = deque(items)
        self._waiters: deque[_Waiter[T]] = deque()

    def put(self, worker: T) -> None:
        with self._lock:
            while self._waiters:
                if self._waiters.popleft().offer(worker):
                    return
            self._idle.append(worker)

    def _enlist(self, wake: Callable[[], None]) -> tuple[T | None, _Waiter[T] | None]:
        with self._lock:
            if self._idle:
                return self._idle.popleft(), None
            waiter: _Waiter[T] = _Waiter(wake)
            self._waiters.append(waiter)
            return None, waiter

    def _give_up(self, waiter: _Waiter[T]) -> T | None:
        with self._lock:
            if waiter.worker is None:
                waiter.cancelled = True
            return waiter.worker

    def take(self, timeout_s: float) -> T | None:
        """An item, waiting at most ``timeout_s`` (None when none became free)."""
        event = threading.Event()
        item, waiter = self._enlist(event.set)
        if waiter is None:
            return item
        event.wait(max(0.0, timeout_s))
        return self._give_up(waiter)

    async def atake(self, timeout_s: float) -> T | None:
        """Like :meth:`take`, waiting with the event loop instead of a thread."""
        loop = asyncio.get_running_loop()
        event = asyncio.Event()
        def wake() -> None:
            loop.call_soon_threadsafe(event.set)

        item, waiter = self._enlist(wake)
        if waiter is None:
            return item
        try:
            await asyncio.wait_for(event.wait(), max(0.0, timeout_s))
        except TimeoutError:
            pass
        except BaseException:  # cancelled: an item offered meanwhile goes back
            item = self._give_up(waiter)
            if item is not None:
                self.put(item)
            raise
        return self._give_up(waiter)

    def drain(self) -> list[T]:
        with self._lock:
            out = list(self._idle)
            self._idle.clear()
            return out


class QuerySandbox:
    """A pool of killable query workers over snapshots of an embedded store."""

    def __init__(self, snapshot_dir: Path, make_snapshot: Callable[[Path], Any], *,
                 workers: int = 2, hidden_graphs: Sequence[str] = (),
                 keep_s: float = 60.0, memory_mb: int | None = None, nice: int = 0) -> None:
        self._ctx = _context()
        self.memory_mb, self.nice = memory_mb, nice
        self._cap = limits.MemoryCap(memory_mb)
        self.snapshot_dir = snapshot_dir
        self._make_snapshot = make_snapshot
        self._hidden = tuple(hidden_graphs)
        self._keep_s = keep_s
        self._pool: Pool[_Worker] = Pool()
        self._snap_lock = threading.Lock()
        self._snapshot: tuple[int, Path] | None = None
        self._superseded: dict[Path, float] = {}
        self._verdicts: OrderedDict[str, CheckedQuery] = OrderedDict()  # texts found safe
        self._closed = False
        self._workers: set[_Worker] = set()
        starting = [self._spawn() for _ in range(workers)]
        for worker in starting:  # the first queries must not wait for workers to boot
            if not worker.wait_ready(_BOOT_S):
                self.close()
                raise StoreUnavailable.of("store.worker_boot")
            self._pool.put(worker)

    # --- snapshots ------------------------------------------------------------------------
    def fresh_snapshot(self, mark: int) -> Path | None:
        """The snapshot for ``mark`` if it is already made (never blocks)."""
        snap = self._snapshot
        return snap[1] if snap is not None and snap[0] == mark else None

    def snapshot_for(self, mark: int) -> Path:
        """The snapshot of the store at watermark ``mark``, made on first use."""
        with self._snap_lock:
            if self._snapshot is None or self._snapshot[0] != mark:
                target = self.snapshot_dir / f"{mark:012d}-{time.monotonic_ns()}"
                self._make_snapshot(target)
                self._hide(target)
                if self._snapshot is not None:
                    self._superseded[self._snapshot[1]] = time.monotonic()
                self._snapshot = (mark, target)
                self._prune(target)
            return self._snapshot[1]

    def _hide(self, target: Path) -> None:
        """Remove the bookkeeping graphs from a fresh checkpoint (its files are hard links
        that RocksDB never rewrites, so the live store is untouched)."""
        if not self._hidden:
            return
        import pyoxigraph as ox

        copy = ox.Store(str(target))
        for iri in self._hidden:
            copy.remove_graph(ox.NamedNode(iri))
        copy.flush()
        del copy

    def _prune(self, newest: Path) -> None:
        """Drop snapshots superseded longer ago than a query may run (a worker may still be
        reading one), and leftovers of earlier runs."""
        now = time.monotonic()
        for p in self.snapshot_dir.iterdir():
            if p == newest:
                continue
            since = self._superseded.setdefault(p, now)
            if now - since > self._keep_s:
                shutil.rmtree(p, ignore_errors=True)
                self._superseded.pop(p, None)

    # --- running --------------------------------------------------------------------------
    def _spawn(self) -> _Worker:
        worker = _Worker(self._ctx, self.memory_mb, self.nice)
        self._workers.add(worker)
        return worker

    def _replace(self, worker: _Worker, grace_s: float = 0.0) -> None:
        """Kill ``worker``; a fresh one joins the pool once it has booted."""
        worker.kill(grace_s)
        self._workers.discard(worker)
        if self._closed:
            return
        fresh = self._spawn()

        def join_when_ready() -> None:
            if fresh.wait_ready(_BOOT_S) and not self._closed:
                self._pool.put(fresh)
            elif not self._closed:
                self._replace(fresh)

        threading.Thread(target=join_when_ready, name="semcat-query-worker-boot",
                         daemon=True).start()

    def run(self, job: Job, *, mark: int, timeout_s: float) -> QueryAnswer:
        """Run ``job`` on the snapshot at ``mark``, from a thread."""
        deadline = time.monotonic() + timeout_s
        snapshot = self.snapshot_for(mark)
        worker = self._pool.take(deadline - time.monotonic())
        if worker is None:
            raise _busy(timeout_s)
        try:
            self._send(worker, snapshot, job)
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                self._cap.unwatch(worker.proc.pid)
                self._replace(worker)
                raise _timeout(timeout_s)
            reply = worker.conn.recv()
        except (EOFError, OSError) as exc:
            raise self._lost(worker) from exc
        self._done(worker, reply)
        return self._remember(reply)

    def _send(self, worker: _Worker, snapshot: Path | None, job: Job) -> None:
        self._cap.watch(worker.proc.pid)
        worker.conn.send((str(snapshot), self._job(job)))

    def _done(self, worker: _Worker, reply: tuple[str, Any]) -> None:
        """Back to the pool, unless it gave up past its memory cap (or was killed for it
        just after answering)."""
        if self._cap.unwatch(worker.proc.pid) or reply[0] == "memory":
            self._replace(worker)
        else:
            self._pool.put(worker)

    def _lost(self, worker: _Worker) -> CatalogError:
        """Replace a worker that died on a query; the error the query gets."""
        killed = self._cap.unwatch(worker.proc.pid)
        self._replace(worker, grace_s=1.0)  # its exit code says whether memory ran out
        return self._cap.lost(worker.proc.exitcode, killed)

    def _job(self, job: Job) -> Job:
        known = self._verdicts.get(job.query)
        return job if known is None else replace(job, checked=known)

    def _remember(self, reply: tuple[str, Any]) -> QueryAnswer:
        if reply[0] == "memory":
            raise self._cap.lost(None, killed=True)
        answer, checked = _answer(reply)
        with self._snap_lock:
            self._verdicts[checked.text] = checked
            if len(self._verdicts) > 4096:
                self._verdicts.popitem(last=False)
        return answer

    async def arun(self, job: Job, *, mark: int, timeout_s: float) -> QueryAnswer:
        """Run ``job`` on the snapshot at ``mark`` from the event loop, holding no thread."""
        loop = asyncio.get_running_loop()
        deadline = time.monotonic() + timeout_s
        snapshot = self.fresh_snapshot(mark) or await asyncio.to_thread(self.snapshot_for, mark)
        worker = await self._pool.atake(deadline - time.monotonic())
        if worker is None:
            raise _busy(timeout_s)
        fd = -1
        try:
            self._send(worker, snapshot, job)
            ready = loop.create_future()
            fd = worker.conn.fileno()
            loop.add_reader(fd, _resolve, ready)
            try:
                await asyncio.wait_for(ready, max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                _unwatch(loop, fd)
                fd = -1
                self._cap.unwatch(worker.proc.pid)
                # killing, joining and forking block: never on the event loop
                await asyncio.to_thread(self._replace, worker)
                raise _timeout(timeout_s) from None
            _unwatch(loop, fd)
            fd = -1
            # the answer is written; reading it (up to the byte cap) is work for a thread
            reply = await asyncio.to_thread(worker.conn.recv)
        except (EOFError, OSError) as exc:
            raise await asyncio.to_thread(self._lost, worker) from exc
        except asyncio.CancelledError:  # the request went away: the worker may still be busy
            if fd >= 0:
                _unwatch(loop, fd)
            self._cap.unwatch(worker.proc.pid)
            loop.run_in_executor(None, self._replace, worker)
            raise
        self._done(worker, reply)
        return self._remember(reply)

    def close(self) -> None:
        """Stop every worker and remove the snapshots (they pin old store files on disk)."""
        self._closed = True
        self._cap.stop()
        self._pool.drain()
        for w in list(self._workers):
            w.kill()
        self._workers.clear()
        with self._snap_lock:
            if self.snapshot_dir.is_dir():
                for p in self.snapshot_dir.iterdir():
                    shutil.rmtree(p, ignore_errors=True)
            self._snapshot = None
