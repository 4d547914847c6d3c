"""``/graph-store``: the read side of the SPARQL 1.1 Graph Store Protocol
(https://www.w3.org/TR/sparql11-http-rdf-update/), named in the service description.

- ``GET``/``HEAD ?graph=IRI``: a record's graph; ``?default``: the default graph, the union of
  every record's graph (as SPARQL sees it). Indirect identification only; the query string is
  percent-decoded once. Neither: the service description (as ``GET /sparql``).
- Content-negotiated like the catalogue's IRIs (:mod:`api.representations`); ``Vary: Accept``,
  an ETag from the store's watermark, 304 to a current copy; CORS for any origin.
- A graph the catalogue does not hold: 404; a withdrawn record's graph: 410 with a link to its
  last version.
- ``PUT``, ``POST``, ``DELETE``, ``PATCH``: 405 with ``Allow``: the hub is written only through
  its governed publishing workflow.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api import conditional
from api.cors import PUBLIC_READ
from api.deps import CatalogDep
from api.errors import MethodNotAllowed, catalog_error_response
from api.negotiation import choose
from api.representations import RDF_ANSWERS, wants_expanded, write
from api.sparql_protocol import service_description
from catalog.core import Catalog
from catalog.errors import CatalogError, InvalidInput, NotFound
from catalog.queries.gone import withdrawn
from catalog.queries.graphs import GSP, default_graph, graph_iri, named_graph

PATH = "/graph-store"
ALLOW = "GET, HEAD, OPTIONS"
OFFERED = list(RDF_ANSWERS)
router = APIRouter(tags=["sparql"])


def _target(request: Request) -> str | None:
    """The graph asked for: its IRI, or None for the default graph."""
    try:
        pairs = parse_qsl(request.scope.get("query_string", b"").decode("ascii"),
                          keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError as exc:  # raw bytes, or %-escapes that are not UTF-8
        raise InvalidInput.of("protocol.not_utf8", field="graph", link=GSP,
                              what="query string") from exc
    graphs = [v for k, v in pairs if k == "graph"]
    default = any(k == "default" for k, _ in pairs)
    if not graphs and not default:
        raise _Describe
    if len(graphs) + default != 1:
        raise InvalidInput.of("gsp.target", field="graph", link=GSP,
                              expected="?graph=IRI or ?default")
    return None if default else graph_iri(graphs[0])


class _Describe(Exception):
    """No graph named: the answer is the service description (what a link checker or a
    person who opens the URL should find)."""


def _read(catalog: Catalog, iri: str | None) -> list[ox.Triple]:
    assert catalog.store is not None
    if iri is None:
        return default_graph(catalog.store)
    try:
        return named_graph(catalog.store, iri)
    except NotFound:
        gone = withdrawn(catalog.ledger, catalog.kinds, catalog.settings.base_uri, iri)
        if gone is not None:
            raise gone.error() from None
        raise


@router.get(PATH, summary="A record's graph (?graph=IRI) or the default graph (?default), in "
            "the RDF format asked for by Accept",
            responses={200: {"content": {m: {} for m in OFFERED}}})
async def read_graph(request: Request, catalog: CatalogDep) -> Response:
    try:
        try:
            iri = _target(request)
        except _Describe:
            return service_description(request)
        media = choose(request, OFFERED)
        status = await run_in_threadpool(catalog.status)
        expanded = wants_expanded(request.headers.get("accept", ""))
        etag = conditional.etag_for(status.store_watermark, "gsp", iri, media, expanded)
        headers = conditional.headers(etag, None) | PUBLIC_READ
        if conditional.not_modified(request, etag, None):
            return Response(status_code=304, headers=headers)
        triples = await run_in_threadpool(_read, catalog, iri)
        body = await run_in_threadpool(lambda: write(triples, media, iri, expanded=expanded))
    except CatalogError as exc:  # (also answered from the /sparql fast lane)
        return catalog_error_response(request, exc, PUBLIC_READ)
    return Response(body, media_type=media, headers=headers)


router.add_api_route(PATH, read_graph, methods=["HEAD"], include_in_schema=False)


@router.api_route(PATH, methods=["PUT", "POST", "DELETE", "PATCH"], include_in_schema=False)
async def refuse_write(request: Request) -> Response:
    exc = MethodNotAllowed.of("gsp.read_only", field="method", value=request.method,
                              expected=ALLOW, link=GSP)
    return catalog_error_response(request, exc, {"Allow": ALLOW} | PUBLIC_READ)


@router.options(PATH, include_in_schema=False)
async def preflight() -> Response:
    return Response(status_code=204, headers={"Allow": ALLOW} | PUBLIC_READ | {
        "Access-Control-Allow-Methods": ALLOW, "Access-Control-Allow-Headers": "Accept",
        "Access-Control-Max-Age": "86400"})
