"""``/api/v1/checks``: the consistency rules over the published catalogue (JSON, CSV or an HTML
report), the list of rules, and the what-if run of a draft (nothing is stored)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from api.body import read_capped
from api.deps import CatalogDep, SettingsDep
from api.routes.publishing import BULK_BODY
from api.schemas import ERRORS
from catalog.checks import RULES, check_date
from catalog.checks.editions import diff, editions, in_force
from catalog.checks.history import RunSummary, history
from catalog.checks.report import to_csv, to_html
from catalog.errors import InvalidInput
from catalog.intake.readers import Unreadable, bulk_items, media_of
from catalog.records import RecordDraft

router = APIRouter(prefix="/api/v1", tags=["checks"], responses=ERRORS)
_INSTITUTION = Query(None, max_length=32, pattern="^[A-Z][A-Z0-9]{0,31}$",
                     description="Only the findings of this institution (its code)")
_RULE = Query(None, max_length=20, description="Only these rules (repeatable)")
_AS_OF = Query(None, max_length=10, description="The date, YYYY-MM-DD (default today)")
_DATE = Query(None, max_length=10, description="The check date, YYYY-MM-DD (default today)")


class RuleOut(BaseModel):
    id: str
    severity: str
    title: dict[str, str]
    rationale: dict[str, str]
    source: str
    query: str


class FindingOut(BaseModel):
    rule: str
    severity: str
    record: str
    code: str | None
    institution: str | None
    message: dict[str, str]
    evidence: dict[str, str]


class CheckRunOut(BaseModel):
    date: str
    institution: str | None
    summary: dict[str, int]
    by_rule: dict[str, int]
    findings: list[FindingOut]


class WhatIfOut(BaseModel):
    added: list[FindingOut]
    resolved: list[FindingOut]
    run: CheckRunOut


@router.get("/checks/rules", response_model=list[RuleOut])
def rules() -> list[dict[str, Any]]:
    """Every rule: stable id, severity, title and rationale (ro, en), legal source, query."""
    return [{"id": r.id, "severity": r.severity, "title": r.title, "rationale": r.rationale,
             "source": r.source, "query": f"{r.query_name}.rq"} for r in RULES]


@router.get("/checks/history", response_model=list[RunSummary])
async def run_history(catalog: CatalogDep, institution: str | None = _INSTITUTION,
                      limit: int = Query(100, ge=1, le=1000)) -> list[RunSummary]:
    """The runs kept by `semcat check --record`, oldest first: counts per severity and per
    rule (the trend of findings)."""
    return await run_in_threadpool(lambda: history(catalog.engine, institution=institution,
                                                   limit=limit))


class EntryOut(BaseModel):
    code: str
    iri: str
    title: dict[str, str]
    authority: str | None
    life_events: list[str]
    revised: str | None
    template: dict[str, Any] = Field(default_factory=dict, description=(
        "The passport fields every provider of the service inherits when its passport "
        "leaves them empty (description, legal_resources, audiences, processing_time, "
        "evidence, outputs...), as in a passport's JSON."))


class EditionOut(BaseModel):
    iri: str
    title: dict[str, str]
    in_force_from: str | None
    approved_by: str | None
    entries: list[EntryOut]


class ChangeOut(BaseModel):
    code: str
    change: str
    ro: str
    en: str


@router.get("/nomenclature", response_model=EditionOut, tags=["nomenclature"])
async def nomenclature(catalog: CatalogDep, as_of: str | None = _AS_OF) -> dict[str, object]:
    """The nomenclature edition in force on `as_of` (default today), with its entries."""
    on = check_date(as_of, "as_of")
    found = await run_in_threadpool(lambda: in_force(catalog.checks().projection, on))
    return found.to_dict()


@router.get("/nomenclature/editions", response_model=list[str], tags=["nomenclature"])
async def nomenclature_editions(catalog: CatalogDep) -> list[str]:
    """Every edition's IRI, by entry into force."""
    return await run_in_threadpool(lambda: editions(catalog.checks().projection))


_EDITION = Query(..., max_length=2048, description="An edition's IRI")


@router.get("/nomenclature/diff", response_model=list[ChangeOut], tags=["nomenclature"])
async def nomenclature_diff(catalog: CatalogDep, from_: str = Query(..., alias="from",
                                                                   max_length=2048),
                            to: str = _EDITION) -> list[dict[str, str]]:
    """What changed from one edition to another, one sentence (ro, en) per change: entries
    added, removed, renamed, moved between life events, given to another authority, their
    template fields changed."""
    return await run_in_threadpool(lambda: diff(catalog.checks().projection, from_, to))


@router.get("/checks", response_model=CheckRunOut,
            responses={200: {"content": {"text/csv": {}, "text/html": {}}}})
async def checks(catalog: CatalogDep, institution: str | None = _INSTITUTION,
                 date: str | None = _DATE,
                 rule: list[str] | None = _RULE,
                 format: Literal["json", "csv", "html"] = Query("json"),
                 lang: Literal["ro", "en", "ru"] = Query(
                     "ro", description="The language of the HTML report")) -> Response:
    """The findings of every rule over the published catalogue (or one institution's)."""
    on = check_date(date)
    run = await run_in_threadpool(
        lambda: catalog.checks().view(on, institution=institution, only=rule))
    if format == "csv":
        return Response(to_csv(run), media_type="text/csv; charset=utf-8")
    if format == "html":
        return HTMLResponse(to_html(run, lang))
    return JSONResponse(run.to_dict())


class LegalStatusOut(BaseModel):
    cited: str
    known: bool
    kind: str
    act: str | None
    title: dict[str, str]
    act_title: dict[str, str]
    entry_into_force: str | None
    no_longer_in_force: str | None
    in_force: bool | None
    repealed_by: str | None
    version_in_force: str | None
    versions: list[dict[str, str]]


@router.get("/services/{code}/legal-basis", response_model=list[LegalStatusOut],
            tags=["services"])
async def legal_basis(code: str, catalog: CatalogDep, date: str | None = _DATE
                      ) -> list[dict[str, object]]:
    """What the service cites (act, article or consolidated version) as it stands on the date:
    its act, dates, whether it is in force, what repealed it, the version applicable then."""
    on = check_date(date)
    kind = catalog.kinds["service"]
    iri = kind.iri(catalog.settings.base_uri, kind.check_code(code))
    found = await run_in_threadpool(lambda: catalog.checks().legal_basis(iri, on))
    return [s.to_dict() for s in found]


@router.post("/checks/what-if", response_model=WhatIfOut,
             openapi_extra={"requestBody": BULK_BODY}, responses={413: {}})
async def what_if(request: Request, catalog: CatalogDep, settings: SettingsDep,
                  institution: str | None = _INSTITUTION, date: str | None = _DATE
                  ) -> JSONResponse:
    """The findings a draft would add and resolve if it were published (nothing is stored).
    The body is a draft's size at most (`SEMCAT_MAX_RECORD_BYTES`): anyone may ask."""
    on = check_date(date)
    body = await read_capped(request, settings.max_record_bytes)
    media = media_of(request.headers.get("content-type"))

    def work() -> dict[str, Any]:
        drafts: list[RecordDraft] = []
        for item in bulk_items(body, media, settings):
            if isinstance(item, Unreadable):
                raise item.error
            drafts.append(item)
        if not drafts:
            raise InvalidInput.of("checks.draft_empty", field="body", value="")
        return catalog.checks().what_if(drafts, on, institution=institution).to_dict()

    return JSONResponse(await run_in_threadpool(work))
