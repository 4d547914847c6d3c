"""Elements mapped to the EU Core Vocabularies: ``/api/v1/mappings/...``.

- ``POST /api/v1/mappings/suggest``: scored suggestions for the elements sent (no write);
  with ``asset``, each element's decision so far and the asset's coverage;
- ``GET /api/v1/mappings/{asset}``: the reviewed mappings of an asset;
- ``POST /api/v1/mappings/{asset}/decisions``: a reviewer confirms or rejects (a new version
  of the asset's mapping set, through the write path);
- ``GET /api/v1/mappings/{asset}/sssom``: the set as SSSOM TSV.
"""

from __future__ import annotations

from typing import Annotated, TypeVar

from fastapi import APIRouter, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from api.body import read_capped
from api.deps import CatalogDep, PrincipalDep
from api.schemas import ERRORS
from catalog.errors import InvalidInput
from catalog.mappings import Decision, Element, MappingSets, suggest, write_tsv

M = TypeVar("M", bound=BaseModel)
router = APIRouter(prefix="/api/v1/mappings", tags=["mappings"], responses=ERRORS)
MAX_BODY = 1 << 20
AssetPath = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$",
                                description="The asset's code (its mapping set's).")]


class ElementIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    iri: str = Field(max_length=2000, pattern=r"^https?://")
    name: str = Field(min_length=1, max_length=256)
    label: str | None = Field(None, max_length=512)
    documentation: str | None = Field(None, max_length=4000)
    datatype: str | None = Field(None, max_length=256)


class SuggestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    asset: str | None = Field(None, pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    elements: list[ElementIn] = Field(min_length=1, max_length=500)
    limit: int = Field(3, ge=1, le=10)


class TermOut(BaseModel):
    iri: str
    name: str
    vocabulary: str
    domain: str | None


class SuggestionOut(BaseModel):
    term: TermOut
    relation: str
    score: float


class DecisionOut(BaseModel):
    element: str
    element_label: str
    term: str
    relation: str
    confirmed: bool
    score: float | None
    reviewer: str
    date: str


class ElementSuggestionsOut(BaseModel):
    element: str
    suggestions: list[SuggestionOut]
    decisions: list[DecisionOut]


class CoverageOut(BaseModel):
    elements: int
    mapped: int = Field(description="Elements with a confirmed mapping.")
    reviewed: int
    ratio: float


class SuggestOut(BaseModel):
    elements: list[ElementSuggestionsOut]
    coverage: CoverageOut | None


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    element: str = Field(max_length=2000, pattern=r"^https?://")
    element_label: str = Field(max_length=256)
    term: str = Field(max_length=2000)
    relation: str = Field("exactMatch", max_length=32)
    decision: str = Field(pattern="^(confirm|reject)$")
    score: float | None = Field(None, ge=0, le=1)


class DecisionsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    publisher: str = Field(max_length=2000, description="The IRI of the institution that owns "
                           "the asset (and its mapping set).")
    decisions: list[DecisionIn] = Field(min_length=1, max_length=500)


def _out(d: Decision) -> DecisionOut:
    return DecisionOut(element=d.element, element_label=d.element_label, term=d.term,
                       relation=d.relation, confirmed=d.confirmed, score=d.score,
                       reviewer=d.reviewer, date=d.date)


async def _body(request: Request, model: type[M]) -> M:
    raw = await read_capped(request, MAX_BODY)
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise InvalidInput(f"{where}: {first['msg']}", field=where or "body",
                           expected=first["msg"]) from exc


@router.post("/suggest", response_model=SuggestOut,
             openapi_extra={"requestBody": {"content": {"application/json": {
                 "schema": SuggestIn.model_json_schema()}}}})
async def suggest_mappings(request: Request, catalog: CatalogDep) -> SuggestOut:
    """Scored Core Vocabulary terms for each element sent (label/name similarity across
    languages, datatype compatibility)."""
    body = await _body(request, SuggestIn)

    def run() -> SuggestOut:
        sets = MappingSets(catalog)
        known = sets.decisions(body.asset) if body.asset else []
        out = []
        for e in body.elements:
            found = suggest(Element(e.iri, e.name, e.label, e.documentation, e.datatype),
                            limit=body.limit)
            out.append(ElementSuggestionsOut(element=e.iri, suggestions=[
                SuggestionOut(term=TermOut(iri=s.term.iri, name=s.term.name,
                                           vocabulary=s.term.vocabulary, domain=s.term.domain),
                              relation=s.relation, score=s.score) for s in found],
                decisions=[_out(d) for d in known if d.element == e.iri]))
        coverage = None
        if body.asset:
            c = sets.coverage(body.asset, [e.iri for e in body.elements])
            coverage = CoverageOut(elements=c.elements, mapped=c.mapped, reviewed=c.reviewed,
                                   ratio=c.ratio)
        return SuggestOut(elements=out, coverage=coverage)
    return await run_in_threadpool(run)


@router.get("/{asset}", response_model=list[DecisionOut])
async def get_mappings(asset: AssetPath, catalog: CatalogDep) -> list[DecisionOut]:
    """The reviewed mappings of an asset (confirmed and rejected)."""
    found = await run_in_threadpool(MappingSets(catalog).decisions, asset)
    return [_out(d) for d in found]


@router.post("/{asset}/decisions", response_model=list[DecisionOut],
             openapi_extra={"requestBody": {"content": {"application/json": {
                 "schema": DecisionsIn.model_json_schema()}}}})
async def review_mappings(asset: AssetPath, request: Request, catalog: CatalogDep,
                          principal: PrincipalDep) -> list[DecisionOut]:
    """A reviewer of the owning institution (or an admin) confirms or rejects mappings."""
    body = await _body(request, DecisionsIn)
    decisions = [Decision(d.element, d.element_label, d.term, d.relation,
                          d.decision == "confirm", d.score) for d in body.decisions]
    kept = await run_in_threadpool(MappingSets(catalog).review, principal, asset,
                                   body.publisher, decisions)
    return [_out(d) for d in kept]


@router.get("/{asset}/sssom", response_class=Response,
            responses={200: {"content": {"text/tab-separated-values": {}}}})
async def sssom(asset: AssetPath, catalog: CatalogDep) -> Response:
    """The asset's mapping set as SSSOM TSV."""
    sets = MappingSets(catalog)
    found = await run_in_threadpool(sets.decisions, asset)
    text = write_tsv(sets.iri(asset), found, title=f"{asset}: Core Vocabulary mappings")
    return Response(text.encode(), media_type="text/tab-separated-values; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{asset}.sssom.tsv"'})
