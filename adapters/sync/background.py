"""Runs started from the hub (the admin API, the schedule): each in a thread of its own, the
caller told the run's id once it exists, or the error that stopped it from starting (another
process runs the adapter: 409)."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from adapters.mapping.library import all_mappings
from adapters.mapping.spec import MappingSpec
from adapters.sync.runner import Sync
from catalog.core import Catalog
from catalog.errors import CatalogError, Conflict
from catalog.ledger import syncs

log = logging.getLogger(__name__)

#: how long a caller waits for a started run to have its id
START_WAIT_S = 10.0


def start(catalog: Catalog, spec: MappingSpec, *, dry_run: bool, trigger: str) -> int:
    """Start a run in a thread; the run's id (raises what stopped it from starting)."""
    before = syncs.runs(catalog.engine, spec.name, limit=1)
    last = before[0].id if before else 0
    failed: list[BaseException] = []

    def work() -> None:
        try:
            sync = Sync(catalog, spec)
            sync.plan(trigger) if dry_run else sync.apply(trigger)
        except CatalogError as exc:
            failed.append(exc)
            log.info("adapter %s: run stopped: %s", spec.name, exc)
        except Exception as exc:  # a fault of ours: logged, and the run row says failed
            failed.append(exc)
            log.exception("adapter %s: run failed", spec.name)

    thread = threading.Thread(target=work, name=f"adapter-{spec.name}", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_WAIT_S
    while time.monotonic() < deadline:
        runs = syncs.runs(catalog.engine, spec.name, limit=1)
        if runs and runs[0].id > last:
            return runs[0].id
        if not thread.is_alive():
            break
        time.sleep(0.02)
    if failed and isinstance(failed[0], CatalogError):
        raise failed[0]
    runs = syncs.runs(catalog.engine, spec.name, limit=1)
    if runs and runs[0].id > last:
        return runs[0].id
    if runs and runs[0].status == "running":  # a killed run, resumed under its own id
        return runs[0].id
    raise Conflict.of("adapter.running", field="adapter", value=spec.name,
                      holder="this hub", lease_s=START_WAIT_S)


def due(catalog: Catalog, spec: MappingSpec, now: float | None = None) -> bool:
    """A scheduled adapter whose last apply run started an interval ago (or never ran)."""
    if spec.schedule_s is None:
        return False
    applied = [r for r in syncs.runs(catalog.engine, spec.name, limit=20) if not r.dry_run]
    if not applied:
        return True
    if applied[0].status == "running":
        return True  # killed: resume it
    return (now or time.time()) - applied[0].started_at.timestamp() >= spec.schedule_s


class Scheduler(threading.Thread):
    """Runs the due adapters of the hub's folder, one check a minute; the adapter's lease
    keeps two hub processes from running it at once."""

    def __init__(self, catalog: Catalog, every_s: float = 60.0,
                 folder: Path | None = None) -> None:
        super().__init__(name="adapter-scheduler", daemon=True)
        self.catalog, self.every_s = catalog, every_s
        self.folder = folder or catalog.settings.adapters_dir
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self.every_s):
            self.tick()

    def tick(self) -> list[str]:
        """Run what is due now; the names run."""
        ran = []
        for _path, spec in all_mappings(self.folder):
            if not isinstance(spec, MappingSpec) or not due(self.catalog, spec):
                continue
            try:
                Sync(self.catalog, spec).apply("schedule")
                ran.append(spec.name)
            except Conflict:
                continue  # another process runs it
            except CatalogError as exc:
                log.warning("adapter %s: scheduled run failed: %s", spec.name, exc)
        return ran

    def stop(self) -> None:
        self._stop_event.set()
