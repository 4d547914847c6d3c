"""One document downloaded by URL for a harvest (another catalogue's CPSV-AP file), guarded.

- **No SSRF**: the host must resolve to public addresses only (:mod:`adapters.notify.guard`,
  the check of the change notifications), unless the setting ``harvest_allow_private`` allows
  loopback, private and link-local ones (tests, closed networks); the connection goes to the
  very address checked (the name in ``Host`` and TLS SNI), so a name that resolves elsewhere
  afterwards (DNS rebinding) cannot take the hub there. A URL with a user name or password is
  refused (secrets are never written in a mapping).
- **Bounded**: connect and read timeouts, a deadline for the whole answer, the body streamed
  and cut at the cap (a declared ``Content-Length`` over it is refused unread).
- **Redirects** are followed on the same host and port only (http may go to https), each hop
  checked again, at most :attr:`adapters.sources.http.Limits.redirects`.

Errors are those of the registry sources (:mod:`adapters.sources.errors`): they name the
address without its query, a status, a size or a time, never what the server answered.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from adapters.notify.guard import Target, resolve
from adapters.sources.errors import RegistryUnavailable
from adapters.sources.http import Limits, read_capped, translated, where

USER_AGENT = "semcat-harvest/1"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
#: what a harvest asks for: every RDF format the hub reads
ACCEPT = ("text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.9, "
          "application/n-triples;q=0.8, application/n-quads;q=0.8, application/trig;q=0.8, "
          "*/*;q=0.1")


@dataclass(frozen=True)
class Fetched:
    url: str  # where the body came from (after redirects)
    media_type: str  # the answer's Content-Type, without parameters ("" when none)
    body: bytes


def _pinned(target: Target) -> tuple[httpx.URL, dict[str, str], dict[str, str]]:
    url = httpx.URL(target.url)
    return url.copy_with(host=target.address), {"Host": url.netloc.decode("ascii")}, \
        {"sni_hostname": target.host}


def fetch(url: str, limits: Limits, *, allow_private: bool) -> Fetched:
    """The body of a 200 answer to ``GET url`` (see the module for the guards)."""
    started = time.monotonic()
    first = urlsplit(url)
    origin = ((first.hostname or "").lower(), first.port)
    with httpx.Client(timeout=httpx.Timeout(connect=limits.connect_s, read=limits.read_s,
                                            write=limits.read_s, pool=limits.connect_s),
                      follow_redirects=False, trust_env=False) as client:
        for _ in range(limits.redirects + 1):
            target = resolve(url, allow_private=allow_private, area="harvest",
                             field="source.url")
            pinned, host, extensions = _pinned(target)
            request = client.build_request(
                "GET", pinned, headers={**host, "Accept": ACCEPT, "User-Agent": USER_AGENT},
                extensions=extensions)
            with translated(url, limits):
                response = client.send(request, stream=True)
                try:
                    location = response.headers.get("location")
                    if response.status_code in _REDIRECTS and location:
                        url = _same_host(url, urljoin(url, location), origin)
                        continue
                    if response.status_code != 200:
                        raise RegistryUnavailable.of("registry.status", value=where(url),
                                                     status=response.status_code)
                    body = read_capped(response, url, limits, started)
                    media = response.headers.get("content-type", "").split(";")[0].strip()
                    return Fetched(url, media.lower(), body)
                finally:
                    response.close()
    raise RegistryUnavailable.of("registry.too_many_redirects", value=where(url),
                                 limit=limits.redirects)


def _same_host(url: str, target: str, origin: tuple[str, int | None]) -> str:
    parts, now = urlsplit(target), urlsplit(url)
    if ((parts.hostname or "").lower(), parts.port) != origin or \
            parts.scheme not in (now.scheme, "https"):
        raise RegistryUnavailable.of("registry.redirect_other_host", value=where(url),
                                     host=(parts.hostname or "?")[:100])
    return target


