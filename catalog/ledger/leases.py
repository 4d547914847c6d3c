"""One writer of a projection at a time, across processes and hosts: a lease row in the ledger
database, and the mark of a rebuild under way.

A process that projects holds the lease of its projection and renews it as it goes; another
process (another worker, another host, ``semcat rebuild``) sees it held and leaves the
projection alone, or, for a rebuild, refuses with the holder's name. A holder that dies stops
renewing: its lease ends after :data:`LEASE_S` and another process takes over (at once when
the dead holder was a process of the same host). A rebuild marks
the projection as rebuilding until its last write, so a rebuild killed mid-way is made again on
the next start instead of leaving a store that looks current.

A holder that writes to a remote SPARQL server names, before it sends an update, the graphs the
update replaces and until when the server may still be running it (:meth:`Lease.note_inflight`):
the server goes on with a request whose client died, and may run it beside the next holder's
(both read the old fence, both land). The process that takes the lease over from a holder that
did not give it back moves those graphs to the ones left to verify (:attr:`Lease.suspect`),
which it compares with the ledger and repairs until no such request can still run
(:mod:`catalog.projections.verify`).
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from collections.abc import Collection
from dataclasses import dataclass
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


@dataclass(frozen=True)
class _Row:
    holder: str | None
    until: float
    rebuilding: bool
    epoch: int
    inflight: frozenset[str]
    inflight_until: float
    suspect: frozenset[str]
    suspect_until: float


def _graphs(value: str | None) -> frozenset[str]:
    return frozenset(json.loads(value)) if value else frozenset()


def _text(graphs: Collection[str]) -> str | None:
    return json.dumps(sorted(graphs)) if graphs else None


class Lease:
    """The lease of one projection (``store``), for one holder."""

    def __init__(self, engine: Engine, name: str, *, holder: str | None = None,
                 lease_s: float = LEASE_S) -> None:
        self.engine, self.name = engine, name
        self.holder = holder or holder_name()
        self.lease_s = lease_s
        self._until = 0.0  # when our lease ends, as far as we know
        self.epoch = 0  # ours: one more than the holder's before us
        #: graphs an update of an earlier holder (or one of ours left unanswered) may still
        #: change, and until when: to be verified against the ledger (the holder's copy)
        self.suspect: frozenset[str] = frozenset()
        self.suspect_until = 0.0

    def _row(self, s: object) -> _Row | None:
        row = s.execute(text(  # type: ignore[attr-defined]
            "SELECT holder, lease_until, rebuilding, epoch, inflight, inflight_until, "
            "suspect, suspect_until FROM projection_lease WHERE name = :n"),
            {"n": self.name}).first()
        if row is None:
            return None
        return _Row(row[0], float(row[1]), bool(row[2]), int(row[3]), _graphs(row[4]),
                    float(row[5]), _graphs(row[6]), float(row[7]))

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
            elif row.holder == self.holder:
                epoch = row.epoch
                s.execute(text("UPDATE projection_lease SET lease_until = :u WHERE name = :n"),
                          {"n": self.name, "u": now + self.lease_s})
            elif row.until < now or dead_here(row.holder):
                # a new holder writes with a new epoch: what an older one still sends is
                # fenced, unless the server runs it beside ours: what it had in flight is
                # verified (with what it had left to verify)
                epoch = row.epoch + 1
                self.suspect = row.suspect | row.inflight
                self.suspect_until = max(row.suspect_until, row.inflight_until
                                         if row.inflight else 0.0)
                s.execute(text("UPDATE projection_lease SET holder = :h, lease_until = :u, "
                               "epoch = :e, inflight = NULL, inflight_until = 0, "
                               "suspect = :g, suspect_until = :gu WHERE name = :n"),
                          {"n": self.name, "h": self.holder, "u": now + self.lease_s,
                           "e": epoch, "g": _text(self.suspect), "gu": self.suspect_until})
            else:
                self._until = 0.0
                self.suspect, self.suspect_until = frozenset(), 0.0
                return False
        self._until, self.epoch = now + self.lease_s, epoch
        return True

    def release(self, *, answered: bool = True) -> None:
        """Give the lease back (at shutdown), so another process takes over at once;
        ``answered``: every update this holder sent has had its answer (nothing in flight)."""
        if self._until <= time.time():
            return
        with write_session(self.engine) as s:
            s.execute(text("UPDATE projection_lease SET lease_until = 0 "
                           "WHERE name = :n AND holder = :h"),
                      {"n": self.name, "h": self.holder})
            if answered:
                s.execute(text("UPDATE projection_lease SET inflight = NULL, inflight_until = 0 "
                               "WHERE name = :n AND holder = :h"),
                          {"n": self.name, "h": self.holder})
        self._until = 0.0

    def holder_now(self) -> str | None:
        """Who holds the lease now (None: nobody)."""
        with reachable(), self.engine.connect() as conn:
            row = self._row(conn)
        return row.holder if row is not None and row.until >= time.time() else None

    # updates in flight and graphs to verify ---------------------------------------------
    def note_inflight(self, graphs: Collection[str], until: float) -> bool:
        """Before an update is sent: ``graphs`` may change until ``until`` whatever becomes of
        this process. False when this process no longer holds the lease: it must not send."""
        with write_session(self.engine) as s:
            done = s.execute(text("UPDATE projection_lease SET inflight = :g, "
                                  "inflight_until = :u WHERE name = :n AND holder = :h"),
                             {"n": self.name, "h": self.holder, "g": _text(graphs) or "[]",
                              "u": until})
        if not done.rowcount:  # type: ignore[attr-defined]
            self._until = 0.0  # taken over: the next acquire asks the ledger
            return False
        return True

    def set_suspect(self, graphs: Collection[str], until: float) -> None:
        """The graphs left to verify, and until when an update may still change them (the
        holder's; the empty set once verified)."""
        self.suspect, self.suspect_until = frozenset(graphs), until if graphs else 0.0
        with write_session(self.engine) as s:
            s.execute(text("UPDATE projection_lease SET suspect = :g, suspect_until = :u "
                           "WHERE name = :n AND holder = :h"),
                      {"n": self.name, "h": self.holder, "g": _text(self.suspect),
                       "u": self.suspect_until})

    def verifying(self) -> tuple[int, float] | None:
        """How many graphs are left to verify and until when (read by any process, for
        ``/health``); None when there are none."""
        with reachable(), self.engine.connect() as conn:
            row = self._row(conn)
        if row is None or not row.suspect:
            return None
        return len(row.suspect), row.suspect_until

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
        return row is not None and row.rebuilding
