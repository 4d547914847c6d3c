"""Annotated dependencies shared by the routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from catalog.core import Catalog
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
