"""Annotated dependencies shared by the routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from catalog.access import Principal, Tokens, Unauthenticated
from catalog.core import Catalog
from catalog.publishing import Publishing
from catalog.queries import QueryService
from catalog.settings import Settings


def _catalog(request: Request) -> Catalog:
    cat: Catalog = request.app.state.catalog
    return cat


def _settings(request: Request) -> Settings:
    s: Settings = request.app.state.settings
    return s


def _queries(request: Request) -> QueryService:
    q: QueryService = request.app.state.queries
    return q


CatalogDep = Annotated[Catalog, Depends(_catalog)]
SettingsDep = Annotated[Settings, Depends(_settings)]
QueriesDep = Annotated[QueryService, Depends(_queries)]


def _principal(request: Request) -> Principal:
    """The caller of a write: ``Authorization: Bearer <token>``, or 401."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated(
            "this needs a bearer token: Authorization: Bearer <token> "
            "(issued with `semcat token create`)",
            message_ro="este nevoie de un token: Authorization: Bearer <token>",
            field="Authorization")
    cat: Catalog = request.app.state.catalog
    return Tokens(cat.engine).authenticate(token.strip())


def _publishing(request: Request) -> Publishing:
    return Publishing(request.app.state.catalog)


PrincipalDep = Annotated[Principal, Depends(_principal)]
PublishingDep = Annotated[Publishing, Depends(_publishing)]
