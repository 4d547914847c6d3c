"""The one HTTP client of the registry sources (REST and SOAP alike), on httpx.

Every call is bounded: connect, read (between bytes) and total time, answer size (the body is
streamed and cut at the cap, a declared ``Content-Length`` over it is refused before reading),
redirects (followed only on the same host and port, from http to https or on the same scheme,
at most :attr:`Limits.redirects`),
and retries (429 and 503 only, waiting what ``Retry-After`` asks when that is within
:attr:`Retries.max_wait_s`, else an exponential backoff). httpx errors become
:mod:`adapters.sources.errors` here and nowhere else; messages name the address without its
query, never a header (they carry the secrets) or the body.
"""

from __future__ import annotations

import logging
import ssl
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from adapters.sources.errors import RegistryAnswerRefused, RegistryTimeout, RegistryUnavailable
from catalog.messages import Localized

log = logging.getLogger("adapters.sources")

#: what a timeout cut, in each language
PHASES = {
    "connect": Localized({"en": "connect", "ro": "conectare", "ru": "соединение"}),
    "read": Localized({"en": "read", "ro": "citire", "ru": "чтение"}),
    "total": Localized({"en": "whole answer", "ro": "răspunsul întreg", "ru": "весь ответ"}),
}
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_RETRIED = frozenset({429, 503})


@dataclass(frozen=True)
class Limits:
    """Time and size limits of one source's calls (never ``None`` meaning "forever")."""

    connect_s: float = 5.0
    #: longest silence between two chunks of an answer
    read_s: float = 30.0
    #: longest time for one whole answer, first byte to last
    total_s: float = 120.0
    max_bytes: int = 16 * 1024 * 1024
    redirects: int = 3

    def __post_init__(self) -> None:
        if min(self.connect_s, self.read_s, self.total_s) <= 0 or self.max_bytes <= 0:
            raise ValueError("limits must be positive")


@dataclass(frozen=True)
class Retries:
    """How a source retries 429 and 503 answers."""

    #: tries in all, the first one included
    attempts: int = 4
    #: first backoff when the registry does not say how long to wait; doubles each time
    backoff_s: float = 0.5
    #: longest wait before one retry; a registry asking for more fails the call
    max_wait_s: float = 30.0


@dataclass(frozen=True)
class Answer:
    status: int
    headers: httpx.Headers
    body: bytes
    url: str


