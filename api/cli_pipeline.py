"""``semcat import``'s reading process: files read and validated beside the process that writes.

Reading a record (JSON, the passport model, the gates) and validating it (SHACL) is pure work on
the record and the reference data, about half of an import's time; committing a batch and
projecting it (the store, the search index) is the other half. :class:`PipedItems` runs the
first in a second process (:func:`_read_and_check`, started with ``spawn``: nothing of this
process's open store or connections is shared) while this one writes, so both cores work.

What it keeps of an import done in one process:

- the same items in the same order: :func:`~catalog.workflow.bulk.check_ahead` does what the
  importer does to a draft before it authorises it, and only for a principal authorisation
  cannot refuse (an admin or an operator; others import in one process): the outcomes, the
  report and what is written are the same;
- flat memory: the records travel in chunks of :data:`CHUNK` through a queue of at most
  :data:`QUEUE_CHUNKS` chunks; the reading process waits when the writer is behind;
- Ctrl-C: the reading process ignores SIGINT (a terminal sends it to both); this process stops
  taking records, commits what it took (``--per-record``) and ends the reading process; a
  writer killed outright leaves no reader behind (it sees its parent gone while it waits);
- progress: each record carries the bytes read up to it, so the bar moves as records are
  written, not as they are read ahead;
- errors: a file that cannot be read further (bad CSV, an N-Quads syntax error) is raised here
  at the record it stopped at, as reading it here would.

The reference index of the reading process follows the ledger every :data:`FOLLOW_EVERY`
records (what this import and other writers published), as the writer's does after each batch.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import signal
import threading
import time
import traceback
from collections.abc import Iterator
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from catalog.codelists.codes import CatalogCodes
from catalog.core import Catalog
from catalog.errors import CatalogError
from catalog.intake.readers import BulkItem
from catalog.intake.stream import stream_items
from catalog.records import RecordDraft
from catalog.records.builtin import builtin_kinds
from catalog.settings import Settings
from catalog.workflow.access import Principal, Role
from catalog.workflow.bulk import Checked, check_ahead

#: files smaller than this (in all) are read in the writing process: starting the reading
#: process (~1.5 s of CPU: imports, shapes, reference data) costs more than it saves below
#: ~800 passports (it saves ~2 ms of a passport's ~5.5 ms on two free cores)
MIN_BYTES = 4 << 20
#: records per message between the processes
CHUNK = 25
#: messages the queue holds at most (the reading process waits beyond: flat memory, ~12 MB of
#: passports): more than a batch, so that the reader keeps working while the writer commits one
QUEUE_CHUNKS = 32
#: records between two catch-ups of the reading process's reference index with the ledger
FOLLOW_EVERY = 500
#: seconds between two checks that the reading process is still alive while waiting
_POLL_S = 0.5

Item = BulkItem | Checked
Message = tuple[str, Any]


def usable(catalog: Catalog, principal: Principal, paths: list[Path], mode: str) -> bool:
    """Whether to read in a second process: ``mode`` ``process`` or ``inline``, or ``auto``
    (files of :data:`MIN_BYTES` or more). Never for a principal that authorisation could
    refuse, nor for a catalogue of kinds other than the shipped ones (the reading process
    builds its own catalogue of those)."""
    if principal.role is not Role.ADMIN or mode == "inline":
        return False
    if [k.name for k in catalog.kinds] != [k.name for k in builtin_kinds()]:
        return False
    return mode == "process" or sum(p.stat().st_size for p in paths) >= MIN_BYTES


class ReadAhead:
    """The records of ``paths`` read and checked in a second process, in order; each with the
    bytes read up to it. Iterate once; :meth:`close` (also when iteration ends) ends it."""

    def __init__(self, paths: list[Path], settings: Settings, *, publish: bool) -> None:
        ctx = mp.get_context("spawn")
        self._queue: mp.Queue[Message] = ctx.Queue(QUEUE_CHUNKS)
        # SIGINT blocked while the process starts (it inherits the mask, so a Ctrl-C during its
        # imports cannot kill it); it ignores SIGINT, then unblocks it
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            self._proc: BaseProcess = ctx.Process(
                target=_read_and_check, name="semcat-import-reader", daemon=True,
                args=([str(p) for p in paths], settings, publish, self._queue, os.getpid()))
            self._proc.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)

    def chunks(self, stopped: Any) -> Iterator[list[tuple[Item, int]]]:
        """Chunks of (item, bytes read) until the end; stops early when ``stopped()``."""
        try:
            while not stopped():
                try:
                    what, payload = self._queue.get(timeout=_POLL_S)
                except queue.Empty:
                    if not self._proc.is_alive():
                        raise RuntimeError("the import's reading process ended unexpectedly "
                                           f"(exit code {self._proc.exitcode})") from None
                    continue
                if what == "items":
                    yield payload
                elif what == "error":
                    raise payload
                else:  # "end"
                    return
        finally:
            self.close()

    def close(self) -> None:
        if self._proc.is_alive():
            self._proc.terminate()
        self._proc.join(10)
        if self._proc.is_alive():
            self._proc.kill()
            self._proc.join()
        self._queue.close()


def _read_and_check(paths: list[str], settings: Settings, publish: bool,
                    out: mp.Queue[Message], writer: int) -> None:
    """The reading process: every item of the files, drafts checked ahead, in chunks."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    threading.Thread(target=_orphaned, args=(writer,), daemon=True,
                     name="semcat-reader-watch").start()
    put = out.put
    catalog = Catalog(settings, with_store=False)
    try:
        chunk: list[tuple[Item, int]] = []
        codes = CatalogCodes(catalog)
        references = [f for f in catalog.projections if f.projection is catalog.reference_data]
        done, count = 0, 0
        try:
            for name in paths:
                path = Path(name)
                with path.open("rb") as f:
                    items = stream_items(f, path.name, settings, codes)
                    for item in items:
                        ready: Item = (check_ahead(catalog, item, publish=publish)
                                       if isinstance(item, RecordDraft) else item)
                        chunk.append((ready, done + items.bytes_read))
                        if len(chunk) >= CHUNK:
                            put(("items", chunk))
                            chunk = []
                        count += 1
                        if count % FOLLOW_EVERY == 0:
                            for follower in references:
                                follower.catch_up()
                    done += items.bytes_read
        except CatalogError as exc:  # the file cannot be read further: after what was read
            put(("items", chunk))
            put(("error", exc))
            return
        put(("items", chunk))
        put(("end", None))
    except Exception:  # a fault of this process: told, with its trace, to the writer
        put(("items", chunk))
        put(("error", RuntimeError("the import's reading process failed:\n"
                                       + traceback.format_exc())))
    finally:
        catalog.close()


def _orphaned(parent: int) -> None:
    """End the reading process when the writer (its parent, ``parent``) is gone (killed, it
    cannot say so; maybe before this process started), wherever the reader waits."""
    while os.getppid() == parent:
        time.sleep(_POLL_S)
    os._exit(1)


__all__ = ["MIN_BYTES", "ReadAhead", "usable"]
