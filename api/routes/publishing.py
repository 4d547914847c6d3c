"""Writing passports: create, replace, patch, submit, publish, withdraw, reject; bulk import;
dry-run validation; the published JSON Schema.

Handlers parse, authorise through :mod:`catalog.publishing` and answer; the rules live there.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from api import idempotent
from api.body import read_capped
from api.deps import CatalogDep, IdempotencyDep, PrincipalDep, PublishingDep, SettingsDep
from api.schemas import ERRORS, ImportOut, ValidationOut, VersionStateOut
from catalog import rdfio
from catalog.errors import InvalidInput
from catalog.intake.readers import JSON_MEDIA, bulk_items, media_of, single_passport
from catalog.ledger.idempotency import Claim, Replay
from catalog.records.passport import Passport
from catalog.workflow.states import VersionState

router = APIRouter(prefix="/api/v1", tags=["publishing"], responses=ERRORS)
_MEDIA = ("application/json", "text/turtle", "application/ld+json", "application/rdf+xml",
          "application/n-triples", "text/csv")
RDF_BODY = {"content": {m: {"schema": {"type": "string"}} for m in _MEDIA}}
BULK_BODY = {"content": {m: {"schema": {"type": "string"}} for m in (
    "application/x-ndjson", "application/json", "application/n-quads", "application/trig",
    "text/turtle", "application/ld+json", "text/csv")}}
REASON = Query(None, max_length=2000, description="Why: kept in the version's history.")


def _answer(status: int) -> idempotent.Answer:
    def answer(state: VersionState) -> JSONResponse:
        headers = {"ETag": state.etag}
        if status == 201:
            headers["Location"] = f"/api/v1/services/{state.code}"
        return JSONResponse(state.to_dict(), status_code=status, headers=headers)
    return answer


@router.get("/schema/passport.json", tags=["services"])
def passport_schema() -> dict[str, Any]:
    """The JSON Schema of a plain-JSON service passport."""
    schema = Passport.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "/api/v1/schema/passport.json"
    return schema


@router.post("/services", status_code=201, response_model=VersionStateOut,
             openapi_extra={"requestBody": RDF_BODY})
async def create_service(request: Request, principal: PrincipalDep, pub: PublishingDep,
                         settings: SettingsDep, idem: IdempotencyDep,
                         reason: str | None = REASON) -> JSONResponse:
    """Create a passport; its first version is a draft. Honours `Idempotency-Key`."""
    body = await read_capped(request, settings.max_record_bytes)
    media = media_of(request.headers.get("content-type"))

    def write(hook: Any) -> VersionState:
        draft = single_passport(body, media, settings)
        return pub.create(principal, draft, reason=reason, on_commit=hook)

    return await idempotent.run(request, principal, idem, body, write, _answer(201), 201)


@router.put("/services/{code}", response_model=VersionStateOut,
            openapi_extra={"requestBody": RDF_BODY})
async def replace_service(code: str, request: Request, principal: PrincipalDep,
                          pub: PublishingDep, settings: SettingsDep,
                          if_match: str | None = Header(None), reason: str | None = REASON
                          ) -> JSONResponse:
    """A new draft version with the whole passport (needs `If-Match`)."""
    body = await read_capped(request, settings.max_record_bytes)
    media = media_of(request.headers.get("content-type"))

    def write() -> VersionState:
        draft = single_passport(body, media, settings, expected_iri=pub.catalog.service_iri(code))
        return pub.replace(principal, code, draft, if_match, reason=reason)

    return _answer(200)(await run_in_threadpool(write))


@router.patch("/services/{code}", response_model=VersionStateOut,
              openapi_extra={"requestBody": {"content": {
                  "application/merge-patch+json": {"schema": {"type": "object"}}}}})
async def patch_service(code: str, request: Request, principal: PrincipalDep,
                        pub: PublishingDep, settings: SettingsDep,
                        if_match: str | None = Header(None), reason: str | None = REASON
                        ) -> JSONResponse:
    """A new draft version from a JSON Merge Patch (RFC 7396) of the latest version."""
    body = await read_capped(request, settings.max_record_bytes)
    media = media_of(request.headers.get("content-type"), "application/merge-patch+json")
    if media not in JSON_MEDIA:
        raise InvalidInput(f"PATCH takes application/merge-patch+json, not {media}",
                           message_ro="PATCH acceptă application/merge-patch+json",
                           field="Content-Type", value=media,
                           expected="application/merge-patch+json")
    from catalog.intake import gates

    patch = rdfio.load_json(gates.decode_utf8(body, what="JSON body"),
                            max_nesting=settings.max_nesting)
    gates.check_storable_text(patch)
    state = await run_in_threadpool(lambda: pub.patch(principal, code, patch, if_match,
                                                      reason=reason))
    return _answer(200)(state)


def _transition(to: str) -> Any:
    async def handler(code: str, request: Request, principal: PrincipalDep,
                      pub: PublishingDep, idem: IdempotencyDep,
                      if_match: str | None = Header(None),
                      reason: str | None = Body(None, embed=True, max_length=2000)
                      ) -> JSONResponse:
        body = (reason or "").encode("utf-8")

        def write(hook: Any) -> VersionState:
            return pub.transition(principal, code, to, if_match, reason=reason, on_commit=hook)

        return await idempotent.run(request, principal, idem, body, write, _answer(200), 200)
    return handler


for _verb, _status, _doc in (
        ("submit", "submitted", "Send the latest draft for review (owner; needs If-Match)."),
        ("publish", "published", "Publish the submitted version (reviewer; needs If-Match)."),
        ("withdraw", "withdrawn", "Withdraw the published version (reviewer; If-Match of it)."),
        ("reject", "draft", "Send a submission back to draft, with a reason (reviewer).")):
    router.add_api_route(f"/services/{{code}}/{_verb}", _transition(_status), methods=["POST"],
                         summary=_doc, response_model=VersionStateOut)


@router.post("/validate", response_model=ValidationOut, openapi_extra={"requestBody": RDF_BODY})
async def validate(request: Request, catalog: CatalogDep, settings: SettingsDep
                   ) -> JSONResponse:
    """The same checks as a write, as a dry run: nothing is stored."""
    body = await read_capped(request, settings.max_record_bytes)
    media = media_of(request.headers.get("content-type"))

    def check() -> list[dict[str, Any]]:
        draft = single_passport(body, media, settings)
        return [{"iri": draft.iri, **catalog.validate(draft).to_dict()}]

    records = await run_in_threadpool(check)
    return JSONResponse({"conforms": all(r["conforms"] for r in records), "records": records})


@router.post("/import", response_model=ImportOut, openapi_extra={"requestBody": BULK_BODY})
async def bulk_import(request: Request, principal: PrincipalDep, pub: PublishingDep,
                      settings: SettingsDep, idem: IdempotencyDep,
                      mode: str = Query("atomic", pattern="^(atomic|per-record)$",
                                        description="atomic: all or nothing; per-record: keep "
                                        "the valid records, report the others"),
                      publish: bool = Query(False, description="Publish at once (reviewer or "
                                            "admin); default: new versions are drafts"),
                      reason: str | None = REASON) -> JSONResponse:
    """Many passports at once: JSON Lines, a JSON list, CSV, N-Quads, TriG, Turtle, JSON-LD."""
    body = await read_capped(request, settings.max_bulk_bytes)
    media = media_of(request.headers.get("content-type"))
    if media == "application/json" and body.lstrip()[:1] == b"{" and b"\n{" in body:
        media = "application/x-ndjson"
    got = await idempotent.claim(request, principal, idem, body)
    if isinstance(got, Replay):
        return idempotent.replayed(got)
    try:
        def work() -> dict[str, Any]:
            items = bulk_items(body, media, settings)  # 400 naming the formats for others
            report = pub.import_records(principal, items, atomic=mode == "atomic",
                                        publish=publish, reason=reason)
            return {"mode": mode, "publish": publish, **report.to_dict()}

        answer = await run_in_threadpool(work)
    except BaseException:
        if isinstance(got, Claim):
            await run_in_threadpool(idem.release, got)
        raise
    if isinstance(got, Claim):
        await run_in_threadpool(idem.complete, got, 200, {"body": answer, "headers": {}})
    return JSONResponse(answer)
