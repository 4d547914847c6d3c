"""Writing passports: create, replace, submit, publish, withdraw; versions; dry-run validation.

Handlers parse, authorise through :mod:`catalog.publishing` and answer; the rules live there.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Header, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from api.body import drafts_from_body, read_capped
from api.deps import CatalogDep, PrincipalDep, PublishingDep, SettingsDep
from catalog.passport import Passport
from catalog.publishing import VersionState

router = APIRouter(prefix="/api/v1", tags=["publishing"])
RDF_BODY = {"content": {m: {"schema": {"type": "string"}} for m in (
    "application/json", "text/turtle", "application/ld+json", "application/rdf+xml")}}


def _answer(state: VersionState, status: int = 200) -> JSONResponse:
    body = {"code": state.code, "iri": state.iri, "version": state.number,
            "status": state.status, "published_version": state.published_version}
    headers = {"ETag": state.etag}
    if status == 201:
        headers["Location"] = f"/api/v1/services/{state.code}"
    return JSONResponse(body, status_code=status, headers=headers)


@router.get("/schema/passport.json")
def passport_schema() -> dict[str, Any]:
    """The JSON Schema of a plain-JSON service passport."""
    schema = Passport.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "/api/v1/schema/passport.json"
    return schema


@router.post("/services", status_code=201, openapi_extra={"requestBody": RDF_BODY})
async def create_service(request: Request, principal: PrincipalDep, pub: PublishingDep,
                         settings: SettingsDep) -> JSONResponse:
    body = await read_capped(request, settings.max_record_bytes)
    drafts = drafts_from_body(body, request.headers.get("content-type"), settings)
    code = drafts[0].code or "" if drafts else ""
    state = await run_in_threadpool(pub.create, principal, drafts, code,
                                    request.headers.get("x-reason"))
    return _answer(state, 201)


@router.put("/services/{code}", openapi_extra={"requestBody": RDF_BODY})
async def replace_service(code: str, request: Request, principal: PrincipalDep,
                          pub: PublishingDep, settings: SettingsDep,
                          if_match: str | None = Header(None)) -> JSONResponse:
    body = await read_capped(request, settings.max_record_bytes)
    drafts = drafts_from_body(body, request.headers.get("content-type"), settings)
    state = await run_in_threadpool(pub.replace, principal, drafts, code, if_match,
                                    request.headers.get("x-reason"))
    return _answer(state)


def _transition(to: str) -> Any:
    async def handler(code: str, principal: PrincipalDep, pub: PublishingDep,
                      if_match: str | None = Header(None),
                      reason: str | None = Body(None, embed=True, max_length=2000)
                      ) -> JSONResponse:
        state = await run_in_threadpool(pub.transition, principal, code, to, if_match, reason)
        return _answer(state)
    return handler


for _verb, _status in (("submit", "submitted"), ("publish", "published"),
                       ("withdraw", "withdrawn")):
    router.add_api_route(f"/services/{{code}}/{_verb}", _transition(_status), methods=["POST"],
                         summary=f"{_verb.capitalize()} a passport (needs If-Match)")


@router.get("/services/{code}/versions")
async def versions(code: str, catalog: CatalogDep, pub: PublishingDep) -> JSONResponse:
    state = await run_in_threadpool(pub.state, code)
    rows = await run_in_threadpool(catalog.ledger.versions, state.iri)
    history = await run_in_threadpool(pub.history, code)
    return JSONResponse({
        "code": code,
        "published_version": state.published_version,
        "versions": [{"version": v.number, "status": v.status, "hash": v.content_hash,
                      "author": v.author, "created_at": v.created_at.isoformat()}
                     for v in rows],
        "transitions": [{"version": t.version_number, "from": t.from_status, "to": t.to_status,
                         "by": t.author, "reason": t.reason, "at": t.at.isoformat()}
                        for t in history],
    }, headers={"ETag": state.etag})


@router.post("/validate", openapi_extra={"requestBody": RDF_BODY})
async def validate(request: Request, catalog: CatalogDep, settings: SettingsDep
                   ) -> JSONResponse:
    """The same checks as a write, as a dry run: nothing is stored."""
    body = await read_capped(request, settings.max_record_bytes)
    drafts = drafts_from_body(body, request.headers.get("content-type"), settings)
    results = [(d, await run_in_threadpool(catalog.validate, d)) for d in drafts]
    return JSONResponse({"conforms": all(r.conforms for _, r in results),
                         "records": [{"iri": d.iri, **r.to_dict()} for d, r in results]})
