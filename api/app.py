"""The FastAPI application, built by :func:`create_app` (no import-time instance)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from adapters.notify import Notifier
from api import errors
from api.answers import AnswerCache
from api.pages import codelists as codelist_pages
from api.pages import docs as docs_page
from api.pages import editor as editor_pages
from api.pages import legal as legal_page
from api.pages import login as login_pages
from api.pages import map_page, portal, static_files
from api.pages import my as my_pages
from api.pages import review as review_pages
from api.pages import routes as pages
from api.pages import session as page_sessions
from api.read_lane import ReadFastLane
from api.request_context import RequestContext
from api.routes import adapters as adapter_routes
from api.routes import (
    assets,
    audit,
    catalogue,
    crosswalks,
    dcat_catalog,
    feed,
    graph_store,
    health,
    publishing,
    sparql,
)
from api.routes import checks as checks_routes
from api.routes import codelists as codelist_routes
from api.routes import mappings as mapping_routes
from api.routes import search as search_routes
from api.routes.records import router_for
from api.routes.sparql import SparqlFastLane
from api.routes.subscriptions import router as subscriptions_router
from api.soap import router as soap_router
from api.throttle import FailedLogins, TokenBucket
from catalog.codelists.codes import CatalogCodes
from catalog.core import Catalog
from catalog.demo import load_demo
from catalog.projections.store import ProjectorThread
from catalog.queries.endpoint import QueryService
from catalog.queries.spool import SpoolLimits, Spools
from catalog.records.builtin import builtin_kinds
from catalog.records.kinds import Kinds
from catalog.settings import Settings, get_settings

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, *, kinds: Kinds | None = None) -> FastAPI:
    """The hub for ``settings``, serving the records of ``kinds`` (the shipped kinds by
    default; each kind that declares a path gets its REST routes)."""
    settings = settings or get_settings()
    kinds = kinds if kinds is not None else builtin_kinds()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        catalog = Catalog(settings, kinds=kinds)
        if settings.load_demo:
            report = load_demo(catalog)
            log.info("demo data: %s", report.summary())
        assert catalog.store is not None
        queries = QueryService(settings, catalog.store)
        loop = ProjectorThread(catalog.project, settings.projector_interval_s)
        loop.start()
        notifier = Notifier(catalog)
        notifier.start()
        scheduler = None
        if settings.adapters_schedule:  # scheduled adapter runs (a lease per adapter)
            from adapters.sync.background import Scheduler

            scheduler = Scheduler(catalog)
            scheduler.start()
        app.state.catalog, app.state.queries, app.state.settings = catalog, queries, settings
        app.state.codes = CatalogCodes(catalog)  # short codes of coded fields -> IRIs
        app.state.spools = Spools(settings.data_dir / "spool", SpoolLimits(
            settings.dump_max_per_client, settings.dump_max_total))
        try:
            yield
        finally:
            notifier.stop()
            if scheduler is not None:
                scheduler.stop()
            loop.stop()
            queries.close()
            catalog.close()

    app = FastAPI(
        title="semcat",
        summary="National semantic catalog of public services (CPSV-AP 3.2.0)",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # our own /docs (api/pages/docs.py): no CDN, no inline script
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.sparql_rate = TokenBucket(settings.sparql_rate_per_client,
                                        settings.sparql_burst_per_client)
    app.state.auth_failures = FailedLogins(settings.auth_failures_per_minute)
    app.state.answers = AnswerCache(settings.read_cache_bytes)  # published reads (api.answers)
    errors.install(app)
    page_sessions.install(app)  # pages that need a session redirect to /login
    app.add_middleware(SparqlFastLane)  # /sparql before the routing of the whole API
    app.add_middleware(ReadFastLane)  # kept answers of published reads, likewise
    # outermost: request ids, the security headers, and no plain-text 500 ever
    app.add_middleware(RequestContext)
    app.include_router(portal.router)
    app.include_router(map_page.router)
    app.include_router(health.router)
    for kind in kinds:
        if kind.path is not None:
            app.include_router(router_for(kind))
    app.include_router(catalogue.router)
    app.include_router(publishing.router)
    app.include_router(sparql.router)
    app.include_router(graph_store.router)
    app.include_router(dcat_catalog.router)
    app.include_router(audit.router)
    app.include_router(adapter_routes.router)
    app.include_router(crosswalks.router)
    app.include_router(feed.router)
    app.include_router(search_routes.router)
    app.include_router(soap_router)
    app.include_router(subscriptions_router)
    app.include_router(codelist_routes.router)
    app.include_router(mapping_routes.router)
    app.include_router(codelist_pages.router)
    app.include_router(login_pages.router)
    app.include_router(my_pages.router)
    app.include_router(editor_pages.router)
    app.include_router(review_pages.router)
    app.include_router(docs_page.router)
    app.include_router(legal_page.router)
    app.include_router(checks_routes.router)
    app.include_router(assets.router)
    app.include_router(pages.build_router(settings))
    static_files.mount(app)
    return app
