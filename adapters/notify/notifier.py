"""The notifier: a follower of the ledger's change sequence that delivers each change to every
subscriber after that subscriber's own cursor, in order.

Per subscriber, changes are sent one at a time; the cursor moves after each acknowledged
delivery (at least once: a crash re-sends at most the event that was in flight, with the same
id). A failed delivery stops that subscriber's round and schedules the next attempt after a
backoff that doubles from 1 s up to ``notify_max_backoff_s``; other subscribers are not held
up. Changes of kinds a subscriber did not ask for move its cursor without a request. One
process at a time sends (a lease in the ledger, like the store's projector), so two hub
workers never deliver the same change twice over.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from adapters.notify import events
from adapters.notify.delivery import deliver
from catalog.core import Catalog
from catalog.ledger.leases import Lease
from catalog.ledger.subscriptions import Due, Subscriptions

log = logging.getLogger(__name__)

#: changes read from the ledger at a time for one subscriber
BATCH = 100


@dataclass(frozen=True)
class NotifierSettings:
    interval_s: float
    timeout_s: float
    max_backoff_s: float
    allow_private: bool

    @classmethod
    def of(cls, catalog: Catalog) -> NotifierSettings:
        s = catalog.settings
        return cls(s.notify_interval_s, s.notify_timeout_s, s.notify_max_backoff_s,
                   s.notify_allow_private)


def backoff(failures: int, max_backoff_s: float) -> float:
    """Seconds to wait after the ``failures``-th failure in a row: 1, 2, 4 ... capped."""
    return float(min(2 ** max(0, failures - 1), max_backoff_s))


class Notifier:
    def __init__(self, catalog: Catalog, settings: NotifierSettings | None = None) -> None:
        self.catalog = catalog
        self.settings = settings or NotifierSettings.of(catalog)
        self.subscriptions = Subscriptions(catalog.engine)
        self.lease = Lease(catalog.engine, "notify")
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._resolver = ThreadPoolExecutor(max_workers=2, thread_name_prefix="semcat-resolve")

    # one round ----------------------------------------------------------------------------
    def run_once(self) -> int:
        """Deliver what is due to every subscriber; how many events were acknowledged."""
        last = self.catalog.ledger.last_seq()
        due = self.subscriptions.due(last)
        if not due or not self.lease.acquire():
            return 0
        return asyncio.run(self._round(due))

    async def _round(self, due: list[Due]) -> int:
        sent = 0
        for sub in due:
            if self._stop.is_set():
                break
            sent += await self._serve(sub)
        return sent

    async def _serve(self, sub: Due) -> int:
        """Send ``sub`` its changes in order until none is left or one fails."""
        cursor, sent = sub.cursor, 0
        ledger, s = self.catalog.ledger, self.settings
        while rows := await asyncio.to_thread(ledger.changes_after, cursor, BATCH):
            for row in rows:
                if sub.kinds is not None and row.kind not in sub.kinds:
                    cursor = row.seq
                    continue
                if self._stop.is_set() or not self.lease.acquire():
                    return self._keep(sub, cursor, sent)
                event = events.event(row, self.catalog.kinds, self.catalog.settings.base_uri)
                outcome = await deliver(sub.url, sub.secret, event["id"], events.encode(event),
                                        timeout_s=s.timeout_s, allow_private=s.allow_private,
                                        media_type=events.MEDIA_TYPE,
                                        resolver=self._resolver)
                if not outcome.ok:
                    failures = 1 + (0 if cursor > sub.cursor else sub.failures)
                    self._keep(sub, cursor, sent)
                    wait = backoff(failures, s.max_backoff_s)
                    self.subscriptions.failed(sub.id, f"event {event['id']}: {outcome.detail}",
                                              time.time() + wait)
                    log.warning("notification of change %s to subscription %d failed (%s); "
                                "attempt %d, next in %g s", event["id"], sub.id, outcome.detail,
                                failures, wait)
                    return sent
                cursor, sent = row.seq, sent + 1
                if not self.subscriptions.advance(sub.id, cursor, sent=1):
                    return sent  # the subscription was deleted meanwhile
        return self._keep(sub, cursor, sent)

    def _keep(self, sub: Due, cursor: int, sent: int) -> int:
        """Record a cursor moved past changes of other kinds (deliveries are recorded as they
        are acknowledged)."""
        if cursor > sub.cursor:
            self.subscriptions.advance(sub.id, cursor, sent=0)
        return sent

    # the thread -------------------------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="semcat-notifier", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # a ledger hiccup: logged, tried again at the next interval
                log.exception("the notifier's round failed; it is tried again")
            self._stop.wait(self.settings.interval_s)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.settings.timeout_s + 5)
        self._resolver.shutdown(wait=False)
        self.lease.release()
