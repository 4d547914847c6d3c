"""The read API of the published catalogue: services by facet with cursor pagination, life and
business events with their services, organisations with their services, and one-stop-shop
locations as GeoJSON. Every answer has an ETag and Last-Modified and honours 304.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api import conditional
from api.deps import CatalogDep
from api.negotiation import choose
from api.schemas import ERRORS
from catalog.core import Catalog
from catalog.errors import NotFound
from catalog.queries import harvested
from catalog.queries.browse import ServiceFilter
from catalog.queries.gone import raise_if_withdrawn
from catalog.records import csvformat

router = APIRouter(prefix="/api/v1", tags=["catalogue"], responses=ERRORS)
_FACET_DOC = "An IRI or a short code: "


async def _cached(request: Request, catalog: Catalog, media: str,
                  build: Callable[[], bytes]) -> Response:
    """Answer ``build()`` with validators, or 304 when the client's copy is current."""
    status = await run_in_threadpool(catalog.status)
    changed: datetime | None = await run_in_threadpool(catalog.ledger.last_change_at)
    etag = conditional.etag_for(status.store_watermark, request.url.path, request.url.query,
                                media)
    if conditional.not_modified(request, etag, changed):
        return conditional.answer_304(etag, changed)
    body = await run_in_threadpool(build)
    return Response(body, media_type=media, headers=conditional.headers(etag, changed))


def _next(request: Request, cursor: str | None) -> str | None:
    """The path and query of the next page (relative: never built from the Host header)."""
    if cursor is None:
        return None
    query = request.url.include_query_params(cursor=cursor).query
    return f"{request.url.path}?{query}"


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


@router.get("/services", responses={200: {"content": {"application/json": {},
                                                      "text/csv": {}}}})
async def list_services(
        request: Request, catalog: CatalogDep,
        authority: str | None = Query(None, description=_FACET_DOC + "institution code (ASP)"),
        life_event: str | None = Query(None, description=_FACET_DOC + "`unemployment`"),
        business_event: str | None = Query(None, description=_FACET_DOC + "`start`"),
        channel_type: str | None = Query(None, description=_FACET_DOC + "`online`, `cups`"),
        location: str | None = Query(None, description=_FACET_DOC + "a location id"),
        thematic_area: str | None = Query(None, description=_FACET_DOC + "`transport`"),
        language: str | None = Query(None, description=_FACET_DOC + "`ro`, `RON`"),
        limit: int = Query(50, ge=1, le=500), cursor: str | None = Query(None, max_length=64),
        format: str | None = Query(None, pattern="^(json|csv)$",
                                   description="`csv`: every matching passport, one per row "
                                   "(column layout in docs/csv.md)")) -> Response:
    """Published services, by code, filtered by facets; follow `next` for the next page."""
    media = {"csv": "text/csv", "json": "application/json"}.get(
        format or "", "") or choose(request, ["application/json", "text/csv"])
    browse = await run_in_threadpool(catalog.browse)
    given = {"authority": authority, "life_event": life_event,
             "business_event": business_event, "channel_type": channel_type,
             "location": location, "thematic_area": thematic_area, "language": language}
    flt = ServiceFilter(**{k: browse.facet_iri(k, v) for k, v in given.items() if v})

    def build() -> bytes:
        if media == "text/csv":
            codes = set()
            page_cursor = None
            while True:  # every page: the export is the whole filtered list
                page = browse.services(flt, limit=500, cursor=page_cursor)
                codes |= {i.code for i in page.items}
                if page.next_cursor is None:
                    break
                page_cursor = page.next_cursor
            return csvformat.export_csv([p for p in catalog.published_passports()
                                         if p.code in codes])
        page = browse.services(flt, limit=limit, cursor=cursor)
        return _json({"total": page.total, "items": [i.to_dict() for i in page.items],
                      "next": _next(request, page.next_cursor)})

    resp = await _cached(request, catalog, media, build)
    if media == "text/csv" and resp.status_code == 200:
        resp.headers["Content-Disposition"] = 'attachment; filename="services.csv"'
        resp.headers["Content-Type"] = "text/csv; charset=utf-8"
    return resp


