"""``semcat import FILE...``: files read record by record, written batch by batch.

The files are read lazily (:mod:`catalog.intake.stream`) and handed to :func:`write`, which
imports them through the one write path as the operator (``operator:NAME``: a transition and
an audit entry for every record, drafts unless ``--publish``): a batch of :data:`BATCH` records
at a time with ``--per-record`` (each acknowledged through ``on_ack``) or everything in one
transaction once every record is valid (the default).

Memory: ``--per-record`` holds one batch and the rejected outcomes, so it does not grow with
the file (a reading process adds itself, ~165 MB, and at most ~800 records on their way,
~12 MB); what grows is the catalogue itself (the validator's reference index keeps each
service's class, ~150 bytes, and the store's RocksDB indexes grow with the data). All or
nothing holds every valid record's new version (its canonical N-Triples, ~13 KB a passport:
~1.3 GB for 100,000) until the one commit; use ``--per-record`` for big files.

Reading: here by default (``--reader inline``, :class:`FileItems`); with ``--reader process``
(or ``auto`` and a file of :data:`api.cli_pipeline.MIN_BYTES` or more) in a second process
while this one commits and projects (:mod:`api.cli_pipeline`, :class:`PipedItems`).

Progress goes to stderr: a bar on a terminal (records, rate, ETA from the bytes read), else a
line every :data:`PLAIN_EVERY_S` seconds. Ctrl-C stops reading: with ``--per-record`` the
records read so far are committed as a last (smaller) batch, what was acknowledged is printed
and the exit code is 130; re-running the same command finishes the import (records already
imported are unchanged and skipped). All or nothing writes nothing when interrupted before
its commit. A second Ctrl-C stops at once (an uncommitted transaction is rolled back).
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from api.cli_pipeline import ReadAhead, usable
from catalog.codelists.codes import CatalogCodes
from catalog.core import Catalog
from catalog.errors import CatalogError, InvalidInput
from catalog.intake.readers import BulkItem
from catalog.intake.stream import ItemStream, stream_items
from catalog.ledger import Appended
from catalog.records.codes import CodeLookup
from catalog.settings import Settings
from catalog.workflow.access import Principal
from catalog.workflow.bulk import Checked, ImportReport
from catalog.workflow.publishing import Publishing

#: records per committed batch (``--per-record``; ``--batch-size``)
BATCH = 500
#: seconds between two progress lines when stderr is not a terminal (``--progress-every``)
PLAIN_EVERY_S = 10.0
#: outcomes other than rejections a report keeps (the first ones)
KEEP = 100

OnAck = Callable[[list[Appended]], None]


def write(catalog: Catalog, items: Iterable[BulkItem | Checked], *, principal: Principal,
          atomic: bool, publish: bool, report: ImportReport, on_ack: OnAck, batch_size: int = BATCH
          ) -> ImportReport:
    """Validate and write the records through the one write path."""
    def acked(appended: list[Appended]) -> None:
        catalog.project_after_commit()  # the store and the search index keep pace
        on_ack(appended)

    return Publishing(catalog).import_records(
        principal, items, atomic=atomic, publish=publish, batch_size=batch_size, on_ack=acked,
        report=report)


class Interrupted(Exception):
    """Ctrl-C in an all-or-nothing import: raised by the reader, so nothing is committed."""


class FileItems:
    """The items of several files in turn, read lazily; stops reading on request."""

    def __init__(self, paths: list[Path], settings: Settings, *, atomic: bool,
                 codes: CodeLookup | None = None) -> None:
        self.paths, self.settings, self.atomic = paths, settings, atomic
        self.codes = codes
        self.size = sum(p.stat().st_size for p in paths)
        self.read = 0
        self.stop = False  # Ctrl-C: read no more
        self.finished = False  # every file was read to its end
        self.on_item: Callable[[], None] = lambda: None
        self._done_bytes = 0
        self._current: ItemStream | None = None

    @property
    def bytes_read(self) -> int:
        return self._done_bytes + (self._current.bytes_read if self._current else 0)

    def __iter__(self) -> Iterator[BulkItem | Checked]:
        for path in self.paths:
            with path.open("rb") as f:
                self._current = stream_items(f, path.name, self.settings, self.codes)
                items = iter(self._current)
                while not self._stopped():
                    item = next(items, None)
                    if item is None:
                        break
                    self.read += 1
                    self.on_item()
                    yield item
            self._done_bytes += self._current.bytes_read  # all of it, unless stopped
            self._current = None
            if self._stopped():
                return
        self.finished = True

    def _stopped(self) -> bool:
        if self.stop and self.atomic:
            raise Interrupted
        return self.stop


class PipedItems(FileItems):
    """The items of several files read and checked ahead in a second process
    (:mod:`api.cli_pipeline`), handed over in order; stops taking them on request."""

    def __init__(self, paths: list[Path], settings: Settings, *, atomic: bool,
                 publish: bool) -> None:
        super().__init__(paths, settings, atomic=atomic)
        self.publish = publish
        self._at = 0

    @property
    def bytes_read(self) -> int:
        return self._at

    def __iter__(self) -> Iterator[BulkItem | Checked]:
        ahead = ReadAhead(self.paths, self.settings, publish=self.publish)
        for chunk in ahead.chunks(self._stopped):
            for item, at in chunk:
                if self._stopped():
                    return
                self.read += 1
                self._at = at
                self.on_item()
                yield item
        if not self._stopped():
            self.finished = True


class Progress:
    """A bar on a terminal, plain periodic lines otherwise (on ``out``, stderr by default)."""

    def __init__(self, files: FileItems, report: ImportReport, *, atomic: bool,
                 out: TextIO | None = None, every_s: float = PLAIN_EVERY_S) -> None:
        self.files, self.report, self.atomic = files, report, atomic
        self.out = out or sys.stderr
        self.tty = self.out.isatty()
        self.every_s = 0.25 if self.tty else every_s
        self.start = self._last = time.monotonic()
        self.bar: Any = None
        if self.tty:
            from tqdm import tqdm

            size = shutil.get_terminal_size((100, 24))  # a pty may say 0 x 0: tqdm then hides
            self.bar = tqdm(total=files.size, file=self.out, unit="B", unit_scale=True,
                            ncols=size.columns or 100, nrows=size.lines or 24, mininterval=0.25,
                            bar_format="{percentage:3.0f}%|{bar}| {desc} [{elapsed}<{remaining}]")

    def tick(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < self.every_s:
            return
        self._last = now
        if self.bar is not None:
            self.bar.set_description_str(self.counts(now), refresh=False)
            self.bar.update(self.files.bytes_read - self.bar.n)
            return
        pct = 100 * self.files.bytes_read / self.files.size if self.files.size else 100.0
        print(f"{self.counts(now)}, {pct:.0f}% of the file", file=self.out, flush=True)

    def counts(self, now: float) -> str:
        r = self.report
        done = self.files.read if self.atomic else r.total
        parts = [f"{s} {r.count(s)}" for s in ("created", "updated", "unchanged")
                 if r.count(s)] if not self.atomic else []
        parts.append(f"rejected {r.count('rejected')}")
        verb = "validated" if self.atomic else "imported"
        rate = done / max(now - self.start, 1e-9)
        return f"{verb} {done} records ({', '.join(parts)}), {rate:.0f}/s"

    def close(self) -> None:
        self.tick(force=True)
        if self.bar is not None:
            self.bar.close()


@contextmanager
def _ctrl_c_stops(files: FileItems, out: TextIO) -> Iterator[None]:
    """The first SIGINT asks the reader to stop after this batch; the second stops at once."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(_signum: int, _frame: FrameType | None) -> None:
        if files.stop:
            raise KeyboardInterrupt
        files.stop = True
        print("\ninterrupt: stopping after the current batch (Ctrl-C again to stop at once)",
              file=out, flush=True)

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def print_report(report: ImportReport, **extra: object) -> None:
    for o in report.rejected:
        print(f"rejected {o.iri or o.position}")
        if o.error is not None:
            print(f"  {o.error}")
        if o.report:
            for f in o.report.violations:
                print(f"  {f.focus} {f.path or ''}: {f.message_en}")
    print(json.dumps({**report.summary(), **extra}), flush=True)


