"""Projections of the ledger: the quad store, the search index and the reference index, each
following the ledger's change sequence with a watermark of its own.

A :class:`Projection` applies a batch of changes (in sequence order) and moves its watermark in
the same step, so a projection that loses its last writes loses the watermark with them and
:func:`catch_up` replays both; :meth:`Projection.rebuild` makes it again from the ledger's
published state. One loop (:func:`catch_up`) serves them all; a projection says when another
process moved its watermark meanwhile (its batch is then read again).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Protocol

from catalog.errors import Conflict
from catalog.ledger import ChangeRow, Ledger
from catalog.ledger.leases import Lease

#: Changes read from the ledger per batch.
BATCH = 500
#: How long closing waits for a catch-up under way to end.
CLOSE_WAIT_S = 5.0


class Projection(Protocol):
    name: str

    def watermark(self) -> int:
        """The last change sequence the projection covers."""
        ...

    def apply(self, rows: Sequence[ChangeRow], since: int) -> bool:
        """Apply ``rows`` (the changes after ``since``) and move the watermark to the last
        one's seq, in one step; False when the watermark is no longer ``since`` (another
        process applied them): nothing is written and the caller reads again."""
        ...

    def rebuild(self, ledger: Ledger) -> int:
        """Make the projection again from the ledger's published state; how many records."""
        ...


class Follower:
    """Keeps one projection up with the ledger; one catch-up at a time per process, and, with
    a :class:`~catalog.ledger.leases.Lease`, one writer at a time across processes."""

    def __init__(self, projection: Projection, ledger: Ledger, lease: Lease | None = None
                 ) -> None:
        self.projection, self.ledger, self.lease = projection, ledger, lease
        self._lock = threading.Lock()

    def catch_up(self) -> int:
        """Apply every change after the projection's watermark; how many were applied (0 when
        another process holds the projection's lease: it projects)."""
        applied = 0
        with self._lock:
            if self.lease is not None and not self.lease.acquire():
                return 0
            while True:
                mark = self.projection.watermark()
                rows = self.ledger.changes_after(mark, getattr(self.projection, "batch", BATCH))
                if not rows:
                    self._verify()
                    return applied
                if self.projection.apply(rows, mark):
                    applied += len(rows)

    def rebuild(self) -> int:
        """Make the projection again; with a lease, refused while another process holds it,
        and marked as under way until done, so that a killed rebuild is made again at the
        next start (:meth:`resume`)."""
        with self._lock:
            if self.lease is None:
                return self.projection.rebuild(self.ledger)
            if not self.lease.acquire():
                holder = self.lease.holder_now() or "another process"
                raise Conflict.of("lease.held", field="lease", value=holder,
                                  projection=self.projection.name, holder=holder,
                                  lease_s=self.lease.lease_s)
            self.lease.mark_rebuilding(True)
            stop = threading.Event()
            renewer = threading.Thread(target=self._renew, args=(stop,), daemon=True,
                                       name=f"semcat-{self.projection.name}-lease")
            renewer.start()
            try:
                count = self.projection.rebuild(self.ledger)
            finally:
                stop.set()
                renewer.join()
            self.lease.mark_rebuilding(False)
            self._verify()
            return count

    def verify(self, *, wait: bool = False) -> int:
        """Verify now what an earlier holder may still have been changing (``wait``: until no
        such update can be running, then the last verification); how many graphs differed."""
        with self._lock:
            if self.lease is not None and not self.lease.acquire():
                return 0
            return self._verify(wait=wait)

    def _verify(self, *, wait: bool = False) -> int:
        verify = getattr(self.projection, "verify", None)  # projections written from afar
        return int(verify(self.ledger, wait=wait)) if verify is not None else 0

    def resume(self) -> bool:
        """Finish a rebuild that was killed mid-way (True when one was made)."""
        if self.lease is None or not self.lease.rebuilding():
            return False
        self.rebuild()
        return True

    def close(self) -> None:
        if self.lease is not None:
            # an update still without its answer stays named in the lease for the next holder
            idle = self._lock.acquire(timeout=CLOSE_WAIT_S)
            try:
                self.lease.release(answered=idle)
            finally:
                if idle:
                    self._lock.release()

    def _renew(self, stop: threading.Event) -> None:
        assert self.lease is not None
        while not stop.wait(self.lease.lease_s / 4):
            self.lease.acquire()

    def lag(self) -> int:
        return max(0, self.ledger.last_seq() - self.projection.watermark())


__all__ = ["BATCH", "Follower", "Projection"]