def where(url: str) -> str:
    """``url`` as messages show it: scheme, host, port and path, no query or credentials."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"[:200]


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port


def retry_after(headers: httpx.Headers, now: datetime | None = None) -> float | None:
    """The seconds ``Retry-After`` asks for (a number or an HTTP date), ``None`` if absent or
    unreadable."""
    value = headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class HttpClient:
    """Bounded HTTP calls to one registry."""

    def __init__(self, limits: Limits | None = None, retries: Retries | None = None, *,
                 headers: Mapping[str, str] | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 verify: ssl.SSLContext | bool = True) -> None:
        self.limits = limits or Limits()
        self.retries = retries or Retries()
        self._sleep = sleep
        lim = self.limits
        self._client = httpx.Client(
            timeout=httpx.Timeout(connect=lim.connect_s, read=lim.read_s, write=lim.read_s,
                                  pool=lim.connect_s),
            follow_redirects=False, trust_env=False, headers=dict(headers or {}),
            verify=verify)

    def close(self) -> None:
        self._client.close()

    def send(self, method: str, url: str, *, params: Mapping[str, Any] | None = None,
             content: bytes | None = None, headers: Mapping[str, str] | None = None,
             ok: frozenset[int] = frozenset({200})) -> Answer:
        """The answer to one call, retried on 429/503; any status not in ``ok`` is a fault."""
        tries = max(1, self.retries.attempts)
        for attempt in range(1, tries + 1):
            answer = self._follow(method, url, params, content, headers, ok)
            if answer.status not in _RETRIED or answer.status in ok:
                if answer.status not in ok:
                    raise RegistryUnavailable.of("registry.status", value=where(answer.url),
                                                 status=answer.status)
                return answer
            asked = retry_after(answer.headers)
            wait = asked if asked is not None else \
                self.retries.backoff_s * 2 ** (attempt - 1)
            if attempt == tries or wait > self.retries.max_wait_s:
                raise RegistryUnavailable.of(
                    "registry.rate_limited", value=where(answer.url), status=answer.status,
                    attempts=attempt, wait=round(wait, 1), limit=self.retries.max_wait_s)
            log.info("%s %s -> %s, retry %d in %.1f s", method, where(answer.url),
                     answer.status, attempt, wait)
            self._sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _follow(self, method: str, url: str, params: Mapping[str, Any] | None,
                content: bytes | None, headers: Mapping[str, str] | None,
                ok: frozenset[int]) -> Answer:
        origin = _origin(url)
        for _ in range(self.limits.redirects + 1):
            answer, location = self._once(method, url, params, content, headers, ok)
            if location is None:
                return answer
            target = urljoin(url, location)
            scheme, host, port = _origin(target)
            if (host, port) != origin[1:] or scheme not in (origin[0], "https"):
                raise RegistryUnavailable.of("registry.redirect_other_host", value=where(url),
                                             host=(urlsplit(target).hostname or "?")[:100])
            if answer.status == 303 or (answer.status in (301, 302) and method != "GET"):
                method, content = "GET", None
            url, params = target, None
        raise RegistryUnavailable.of("registry.too_many_redirects", value=where(url),
                                     limit=self.limits.redirects)

    def _once(self, method: str, url: str, params: Mapping[str, Any] | None,
              content: bytes | None, headers: Mapping[str, str] | None,
              ok: frozenset[int]) -> tuple[Answer, str | None]:
        started = time.monotonic()
        with translated(url, self.limits), self._client.stream(
                method, url, params=params, content=content, headers=headers) as response:
            location = response.headers.get("location")
            if response.status_code in _REDIRECTS and location:
                return Answer(response.status_code, response.headers, b"", url), location
            body = b""
            if response.status_code in ok:
                body = read_capped(response, url, self.limits, started)
            answer = Answer(response.status_code, response.headers, body, str(response.url))
        log.info("%s %s -> %s (%d bytes, %.2f s)", method, where(url), answer.status,
                 len(body), time.monotonic() - started)
        return answer, None

def read_capped(response: httpx.Response, url: str, limits: Limits, started: float) -> bytes:
    """The body of ``response``, streamed: refused past ``limits.max_bytes`` (declared or
    read) and past ``limits.total_s`` since ``started``."""
    cap = limits.max_bytes
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise RegistryAnswerRefused.of("registry.answer_too_large", value=where(url), limit=cap)
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > cap:
            raise RegistryAnswerRefused.of("registry.answer_too_large", value=where(url),
                                           limit=cap)
        if time.monotonic() - started > limits.total_s:
            raise RegistryTimeout.of("registry.timeout", value=where(url),
                                     limit=limits.total_s, phase=PHASES["total"])
        chunks.append(chunk)
    return b"".join(chunks)


@contextmanager
def translated(url: str, limits: Limits) -> Iterator[None]:
    """httpx's errors as ours, without their text or chain (they may quote the address with
    its query, or a proxy's answer)."""
    try:
        yield
    except httpx.ConnectTimeout:
        raise RegistryTimeout.of("registry.timeout", value=where(url), limit=limits.connect_s,
                                 phase=PHASES["connect"]) from None
    except httpx.TimeoutException:
        raise RegistryTimeout.of("registry.timeout", value=where(url), limit=limits.read_s,
                                 phase=PHASES["read"]) from None
    except (httpx.TransportError, httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        raise RegistryUnavailable.of("registry.unreachable", value=where(url),
                                     reason=type(exc).__name__) from None
