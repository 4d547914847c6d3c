"""One writer of a projection at a time, across processes and hosts: a lease row in the ledger
database, and the mark of a rebuild under way.

A process that projects holds the lease of its projection and renews it as it goes; another
process (another worker, another host, ``semcat rebuild``) sees it held and leaves the
projection alone, or, for a rebuild, refuses with the holder's name. A holder that dies stops
renewing: its lease ends after :data:`LEASE_S` and another process takes over (at once when
the dead holder was a process of the same host). A rebuild marks
the projection as rebuilding until its last write, so a rebuild killed mid-way is made again on
the next start instead of leaving a store that looks current.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from functools import cache

from sqlalchemy import Engine, text

from catalog.ledger.db import reachable, write_session

#: How long a lease lasts without renewal, in seconds.
LEASE_S = 30.0


def holder_name() -> str:
    """This process, as other processes see it: host, process id and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@cache
def _process_holder(pid: int) -> str:
    return holder_name()


def process_holder() -> str:
    """One name for this process's lifetime (a forked worker gets its own)."""
    return _process_holder(os.getpid())


def dead_here(holder: str | None) -> bool:
    """The holder was a process of this host that is gone (killed, crashed): its lease need
    not run out before a restarted process takes over."""
    if not holder:
        return True
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


class Lease:
    """The lease of one projection (``store``), for one holder."""

    def __init__(self, engine: Engine, name: str, *, holder: str | None = None,
                 lease_s: float = LEASE_S) -> None:
        self.engine, self.name = engine, name
        self.holder = holder or holder_name()
        self.lease_s = lease_s
        self._until = 0.0  # when our lease ends, as far as we know
        self.epoch = 0  # ours: one more than the holder's before us

    def _row(self, s: object) -> tuple[str | None, float, bool, int] | None:
        row = s.execute(text(  # type: ignore[attr-defined]
            "SELECT holder, lease_until, rebuilding, epoch FROM projection_lease "
            "WHERE name = :n"), {"n": self.name}).first()
        return None if row is None else (row[0], float(row[1]), bool(row[2]), int(row[3]))

    def acquire(self) -> bool:
        """Take or renew the lease; False when another live holder has it."""
        now = time.time()
        if self._until - now > self.lease_s / 2:
            return True  # ours, and far from its end: no write needed
        with write_session(self.engine) as s:
            row = self._row(s)
            if row is None:
                epoch = 1
                s.execute(text("INSERT INTO projection_lease (name, holder, lease_until, "
                               "rebuilding, epoch) VALUES (:n, :h, :u, false, 1)"),
                          {"n": self.name, "h": self.holder, "u": now + self.lease_s})
            elif row[0] == self.holder or row[1] < now or dead_here(row[0]):
                # a new holder writes with a new epoch: what an older one still sends is fenced
                epoch = row[3] if row[0] == self.holder else row[3] + 1
                s.execute(text("UPDATE projection_lease SET holder = :h, lease_until = :u, "
                               "epoch = :e WHERE name = :n"),
                          {"n": self.name, "h": self.holder, "u": now + self.lease_s,
                           "e": epoch})
            else:
                self._until = 0.0
                return False
        self._until, self.epoch = now + self.lease_s, epoch
        return True

    def release(self) -> None:
        """Give the lease back (at shutdown), so another process takes over at once."""
        if self._until <= time.time():
            return
        with write_session(self.engine) as s:
            s.execute(text("UPDATE projection_lease SET lease_until = 0 "
                           "WHERE name = :n AND holder = :h"),
                      {"n": self.name, "h": self.holder})
        self._until = 0.0

    def holder_now(self) -> str | None:
        """Who holds the lease now (None: nobody)."""
        with reachable(), self.engine.connect() as conn:
            row = self._row(conn)
        return row[0] if row is not None and row[1] >= time.time() else None

    # the mark of a rebuild --------------------------------------------------------------
    def mark_rebuilding(self, flag: bool) -> None:
        with write_session(self.engine) as s:
            if self._row(s) is None:
                s.execute(text("INSERT INTO projection_lease (name, holder, lease_until, "
                               "rebuilding, epoch) VALUES (:n, :h, 0, :r, 0)"),
                          {"n": self.name, "h": self.holder, "r": flag})
            else:
                s.execute(text("UPDATE projection_lease SET rebuilding = :r WHERE name = :n"),
                          {"n": self.name, "r": flag})

    def rebuilding(self) -> bool:
        """A rebuild started and did not finish."""
        with reachable(), self.engine.connect() as conn:
            row = self._row(conn)
        return row is not None and row[2]
