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

from catalog.ledger import ChangeRow, Ledger

#: Changes read from the ledger per batch.
BATCH = 500


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
    """Keeps one projection up with the ledger; one catch-up at a time per process."""

    def __init__(self, projection: Projection, ledger: Ledger) -> None:
        self.projection, self.ledger = projection, ledger
        self._lock = threading.Lock()

    def catch_up(self) -> int:
        """Apply every change after the projection's watermark; how many were applied."""
        applied = 0
        with self._lock:
            while True:
                mark = self.projection.watermark()
                rows = self.ledger.changes_after(mark, getattr(self.projection, "batch", BATCH))
                if not rows:
                    return applied
                if self.projection.apply(rows, mark):
                    applied += len(rows)

    def rebuild(self) -> int:
        with self._lock:
            return self.projection.rebuild(self.ledger)

    def lag(self) -> int:
        return max(0, self.ledger.last_seq() - self.projection.watermark())


__all__ = ["BATCH", "Follower", "Projection"]
