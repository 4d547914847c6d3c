"""Rate limits per client address: a token bucket for SPARQL answers (cached ones count too),
and a count of failed authentications per minute (429 once past it, valid tokens included, so
guessing stops).

The client address is the connection's peer; behind a reverse proxy it is the address the
proxy passes on only when the proxy is trusted (``SEMCAT_TRUSTED_PROXIES``, handed to uvicorn
as ``forwarded_allow_ips``): an ``X-Forwarded-For`` from anyone else is ignored.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque

from catalog.errors import TooManyQueries

#: Clients remembered at most (the least recently seen are forgotten first).
MAX_CLIENTS = 100_000


class TooManyRequests(TooManyQueries):
    """A client past its rate (HTTP 429 with Retry-After)."""

    code = "too_many_requests"


class TokenBucket:
    """``rate`` requests a second per client, in bursts of up to ``burst``."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, float(burst)
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """0 when the request may go on, else the seconds to wait."""
        now = time.monotonic()
        with self._lock:
            tokens, at = self._buckets.pop(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - at) * self.rate)
            wait = 0.0 if tokens >= 1 else (1 - tokens) / self.rate
            self._buckets[client] = (tokens - 1 if wait == 0 else tokens, now)
            while len(self._buckets) > MAX_CLIENTS:
                self._buckets.popitem(last=False)
            return wait

    def check(self, client: str, what: str) -> None:
        wait = self.take(client)
        if wait:
            raise TooManyRequests.of("rate.too_many", value=client,
                                     expected=f"<= {self.rate:g} per second", what=what,
                                     rate=self.rate, burst=self.burst, wait=wait)


class FailedLogins:
    """At most ``per_minute`` failed authentications a minute per client address."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        seen = self._failures.setdefault(client, deque())
        while seen and now - seen[0] > 60:
            seen.popleft()
        return seen

    def check(self, client: str) -> None:
        """Refuse an authentication from a client past its failures (429)."""
        with self._lock:
            seen = self._recent(client, time.monotonic())
            if len(seen) >= self.per_minute:
                wait = 60 - (time.monotonic() - seen[0])
                raise TooManyRequests.of("auth.throttled", field="Authorization",
                                         expected=f"< {self.per_minute} failures a minute",
                                         count=len(seen), wait=wait)

    def failed(self, client: str) -> None:
        with self._lock:
            self._recent(client, time.monotonic()).append(time.monotonic())
            self._failures.move_to_end(client)
            while len(self._failures) > MAX_CLIENTS:
                self._failures.popitem(last=False)
