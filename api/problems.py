"""The one error document of the hub: ``application/problem+json`` (RFC 9457).

Every 4xx/5xx answer, from a FastAPI route, the ``/sparql`` fast lane or the catch-all of
:mod:`api.request_context`, is built by :func:`problem_response`::

    {"type": "urn:semcat:problem:not_found",   a stable URI per error code
     "title": "Not found",                      short, English, per code
     "status": 404,
     "detail": "no institution with code 'XX'", the English message
     "code": "not_found",                       extension members: the code,
     "message": {"en": ..., "ro": ..., "ru": ...},  the three texts,
     "field": "code", "value": "XX", "expected": ..., "link": ..., "line": ..., "column": ...,
     "report": {...},                           a validation report (invalid_record)
     "request_id": "...",                       5xx only: names the entry in the server's log
     "error": {"code": ..., "message": {"en", "ro"}, "field": ...}}  the v1 body, unchanged

``type`` is ``urn:semcat:problem:{code}``: a name, not an address, so that it is the same on
every deployment whatever its ``SEMCAT_BASE_URI`` (RFC 9457 §3.1.1 allows a non-resolvable
URI); the codes and titles are listed in :data:`TITLES`.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from starlette.responses import JSONResponse

from catalog.errors import CatalogError

MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:semcat:problem:"
#: The languages of ``message`` in the v1 ``error`` member (the problem's own has every one).
V1_LANGUAGES = ("en", "ro")

#: The title of each error code (English, short); codes not listed take the HTTP reason phrase.
TITLES: dict[str, str] = {
    "invalid_input": "Invalid input",
    "unsafe_input": "Unsafe input refused",
    "too_large": "Input too large",
    "request_timeout": "Request not received in time",
    "invalid_request": "Invalid request",
    "invalid_record": "Record breaks the profile",
    "not_found": "Not found",
    "gone": "Withdrawn from the catalogue",
    "method_not_allowed": "Method not allowed",
    "conflict": "Conflict with the current state",
    "precondition_required": "Precondition required",
    "precondition_failed": "Precondition failed",
    "forbidden": "Forbidden",
    "unauthenticated": "Authentication required",
    "not_acceptable": "Not acceptable",
    "unsupported_media_type": "Unsupported media type",
    "idempotency_key_reused": "Idempotency key reused",
    "idempotency_key_in_flight": "Idempotent request still in progress",
    "query_rejected": "Query rejected",
    "query_timeout": "Query timed out",
    "too_many_queries": "Too many queries",
    "store_unavailable": "Store unavailable",
    "ledger_unavailable": "Ledger database unavailable",
    "configuration_error": "Configuration error",
    "internal_error": "Internal server error",
    "http_404": "Not found",
    "http_405": "Method not allowed",
}


class ProblemResponse(JSONResponse):
    media_type = MEDIA_TYPE


def title(code: str, status: int) -> str:
    if code in TITLES:
        return TITLES[code]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem(error: Mapping[str, Any], status: int, *, request_id: str | None = None
            ) -> dict[str, Any]:
    """The problem document of ``error`` (``code``, ``message`` in every language, details).
    The v1 ``error`` member keeps its shape: ``message`` in English and Romanian."""
    code = str(error["code"])
    messages: Mapping[str, str] = error["message"]
    doc: dict[str, Any] = {"type": TYPE_PREFIX + code, "title": title(code, status),
                           "status": status, "detail": messages["en"]}
    doc.update(error)
    if status >= 500 and request_id:
        doc["request_id"] = request_id
    doc["error"] = {**error, "message": {lang: messages[lang] for lang in V1_LANGUAGES}}
    return doc


def problem_response(error: CatalogError | Mapping[str, Any], status: int, *,
                     headers: Mapping[str, str] | None = None,
                     request_id: str | None = None) -> ProblemResponse:
    body = ({**error.to_dict(), "message": error.messages} if isinstance(error, CatalogError)
            else error)
    return ProblemResponse(problem(body, status, request_id=request_id), status_code=status,
                           headers=headers)


__all__ = ["MEDIA_TYPE", "TITLES", "TYPE_PREFIX", "ProblemResponse", "problem",
           "problem_response", "title"]
