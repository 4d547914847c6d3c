"""Annotated dependencies shared by the routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.throttle import FailedLogins
from catalog.core import Catalog
from catalog.ledger.idempotency import Idempotency
from catalog.queries.endpoint import QueryService
from catalog.records.codes import CodeLookup
from catalog.settings import Settings
from catalog.workflow.access import Principal, Tokens, Unauthenticated
from catalog.workflow.history import History
from catalog.workflow.publishing import Publishing


async def _catalog(request: Request) -> Catalog:
    cat: Catalog = request.app.state.catalog
    return cat


async def _settings(request: Request) -> Settings:
    s: Settings = request.app.state.settings
    return s


async def _queries(request: Request) -> QueryService:
    q: QueryService = request.app.state.queries
    return q


async def _codes(request: Request) -> CodeLookup:
    c: CodeLookup = request.app.state.codes
    return c


CatalogDep = Annotated[Catalog, Depends(_catalog)]
CodesDep = Annotated[CodeLookup, Depends(_codes)]
SettingsDep = Annotated[Settings, Depends(_settings)]
QueriesDep = Annotated[QueryService, Depends(_queries)]


def _optional_principal(request: Request) -> Principal | None:
    """The caller, when it sends ``Authorization: Bearer <token>``; a bad token is 401."""
    header = request.headers.get("authorization", "")
    if not header:
        return None
    client = request.client.host if request.client else "unknown"
    failures: FailedLogins = request.app.state.auth_failures
    failures.check(client)  # 429 once a client has failed too often this minute
    try:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated.of("auth.bearer_syntax", field="Authorization")
        cat: Catalog = request.app.state.catalog
        return Tokens(cat.engine).authenticate(token.strip())
    except Unauthenticated:
        failures.failed(client)
        raise


def _principal(request: Request) -> Principal:
    """The caller of a write: ``Authorization: Bearer <token>``, or 401."""
    principal = _optional_principal(request)
    if principal is None:
        raise Unauthenticated.of("auth.token_required", field="Authorization")
    return principal


async def _publishing(request: Request) -> Publishing:
    return Publishing(request.app.state.catalog)


async def _history(request: Request) -> History:
    s: Settings = request.app.state.settings
    return History(request.app.state.catalog, s.timezone)


async def _idempotency(request: Request) -> Idempotency:
    return Idempotency(request.app.state.catalog.engine)


PrincipalDep = Annotated[Principal, Depends(_principal)]
OptionalPrincipalDep = Annotated[Principal | None, Depends(_optional_principal)]
PublishingDep = Annotated[Publishing, Depends(_publishing)]
HistoryDep = Annotated[History, Depends(_history)]
IdempotencyDep = Annotated[Idempotency, Depends(_idempotency)]
