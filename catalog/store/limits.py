"""The memory cap of a query worker (``query_worker_memory_mb``), and what its death means.

Inside the worker, :class:`DataCap` sets ``RLIMIT_DATA`` to the data segment the worker holds
at rest (and its open store) plus the cap. Since Linux 4.7 ``RLIMIT_DATA`` counts ``brk`` and
every private, writable, non-stack mapping: the whole heap of glibc's malloc, which is what
Python, pyoxigraph (Rust on the system allocator) and RocksDB allocate from. Past it an
allocation fails: Python raises :class:`MemoryError`, Rust and C++ abort the process (SIGABRT).
``RLIMIT_AS`` is not used: a worker's address space is mostly mappings that are not memory it
uses (RocksDB's files and thread-arena reservations: ~450 MB of address space for ~90 MB
resident at rest, with transient peaks of ~600 MB while a store opens), so a bound on it says
little about memory.

Opening a store snapshot needs ~150-200 MB of data for a moment (RocksDB's threads and caches),
more than a small cap leaves, so the worker lifts its limit while it opens one
(:meth:`DataCap.opening`) and caps again, counting what the store took, once it is open.

In the parent, :class:`Watchdog` is the second line: while a worker runs a query, it reads the
worker's anonymous resident memory (from ``/proc/PID/statm``) every
``WATCH_INTERVAL_S`` and kills the worker past its rest plus the cap plus ``WATCH_SLACK_MB``
(memory the data limit does not count, e.g. shared anonymous mappings).
"""

from __future__ import annotations

import contextlib
import logging
import os
import resource
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

from catalog.errors import QueryTooLarge, StoreUnavailable

log = logging.getLogger(__name__)
_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
WATCH_INTERVAL_S = 0.05
#: What the watchdog allows over the data limit: a store being opened, file-less memory the
#: limit does not count.
WATCH_SLACK_MB = 256


def status_kb(pid: int | str = "self") -> dict[str, int]:
    """The ``Vm*`` and ``Rss*`` sizes of ``/proc/PID/status``, in KiB (empty if unreadable)."""
    sizes: dict[str, int] = {}
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return sizes
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.startswith(("Vm", "Rss")) and value.endswith("kB"):
            sizes[key] = int(value.split()[0])
    return sizes


def anon_kb(pid: int) -> int:
    """Resident memory of ``pid`` not backed by files (``/proc/PID/statm``: resident less
    shared, as ``RssAnon``), in KiB; 0 when it is gone. ~2 µs, a twentieth of reading
    ``status``."""
    try:
        fd = os.open(f"/proc/{pid}/statm", os.O_RDONLY)
    except OSError:
        return 0
    try:
        fields = os.read(fd, 256).split()
    finally:
        os.close(fd)
    return (int(fields[1]) - int(fields[2])) * _PAGE_KB if len(fields) > 2 else 0


class DataCap:
    """The worker's side: its data segment capped at what it holds at rest (taken when made,
    before any job), plus what the open store holds, plus ``memory_mb`` MiB (None: no cap).

    What a worker's heap keeps after a query (freed, not returned to the system) counts
    against the next query, so a worker never holds more than its rest, its store and the cap.
    """

    def __init__(self, memory_mb: int | None) -> None:
        self.memory_mb = memory_mb
        self.rest_kb = status_kb().get("VmData")
        self.store_kb = 0
        self.apply()

    @property
    def limit(self) -> int | None:
        """The data limit in bytes (None: no cap, or not on Linux)."""
        if self.memory_mb is None or self.rest_kb is None:
            return None
        return (self.rest_kb + self.store_kb) * 1024 + self.memory_mb * 1024 * 1024

    def apply(self) -> None:
        limit = self.limit
        if limit is None:
            return
        _soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))

    @contextlib.contextmanager
    def opening(self) -> Iterator[None]:
        """No data limit in the block (opening a store); then the cap, counting what the
        store took."""
        if self.limit is None:
            yield
            return
        before = status_kb().get("VmData", 0)
        _soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
        resource.setrlimit(resource.RLIMIT_DATA, (hard, hard))
        try:
            yield
            self.store_kb = max(0, status_kb().get("VmData", 0) - before)
        finally:
            self.apply()


def too_large(memory_mb: int | None) -> QueryTooLarge:
    return QueryTooLarge.of("store.query_too_large", limit_mb=memory_mb)


def died_of_memory(exitcode: int | None) -> bool:
    """Whether a capped worker that ended with ``exitcode`` ran out of memory: an allocation
    that fails in Rust or C++ aborts (SIGABRT); nothing else in a worker does."""
    return exitcode == -signal.SIGABRT


class Watchdog:
    """Kills a worker whose anonymous resident memory passes its bound while it is watched."""

    def __init__(self, memory_mb: int, interval_s: float = WATCH_INTERVAL_S) -> None:
        self.memory_mb = memory_mb
        self.interval_s = interval_s
        self._bounds: dict[int, int] = {}  # pid -> bound in KiB
        self._killed: set[int] = set()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopped = False
        self._thread = threading.Thread(target=self._loop, name="semcat-query-watchdog",
                                        daemon=True)
        self._thread.start()

    def watch(self, pid: int) -> None:
        """Watch ``pid`` from now on, bounded by its memory now plus the cap and the slack."""
        bound = anon_kb(pid) + (self.memory_mb + WATCH_SLACK_MB) * 1024
        with self._lock:  # first read within interval_s (waking the loop costs every query)
            self._bounds[pid] = bound

    def unwatch(self, pid: int) -> bool:
        """Stop watching ``pid``; True when the watchdog killed it."""
        with self._lock:
            self._bounds.pop(pid, None)
            killed = pid in self._killed
            self._killed.discard(pid)
            return killed

    def _loop(self) -> None:
        while not self._stopped:
            with self._lock:
                watched = dict(self._bounds)
            for pid, bound in watched.items():
                if anon_kb(pid) > bound:
                    with self._lock:
                        if pid not in self._bounds:
                            continue
                        self._killed.add(pid)
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
            self._wake.wait(self.interval_s)

    def stop(self) -> None:
        self._stopped = True
        self._wake.set()


class MemoryCap:
    """The parent's side of the cap of ``memory_mb`` MiB (None: no cap, no watchdog)."""

    def __init__(self, memory_mb: int | None) -> None:
        self.memory_mb = memory_mb
        self._watchdog = Watchdog(memory_mb) if memory_mb is not None else None

    def watch(self, pid: int | None) -> None:
        if self._watchdog is not None and pid is not None:
            self._watchdog.watch(pid)

    def unwatch(self, pid: int | None) -> bool:
        """Stop watching ``pid``; True when the watchdog killed it for its memory."""
        return self._watchdog is not None and pid is not None and self._watchdog.unwatch(pid)

    def lost(self, exitcode: int | None, killed: bool) -> StoreUnavailable:
        """The error of a query whose worker died with ``exitcode`` (``killed``: by the
        watchdog)."""
        if self.memory_mb is not None and (killed or died_of_memory(exitcode)):
            log.warning("a query worker passed its memory cap of %d MiB (exit code %s%s)",
                        self.memory_mb, exitcode, ", watchdog" if killed else "")
            return too_large(self.memory_mb)
        return StoreUnavailable.of("store.worker_died")

    def stop(self) -> None:
        if self._watchdog is not None:
            self._watchdog.stop()
