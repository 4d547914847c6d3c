"""Writes that are not addressed to one record: bulk import, dry-run validation, and the
published JSON Schema of the passport. The writes of one record are the routes of its kind
(:mod:`api.routes.records`).

Handlers parse, authorise through :mod:`catalog.workflow.publishing` and answer; the rules live
there. Nothing body-sized runs on the event loop.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from api import idempotent
from api.body import read_capped
from api.deps import (
    CatalogDep,
    CodesDep,
    IdempotencyDep,
    PrincipalDep,
    PublishingDep,
    SettingsDep,
)
from api.negotiation import body_media
from api.pages.labels import language
from api.routes.records import REASON
from api.schemas import ERRORS, ImportOut, ValidationOut
from catalog import gates, rdfio
from catalog.intake.passport_json import dry_run
from catalog.intake.readers import (
    CSV_MEDIA,
    JSON_MEDIA,
    JSONL_MEDIA,
    bulk_items,
    single_passport,
)
from catalog.ledger.idempotency import Claim, Replay
from catalog.records.passport import Passport

router = APIRouter(prefix="/api/v1", tags=["publishing"], responses=ERRORS)
_MEDIA = ("application/json", "text/turtle", "application/ld+json", "application/rdf+xml",
          "application/n-triples", "text/csv")
RDF_BODY = {"content": {m: {"schema": {"type": "string"}} for m in _MEDIA}}
BULK_BODY = {"content": {m: {"schema": {"type": "string"}} for m in (
    "application/x-ndjson", "application/json", "application/n-quads", "application/trig",
    "text/turtle", "application/ld+json", "text/csv")}}


@router.get("/schema/passport.json", tags=["services"])
def passport_schema() -> dict[str, Any]:
    """The JSON Schema of a plain-JSON service passport."""
    schema = Passport.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "/api/v1/schema/passport.json"
    return schema


@router.post("/validate", response_model=ValidationOut, openapi_extra={"requestBody": RDF_BODY})
async def validate(request: Request, catalog: CatalogDep, settings: SettingsDep,
                   codes: CodesDep) -> JSONResponse:
    """The same checks as a write, as a dry run: nothing is stored. A JSON passport gets every
    problem at once (structural and the profile's), each with its JSON ``field`` and its
    ``text`` in the language asked for (`?lang=`, else Accept-Language; ro, en, ru)."""
    media = body_media(request, [*sorted(JSON_MEDIA), CSV_MEDIA])
    body = await read_capped(request, settings.max_record_bytes)
    lang = language(request)

    def check() -> list[dict[str, Any]]:
        if media in JSON_MEDIA:
            doc = rdfio.load_json(gates.decode_utf8(body, what="JSON body"),
                                  max_nesting=settings.max_nesting)
            iri, report = dry_run(doc, settings, catalog.validate, codes)
        else:
            draft = single_passport(body, media, settings, codes=codes)
            iri, report = draft.iri, catalog.validate(draft)
        out = report.to_dict()
        for f, shown in zip(report.findings, out["findings"], strict=True):
            shown["text"] = f.messages[lang]
        return [{"iri": iri, **out}]

    records = await run_in_threadpool(check)
    return JSONResponse({"conforms": all(r["conforms"] for r in records), "lang": lang,
                         "records": records})


@router.post("/import", response_model=ImportOut, openapi_extra={"requestBody": BULK_BODY})
async def bulk_import(request: Request, principal: PrincipalDep, pub: PublishingDep,
                      settings: SettingsDep, idem: IdempotencyDep, codes: CodesDep,
                      mode: str = Query("atomic", pattern="^(atomic|per-record)$",
                                        description="atomic: all or nothing; per-record: keep "
                                        "the valid records, report the others"),
                      publish: bool = Query(False, description="Publish at once (reviewer or "
                                            "admin); default: new versions are drafts"),
                      reason: str | None = REASON) -> JSONResponse:
    """Many passports at once: JSON Lines, a JSON list, CSV, N-Quads, TriG, Turtle, JSON-LD."""
    media = body_media(request, [*sorted(JSON_MEDIA | JSONL_MEDIA), CSV_MEDIA],
                       code="publishing.bulk_media")
    body = await read_capped(request, settings.max_bulk_bytes)
    got = await idempotent.claim(request, principal, idem, body)
    if isinstance(got, Replay):
        return idempotent.replayed(got)
    try:
        def work() -> dict[str, Any]:
            sniffed = "application/x-ndjson" if media == "application/json" and \
                body.lstrip()[:1] == b"{" and b"\n{" in body else media
            items = bulk_items(body, sniffed, settings, codes)  # 400 naming the formats for others
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