def _events(scheme: str, tag: str) -> None:
    async def list_concepts(request: Request, catalog: CatalogDep) -> Response:
        browse = await run_in_threadpool(catalog.browse)
        return await _cached(request, catalog, "application/json",
                             lambda: _json({"items": browse.concepts(scheme)}))

    async def one_concept(concept_id: str, request: Request, catalog: CatalogDep,
                          limit: int = Query(50, ge=1, le=500),
                          cursor: str | None = Query(None, max_length=64)) -> Response:
        browse = await run_in_threadpool(catalog.browse)
        facet = scheme.replace("-", "_")

        def build() -> bytes:
            concept = browse.concept(scheme, concept_id)
            page = browse.services(ServiceFilter(**{facet: concept["iri"]}), limit=limit,
                                   cursor=cursor)
            return _json({**concept, "services": [i.to_dict() for i in page.items],
                          "next": _next(request, page.next_cursor)})

        return await _cached(request, catalog, "application/json", build)

    router.add_api_route(f"/{scheme}s", list_concepts, methods=["GET"], tags=[tag],
                         summary=f"The {scheme.replace('-', ' ')}s of the nomenclature, with "
                         "how many published services each groups")
    router.add_api_route(f"/{scheme}s/{{concept_id}}", one_concept, methods=["GET"],
                         tags=[tag], summary=f"One {scheme.replace('-', ' ')} and its services")


_events("life-event", "catalogue")
_events("business-event", "catalogue")


@router.get("/organisations")
async def organisations(request: Request, catalog: CatalogDep) -> Response:
    """Public organisations (competent authorities) with their number of published services."""
    browse = await run_in_threadpool(catalog.browse)
    return await _cached(request, catalog, "application/json",
                         lambda: _json({"items": browse.organisations()}))


@router.get("/organisations/{code}")
async def organisation(code: str, request: Request, catalog: CatalogDep,
                       limit: int = Query(50, ge=1, le=500),
                       cursor: str | None = Query(None, max_length=64)) -> Response:
    """One organisation, by institution code, with its published services."""
    browse = await run_in_threadpool(catalog.browse)
    if code.upper() not in browse.institutions:
        raise NotFound.of("catalogue.no_institution", field="code", value=code,
                          expected=", ".join(sorted(browse.institutions)))
    iri = browse.institutions[code.upper()]

    def build() -> bytes:
        found = browse.organisations(iri)
        if not found:  # known institution, but its record is not published (withdrawn)
            raise_if_withdrawn(catalog.ledger, catalog.kinds, catalog.settings.base_uri, iri)
            raise NotFound.of("catalogue.organisation_unpublished", field="code", value=code)
        page = browse.services(ServiceFilter(authority=iri), limit=limit, cursor=cursor)
        return _json({**found[0], "services": [i.to_dict() for i in page.items],
                      "next": _next(request, page.next_cursor)})

    return await _cached(request, catalog, "application/json", build)


@router.get("/locations", responses={200: {"content": {"application/geo+json": {}}}})
async def locations(request: Request, catalog: CatalogDep) -> Response:
    """Service delivery locations (one-stop shops in village halls, consular offices) as a
    GeoJSON FeatureCollection, each with the published services offered there."""
    browse = await run_in_threadpool(catalog.browse)
    return await _cached(request, catalog, "application/geo+json",
                         lambda: _json(browse.locations()))


@router.get("/locations/{location_id}", responses={200: {"content": {
    "application/geo+json": {}}}})
async def location(location_id: str, request: Request, catalog: CatalogDep) -> Response:
    """One location as a GeoJSON Feature with the services offered there."""
    browse = await run_in_threadpool(catalog.browse)
    iri = browse.facet_iri("location", location_id)

    def build() -> bytes:
        found = browse.locations(iri)["features"]
        if not found:
            raise NotFound.of("catalogue.no_location", field="location_id", value=location_id)
        return _json(found[0])

    return await _cached(request, catalog, "application/geo+json", build)


@router.get("/harvested-services")
async def list_harvested(request: Request, catalog: CatalogDep,
                         limit: int = Query(50, ge=1, le=500),
                         cursor: str | None = Query(None, max_length=4096)) -> Response:
    """Published services harvested from other countries' and regions' CPSV-AP catalogues
    (the kind `harvested-service`), by IRI: never in the national lists above. Each keeps the
    IRI its catalogue gave it; its RDF is at `graph` (the Graph Store Protocol), in SPARQL,
    the dumps and the change feed."""
    kind = catalog.kinds["harvested-service"]

    def build() -> bytes:
        found = harvested.page(catalog.ledger, kind, limit=limit, cursor=cursor)
        return _json({"total": found.total, "items": [
            {**i.to_dict(), "graph": "/graph-store?" + urlencode({"graph": i.iri})}
            for i in found.items], "next": _next(request, found.next_cursor)})

    return await _cached(request, catalog, "application/json", build)
