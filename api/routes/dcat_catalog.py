"""``GET /catalog``: the hub described as a DCAT-AP 3.0.1 catalogue (built by
:func:`catalog.queries.dcat.describe_catalogue`), content-negotiated like the catalogue's IRIs
(Turtle by default; JSON-LD compacted with the CPSV-AP 3.2.0 context and the hub's prefixes,
which name every DCAT-AP term it uses: the official DCAT-AP 3.0.1 context is refused by a
JSON-LD 1.1 processor, its ``Xsd:dateTime`` terms being IRIs that expand to other IRIs), with
an ETag from the store's watermark and CORS for any origin."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api import conditional
from api.deps import CatalogDep
from api.negotiation import NotAcceptable, choose
from api.representations import FORMAT_WORDS, RDF_ANSWERS, wants_expanded, write
from catalog.core import Catalog
from catalog.queries.dcat import Agent, describe_catalogue

#: the institution that runs the hub (the e-government agency), when its record is published
OPERATOR = "AGE"
router = APIRouter(tags=["catalogue"])


def _publisher(catalog: Catalog) -> Agent:
    by_code = {code: iri for iri, code in catalog.institutions().items()}
    iri = by_code.get(OPERATOR)
    name = catalog.label(iri) if iri else None
    if iri and name:
        return Agent(iri, name)
    return Agent(catalog.settings.base_uri + "catalog#operator", {"en": "semcat operator"})


def _listed(app: Any) -> frozenset[str]:
    """The kinds' REST paths that answer a GET with their records (``/api/v1/services``)."""
    return frozenset(path.removeprefix("/api/v1/") for route in app.routes
                     if "GET" in (getattr(route, "methods", None) or ())
                     and (path := getattr(route, "path", "")).startswith("/api/v1/")
                     and path.count("/") == 3)


def _build(catalog: Catalog, media: str, listed: frozenset[str], expanded: bool) -> bytes:
    triples = describe_catalogue(catalog.settings.base_uri, catalog.kinds, catalog.ledger,
                                 _publisher(catalog), listed)
    return write(triples, media, catalog.settings.base_uri + "catalog", expanded=expanded)


@router.get("/api/v1", summary="Where the REST API is described, and the other ways in")
async def api_index(request: Request) -> dict[str, str]:
    """The REST API's entry point (the ``dcat:endpointURL`` of its data service)."""
    return {"openapi": "/openapi.json", "docs": "/docs", "catalog": "/catalog",
            "sparql": "/sparql", "graph_store": "/graph-store", "dump": "/api/v1/dump",
            "changes": "/api/v1/changes"}


@router.get("/catalog", summary="The hub as a DCAT-AP 3.0.1 catalogue: its datasets (the "
            "published records, each code list), their distributions (the dumps) and its data "
            "services (SPARQL, graph store, REST)",
            responses={200: {"content": {m: {} for m in RDF_ANSWERS}}})
async def dcat_catalogue(request: Request, catalog: CatalogDep) -> Response:
    fmt = request.query_params.get("format")
    if fmt is not None and fmt not in FORMAT_WORDS:
        raise NotAcceptable.of("pages.format", field="format", value=fmt,
                               expected=", ".join(FORMAT_WORDS))
    media = FORMAT_WORDS[fmt] if fmt else choose(request, list(RDF_ANSWERS))
    expanded = wants_expanded(request.headers.get("accept", ""))
    status = await run_in_threadpool(catalog.status)
    etag = conditional.etag_for(status.store_watermark, "dcat", media, expanded)
    headers = conditional.headers(etag, None)
    if conditional.not_modified(request, etag, None):
        return Response(status_code=304, headers=headers)
    body = await run_in_threadpool(_build, catalog, media, _listed(request.app), expanded)
    return Response(body, media_type=media, headers=headers)


router.add_api_route("/catalog", dcat_catalogue, methods=["HEAD"], include_in_schema=False)
router.add_api_route("/api/v1", api_index, methods=["HEAD"], include_in_schema=False)
