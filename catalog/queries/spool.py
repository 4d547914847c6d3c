"""Long answers that never hold a ledger connection while a client is slow: a dump is written to
a spool file by a thread of its own (which holds the read transaction only as long as the
ledger takes to read), and the client is served from the spool as it grows. A client that
reads nothing, or slowly, holds a file and nothing else.

How many spools one client and all clients may have running at once is bounded
(:class:`SpoolLimits`): beyond, :class:`TooManyDumps` (429).
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from catalog.errors import TooManyQueries
from catalog.queries.feed import Dump

log = logging.getLogger(__name__)


class TooManyDumps(TooManyQueries):
    """A client (or all clients together) already has its share of dumps running."""

    code = "too_many_dumps"


@dataclass(frozen=True)
class SpoolLimits:
    per_client: int = 2
    total: int = 16


class Spools:
    """Admission of dumps by client, and where their spool files go."""

    def __init__(self, folder: Path, limits: SpoolLimits = SpoolLimits()) -> None:
        self.folder, self.limits = folder, limits
        self._running: dict[str, int] = {}
        self._lock = threading.Lock()

    def acquire(self, client: str) -> Callable[[], None]:
        """A place for one more dump of ``client``; call what it returns to give it back."""
        with self._lock:
            mine, total = self._running.get(client, 0), sum(self._running.values())
            if mine >= self.limits.per_client or total >= self.limits.total:
                raise TooManyDumps.of("dump.too_many", field="client", value=mine,
                                      expected=f"<= {self.limits.per_client} dumps at once",
                                      mine=mine, per_client=self.limits.per_client,
                                      total=self.limits.total)
            self._running[client] = mine + 1
        given_back = threading.Event()

        def release() -> None:
            with self._lock:
                if given_back.is_set():
                    return
                given_back.set()
                left = self._running[client] - 1
                if left:
                    self._running[client] = left
                else:
                    del self._running[client]
        return release

    def start(self, dump: Dump, on_done: Callable[[], None]) -> SpooledDump:
        """Spool ``dump``; ``on_done`` is called once its reader is done with it."""
        self.folder.mkdir(parents=True, exist_ok=True)
        return SpooledDump(dump, self.folder, on_done)


class SpooledDump:
    """A dump written to an unlinked temporary file by its own thread, read back as it grows."""

    def __init__(self, dump: Dump, folder: Path, on_done: Callable[[], None]) -> None:
        self.seq, self.media_type = dump.seq, dump.media_type
        self._on_done = on_done
        self._file = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 -- closed by the last user
        self._written = 0
        self._done = False
        self._failed: BaseException | None = None
        self._users = {"writer", "reader"}  # the file is closed when both are done with it
        self._cond = threading.Condition()
        self._writer = threading.Thread(target=self._write, args=(dump,),
                                        name="semcat-dump-spool", daemon=True)
        self._writer.start()

    def _write(self, dump: Dump) -> None:
        try:
            for chunk in dump:  # ends the read transaction when done
                os.write(self._file.fileno(), chunk)
                with self._cond:
                    self._written += len(chunk)
                    self._cond.notify_all()
        except BaseException as exc:  # told to the reader, which ends the answer early
            log.exception("a dump failed while it was spooled")
            self._failed = exc
        finally:
            dump.close()
            with self._cond:
                self._done = True
                self._cond.notify_all()
            self._release("writer")

    def __iter__(self) -> Iterator[bytes]:
        offset = 0
        try:
            while True:
                with self._cond:
                    while offset >= self._written and not self._done:
                        self._cond.wait()
                    end, done = self._written, self._done
                if offset < end:
                    block = os.pread(self._file.fileno(), min(end - offset, 1 << 20), offset)
                    offset += len(block)
                    yield block
                elif done:
                    if self._failed is not None:
                        raise RuntimeError("the dump failed while it was written") \
                            from self._failed
                    return
        finally:
            self._release("reader")

    def close(self) -> None:
        """The reader is gone (the answer ended, or the client went away)."""
        self._release("reader")

    def _release(self, who: str) -> None:
        with self._cond:
            if who not in self._users:
                return
            self._users.discard(who)
            last = not self._users
        if who == "reader":
            self._on_done()
        if last:
            self._file.close()
