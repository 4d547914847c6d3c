"""CORS on the public reads (https://fetch.spec.whatwg.org/#http-cors-protocol): a script of any
origin may read, without credentials, what anybody may read (``GET``/``HEAD`` of the REST API,
GeoJSON included, the SPARQL endpoint, the graph store, the DCAT catalogue and the catalogue's
IRIs). Set by the request context on the start of the answer.

Not for writes, and not for a request that carries credentials (``Authorization``, a cookie):
what a token may read (drafts) is never shared with another origin. A preflight (``OPTIONS``)
under ``/api/v1/`` allows ``GET`` and ``HEAD`` only.
"""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import Response
from starlette.types import Message, Scope, Send

EXPOSED = ("ETag, Last-Modified, Link, Location, Retry-After, X-Request-ID, X-Change-Seq, "
           "X-Version, X-Version-Status")
PUBLIC_READ = {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": EXPOSED}
PREFLIGHT = PUBLIC_READ | {"Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
                           "Access-Control-Allow-Headers": "Accept, Accept-Language, "
                           "If-None-Match, If-Modified-Since",
                           "Access-Control-Max-Age": "86400"}
_PREFIXES = ("/api/v1/", "/sparql", "/graph-store", "/catalog", "/id/", "/codelist/", "/eli/")


def public_read(scope: Scope) -> bool:
    """A GET or HEAD of a public path, without credentials."""
    if scope.get("method") not in ("GET", "HEAD"):
        return False
    if not str(scope.get("path", "")).startswith(_PREFIXES):
        return False
    headers = Headers(scope=scope)
    return "authorization" not in headers and "cookie" not in headers


def add_to(scope: Scope, start: Message) -> None:
    """Allow any origin to read the answer of a public read."""
    if public_read(scope):
        headers = MutableHeaders(scope=start)
        for key, value in PUBLIC_READ.items():
            headers.setdefault(key, value)


def preflight_path(scope: Scope) -> bool:
    """An ``OPTIONS`` under ``/api/v1/`` (answered by :func:`answer_preflight`)."""
    return scope.get("method") == "OPTIONS" and str(scope.get("path", "")).startswith("/api/v1/")


async def answer_preflight(scope: Scope, send: Send) -> None:
    """The preflight of a cross-origin read of the REST API: reads only."""
    await Response(status_code=204, headers=PREFLIGHT)(scope, _no_receive, send)


async def _no_receive() -> Message:  # pragma: no cover - a 204 reads nothing
    return {"type": "http.disconnect"}


__all__ = ["PREFLIGHT", "PUBLIC_READ", "add_to", "answer_preflight", "preflight_path",
           "public_read"]