def _acknowledged(report: ImportReport) -> str:
    acked = sum(report.count(s) for s in ("created", "updated", "unchanged"))
    return (f"{acked} records acknowledged (created {report.count('created')}, updated "
            f"{report.count('updated')}, unchanged {report.count('unchanged')}), "
            f"{report.count('rejected')} rejected")


def run_import(catalog: Catalog, principal: Principal, args: argparse.Namespace) -> int:
    paths = [Path(f) for f in args.files]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise InvalidInput(f"no such file: {', '.join(missing)}",
                           message_ro=f"fișierul nu există: {', '.join(missing)}",
                           value=missing[0])
    atomic = not args.per_record
    publish = bool(getattr(args, "publish", False))
    files = (PipedItems(paths, catalog.settings, atomic=atomic, publish=publish)
             if usable(catalog, principal, paths, getattr(args, "reader", "inline"))
             else FileItems(paths, catalog.settings, atomic=atomic, codes=CatalogCodes(catalog)))
    report = ImportReport.flat(KEEP)
    err = sys.stderr
    progress = Progress(files, report, atomic=atomic, out=err,
                        every_s=getattr(args, "progress_every", PLAIN_EVERY_S))
    files.on_item = progress.tick
    try:
        with _ctrl_c_stops(files, err):
            write(catalog, files, principal=principal, atomic=atomic,
                  publish=publish, report=report,
                  on_ack=lambda _appended: progress.tick(),
                  batch_size=max(1, getattr(args, "batch_size", BATCH)))
    except (Interrupted, KeyboardInterrupt):
        progress.close()
        if atomic:
            print("interrupted before the commit: nothing was written", file=err)
        else:
            print(f"interrupted: the ledger holds the {_acknowledged(report)}; run the same "
                  "command again to finish (records already imported are skipped as unchanged)",
                  file=err)
        print_report(report, interrupted=True)
        return 130
    except CatalogError:
        progress.close()
        if not atomic and report.total:
            print(f"stopped by an error after {_acknowledged(report)}; those stay written",
                  file=err)
            print_report(report, stopped=True)
        raise
    progress.close()
    if files.stop and not files.finished:  # the last batch was committed after Ctrl-C
        print(f"interrupted: the ledger holds the {_acknowledged(report)}; run the same "
              "command again to finish (records already imported are skipped as unchanged)",
              file=err)
        print_report(report, interrupted=True)
        return 130
    print_report(report)
    return 1 if report.count("rejected") else 0
