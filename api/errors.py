"""The one table from domain errors to HTTP statuses, and the handlers that answer every error
with the one problem document (:mod:`api.problems`).

- :class:`catalog.errors.CatalogError` and its subclasses: the status from :data:`STATUS` (the
  nearest class in the MRO), ``Retry-After`` on 429, 503 and 507, ``WWW-Authenticate`` on 401;
- Starlette's ``HTTPException`` (unknown path 404, wrong method 405): ``http_{status}``;
- FastAPI's request validation: 400 ``invalid_request`` naming the parameter;
- anything else: the 500 of :mod:`api.request_context`, with a request id in the log.

5xx documents carry ``request_id`` (the ``X-Request-ID`` of the answer).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from api.negotiation import NotAcceptable, UnsupportedMediaType
from api.problems import problem_response
from api.request_context import request_id_from, server_error_handler
from catalog import errors as e
from catalog.ledger.idempotency import KeyReused
from catalog.messages import render
from catalog.workflow.access import Unauthenticated

log = logging.getLogger("api.requests")

class MethodNotAllowed(e.CatalogError):
    """A method this resource does not take (HTTP 405; the answer names the allowed ones)."""

    code = "method_not_allowed"


STATUS: dict[type[e.CatalogError], int] = {
    MethodNotAllowed: 405,
    NotAcceptable: 406,
    UnsupportedMediaType: 415,
    e.TooManyQueries: 429,
    Unauthenticated: 401,
    KeyReused: 422,
    e.PreconditionRequired: 428,
    e.PreconditionFailed: 412,
    e.TooLarge: 413,
    e.UnsafeInput: 400,
    e.InvalidInput: 400,
    e.InvalidRecord: 422,
    e.Gone: 410,
    e.NotFound: 404,
    e.Conflict: 409,
    e.Forbidden: 403,
    e.QueryRejected: 400,
    e.QueryTimeout: 503,
    e.StoreUnavailable: 503,
    e.InsufficientStorage: 507,
    e.ConfigurationError: 500,
}
#: Seconds a client should wait before retrying, per status.
RETRY_AFTER = {429: "1", 503: "5", 507: "30"}
_HTTP_MESSAGES = {404: "http.not_found", 405: "http.method_not_allowed"}


def status_for(exc: e.CatalogError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def error_headers(status: int) -> dict[str, str]:
    """The headers an error answer with ``status`` carries besides its body."""
    headers: dict[str, str] = {}
    if status in RETRY_AFTER:
        headers["Retry-After"] = RETRY_AFTER[status]
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="semcat"'
    return headers


def catalog_error_response(request: Request, exc: e.CatalogError,
                           headers: Mapping[str, str] | None = None) -> Response:
    """The problem document of a domain error (also used by the ``/sparql`` fast lane)."""
    status = status_for(exc)
    request_id = request_id_from(request.scope)
    if status >= 500:  # the id in the answer finds this line in the log
        log.warning("%s %s: %d %s (request_id=%s): %s", request.method, request.url.path,
                    status, exc.code, request_id, exc.message)
    more = dict(headers or {})
    if isinstance(exc, e.Gone) and exc.link and exc.link.startswith("/"):
        more.setdefault("Link", f'<{exc.link}>; rel="latest-version"')  # RFC 5829
    return problem_response(exc, status, headers=error_headers(status) | more,
                            request_id=request_id)


def install(app: FastAPI) -> None:
    @app.exception_handler(e.CatalogError)
    async def _catalog_error(request: Request, exc: e.CatalogError) -> Response:
        return catalog_error_response(request, exc)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> Response:
        status = exc.status_code
        if status in _HTTP_MESSAGES:
            message = render(_HTTP_MESSAGES[status])
        else:  # raised with its own detail (none of our routes do): shown in all languages
            message = dict.fromkeys(("en", "ro", "ru"), str(exc.detail))
        headers = error_headers(status) | dict(getattr(exc, "headers", None) or {})
        return problem_response({"code": f"http_{status}", "message": message}, status,
                                headers=headers, request_id=request_id_from(request.scope))

    @app.exception_handler(RequestValidationError)
    async def _request_error(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        body = {"code": "invalid_request",
                "message": render("http.invalid_request", field=where,
                                  reason=first.get("msg", "invalid")),
                "field": where}
        return problem_response(body, 400)

    app.add_exception_handler(Exception, server_error_handler)
