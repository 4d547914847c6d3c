"""The one table from domain errors to HTTP statuses, and the one error body shape."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from api.negotiation import NotAcceptable, UnsupportedMediaType
from catalog import errors as e
from catalog.ledger.idempotency import KeyReused
from catalog.workflow.access import Unauthenticated

STATUS: dict[type[e.CatalogError], int] = {
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
    e.NotFound: 404,
    e.Conflict: 409,
    e.Forbidden: 403,
    e.QueryRejected: 400,
    e.QueryTimeout: 503,
    e.StoreUnavailable: 503,
    e.ConfigurationError: 500,
}


def status_for(exc: e.CatalogError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def install(app: FastAPI) -> None:
    @app.exception_handler(e.CatalogError)
    async def _catalog_error(_req: Request, exc: e.CatalogError) -> JSONResponse:
        status = status_for(exc)
        headers = {"Retry-After": "5"} if status == 503 else \
            {"Retry-After": "1"} if status == 429 else None
        if status == 401:
            headers = {"WWW-Authenticate": 'Bearer realm="semcat"'}
        return JSONResponse({"error": exc.to_dict()}, status_code=status, headers=headers)

    @app.exception_handler(HTTPException)
    async def _http_error(_req: Request, exc: HTTPException) -> JSONResponse:
        texts = {404: ("no such resource", "resursa nu există"),
                 405: ("method not allowed here", "metoda nu este permisă aici")}
        en, ro = texts.get(exc.status_code, (str(exc.detail), str(exc.detail)))
        body = {"code": f"http_{exc.status_code}", "message": {"en": en, "ro": ro}}
        return JSONResponse({"error": body}, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _request_error(_req: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        body = {"code": "invalid_request",
                "message": {"en": f"{where}: {first.get('msg', 'invalid')}",
                            "ro": f"{where}: cerere invalidă"},
                "field": where}
        return JSONResponse({"error": body}, status_code=400)
