"""The store projection: applies ledger changes to the quad store in sequence order.

The watermark (the last change sequence applied) lives inside the store, written in the same
update as the graphs it covers. On start and on demand the projector replays every change after
the store's watermark, so a crash between the ledger commit and the store write loses nothing.

On a remote store an update can outlive its sender: every update is named in the lease before
it is sent, and the holder that takes over from one that died verifies what it had in flight
(:meth:`StoreProjection.verify`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from catalog.errors import Conflict, StoreInDoubt
from catalog.ledger import ChangeRow, Ledger
from catalog.ledger.leases import Lease
from catalog.projections.verify import repairs
from catalog.store import GraphOp, QuadStore

log = logging.getLogger(__name__)

BATCH = 500
#: How long an update may still run on a remote server after its sender died, by default
#: (``SEMCAT_STORE_UPDATE_MAX_S``).
UPDATE_MAX_S = 60.0
#: Seconds between two verifications before the last one (each reads every graph left).
VERIFY_EVERY_S = 20.0


@dataclass(frozen=True)
class ProjectionStatus:
    ledger_seq: int
    store_watermark: int

    @property
    def lag(self) -> int:
        return max(0, self.ledger_seq - self.store_watermark)


class StoreProjection:
    """The quad store as a :class:`~catalog.projections.Projection`: a graph per published
    record, the watermark written in the same update."""

    name = "store"

    def __init__(self, store: QuadStore, lease: Lease | None = None, *,
                 update_max_s: float = UPDATE_MAX_S) -> None:
        self.store, self.lease, self.update_max_s = store, lease, update_max_s
        self._verified_at = 0.0

    @property
    def fence(self) -> int | None:
        """The epoch this process writes with (a late request of an older one is fenced)."""
        return self.lease.epoch if self.lease is not None else None

    @property
    def batch(self) -> int:
        return BATCH

    def watermark(self) -> int:
        return self.store.watermark()

    def apply(self, rows: Sequence[ChangeRow], since: int) -> bool:
        ops = [GraphOp(r.iri, r.content if r.op == "publish" else None) for r in rows]
        self._write(ops, rows[-1].seq)
        return True

    def _write(self, ops: Sequence[GraphOp], watermark: int) -> None:
        """One update. On a store whose updates outlive their sender, its graphs are named in
        the lease first (the next holder verifies them if this process dies), and an update
        left without an answer makes them graphs to verify."""
        lease = self.lease
        if lease is None or not self.store.detached:
            self.store.apply(ops, watermark, self.fence)
            return
        graphs = {op.iri for op in ops}
        until = time.time() + self.update_max_s
        if not lease.note_inflight(graphs, until):
            holder = lease.holder_now() or "another process"
            raise Conflict.of("lease.lost", field="lease", value=holder,
                              projection=self.name, holder=holder)
        try:
            self.store.apply(ops, watermark, self.fence)
        except StoreInDoubt:
            lease.set_suspect(lease.suspect | graphs, max(lease.suspect_until, until))
            raise

    def verify(self, ledger: Ledger, *, wait: bool = False) -> int:
        """Compare the graphs left to verify (what a dead holder, or an update of ours left
        without an answer, may have changed) with the ledger, and rewrite those that differ:
        at once, every :data:`VERIFY_EVERY_S`, and once more when no such update can still be
        running, which ends the verification (``wait``: sleep until then). How many graphs
        differed."""
        lease = self.lease
        if lease is None or not lease.suspect:
            return 0
        while wait and time.time() < lease.suspect_until:  # keeping the lease meanwhile
            time.sleep(min(lease.suspect_until - time.time(), lease.lease_s / 4))
            if not lease.acquire():
                return 0  # taken over: the next holder verifies them
        now = time.time()
        final = now >= lease.suspect_until
        if not final and now - self._verified_at < min(VERIFY_EVERY_S, self.update_max_s / 2):
            return 0
        suspect, until = lease.suspect, lease.suspect_until
        ops = repairs(self.store, ledger, suspect)
        if ops or final:  # the last one also leaves one fence and one watermark
            self._write(ops, self.store.watermark())
        self._verified_at = time.time()
        if ops:
            log.warning("%d graph(s) of the store differed from the ledger after an update "
                        "whose sender died or got no answer: rewritten", len(ops))
        if final and (lease.suspect, lease.suspect_until) == (suspect, until):
            lease.set_suspect(frozenset(), 0.0)
            log.info("the store's %d graph(s) left to verify are verified", len(suspect))
        return len(ops)

    def rebuild(self, ledger: Ledger) -> int:
        """Drop every graph and project the ledger's published state from scratch."""
        seq = ledger.last_seq()
        stale = self.store.graph_names()
        published = ledger.published()
        ops = [GraphOp(iri, None) for iri in stale - set(published)]
        ops += [GraphOp(iri, content) for iri, content in published.items()]
        for start in range(0, max(len(ops), 1), BATCH):
            chunk = ops[start:start + BATCH]
            last = start + BATCH >= len(ops)
            # the watermark moves only with the last chunk: a crash mid-way replays all
            self._write(chunk, seq if last else self.store.watermark())
        return len(published)


class ProjectorThread:
    """Background loop that keeps the projections up with the ledger (for `semcat serve`):
    ``catch_up`` is :meth:`catalog.core.Catalog.project`."""

    def __init__(self, catch_up: Callable[[], int], interval_s: float) -> None:
        self.catch_up = catch_up
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="semcat-projector", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self.catch_up()
            except Exception:  # keep the loop alive; /health shows the lag
                log.exception("projection failed; will retry")

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
