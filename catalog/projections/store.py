"""The store projection: applies ledger changes to the quad store in sequence order.

The watermark (the last change sequence applied) lives inside the store, written in the same
update as the graphs it covers. On start and on demand the projector replays every change after
the store's watermark, so a crash between the ledger commit and the store write loses nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from catalog.ledger import ChangeRow, Ledger
from catalog.ledger.leases import Lease
from catalog.store import GraphOp, QuadStore

log = logging.getLogger(__name__)

BATCH = 500


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

    def __init__(self, store: QuadStore, lease: Lease | None = None) -> None:
        self.store, self.lease = store, lease

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
        self.store.apply(ops, rows[-1].seq, self.fence)
        return True

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
            self.store.apply(chunk, seq if last else self.store.watermark(), self.fence)
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
