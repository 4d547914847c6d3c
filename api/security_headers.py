"""Headers that keep pages safe in a browser, on every answer (set by the request context).

Every answer: ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: no-referrer``. HTML
answers also get a Content-Security-Policy that allows no inline script and nothing from
elsewhere (``script-src 'self'``, ``object-src 'none'``, ``base-uri 'none'``,
``form-action 'self'``, ``frame-ancestors 'none'``); styles may be inline (the pages' own
stylesheet), scripts never. Every page is under it, ``/docs`` too (api/pages/docs.py serves
Swagger UI from the hub's own static files).
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import Message, Scope

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")


def add_to(scope: Scope, start: Message) -> None:
    """Put the headers on the start of an answer (called by
    :class:`api.request_context.RequestContext`, which every answer passes through)."""
    headers = MutableHeaders(scope=start)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    if headers.get("content-type", "").startswith("text/html"):
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Frame-Options", "DENY")
