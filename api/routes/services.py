"""``GET /api/v1/services/{code}``: one published passport, as JSON or RDF by ``Accept``."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.deps import CatalogDep
from api.negotiation import RDF_MEDIA, choose
from catalog import rdfio
from catalog.errors import InvalidInput
from catalog.passport import CODE_PATTERN, from_triples

router = APIRouter(prefix="/api/v1", tags=["services"])
OFFERED = ["application/json", *RDF_MEDIA]


@router.get("/services/{code}", responses={200: {"content": {m: {} for m in OFFERED}}})
async def get_service(code: str, request: Request, catalog: CatalogDep) -> Response:
    if not re.fullmatch(CODE_PATTERN, code):
        raise InvalidInput(f"{code!r} is not a service code", field="code", value=code,
                           message_ro=f"{code!r} nu este un cod de serviciu",
                           expected="e.g. ASP-0001 (" + CODE_PATTERN + ")")
    media = choose(request, OFFERED)
    triples = await run_in_threadpool(catalog.service_graph, code)
    headers = {"Vary": "Accept"}
    if media == "application/json":
        passport = from_triples(triples, catalog.service_iri(code))
        body = passport.model_dump_json(exclude_none=True).encode()
        return Response(body, media_type=media, headers=headers)
    return Response(rdfio.serialize(triples, RDF_MEDIA[media]), media_type=media,
                    headers=headers)
