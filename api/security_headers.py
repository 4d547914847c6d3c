"""Headers that keep pages safe in a browser, on every answer (set by the request context).

Every answer: ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: no-referrer``. HTML
answers also get a Content-Security-Policy that allows no inline script and nothing from
elsewhere (``script-src 'self'``, ``object-src 'none'``, ``base-uri 'none'``,
``form-action 'self'``, ``frame-ancestors 'none'``); styles may be inline (the pages' own
stylesheet), scripts never. Every page is under it, ``/docs`` too (api/pages/docs.py serves
Swagger UI from the hub's own static files).

A ``Location`` never names the host the request's ``Host`` header named: the slash redirects of
the router (``/api/v1/services/`` -> ``/api/v1/services``) build an absolute URL from that
header, which anyone may set, so a cache in front of the hub could keep a redirect to another
site; such a ``Location`` is cut to its path and query (RFC 9110 §10.2.2 allows a relative
one), which the client resolves against the URL it asked for.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import Message, Scope

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")


def add_to(scope: Scope, start: Message) -> None:
    """Put the headers on the start of an answer (called by
    :class:`api.request_context.RequestContext`, which every answer passes through)."""
    headers = MutableHeaders(scope=start)
    location = headers.get("location")
    if location is not None:
        headers["Location"] = _relative(location, Headers(scope=scope).get("host"))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    if headers.get("content-type", "").startswith("text/html"):
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Frame-Options", "DENY")


def _relative(location: str, host: str | None) -> str:
    """``location`` without its scheme and authority when they are the request's own."""
    parts = urlsplit(location)
    if not parts.scheme or parts.netloc.lower() != (host or "").lower():
        return location
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
