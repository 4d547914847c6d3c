"""Full-text search over the published service passports: ``GET /api/v1/search``.

Thin: the query is checked and searched by :class:`catalog.search.SearchIndex`; the answer's
ETag is the index's watermark and a digest of what was asked, so a client revalidates cheaply
until something is published or withdrawn.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from api import conditional
from api.deps import CatalogDep
from api.schemas import ERRORS
from catalog.search import MAX_LIMIT, MAX_QUERY_CHARS, SearchPage, check_query

router = APIRouter(prefix="/api/v1", tags=["search"], responses=ERRORS)


class HighlightOut(BaseModel):
    field: str = Field(description="title, keywords, description, evidence or outputs.")
    lang: str = Field(description="ro, en, ru, or und (another language or none).")
    html: str = Field(description="The text HTML-escaped, in its original spelling, with "
                      "<mark>…</mark> around each matching word; a long description is cut "
                      "around the first match (… where cut).")


class HitOut(BaseModel):
    code: str
    iri: str
    title: dict[str, str] = Field(description="The passport's title by language.")
    score: float | None = Field(description="Relevance, higher is better, comparable within "
                                "one answer's tier only; null where a tier was too broad to "
                                "rank and is given in index order.")
    tier: int = Field(description="0: every word is in the title; 1: elsewhere.")
    highlights: list[HighlightOut]


class SearchOut(BaseModel):
    query: str
    lang: str | None
    total: int = Field(description="How many services match, over all pages.")
    ranked: bool = Field(description="False when a tier was too broad to rank.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on "
                                    "the last one.")
    watermark: int = Field(description="The ledger change sequence the index had reached.")
    hits: list[HitOut]

    @classmethod
    def of(cls, page: SearchPage) -> SearchOut:
        return cls(query=page.query, lang=page.lang, total=page.total, ranked=page.ranked,
                   next_cursor=page.next_cursor, watermark=page.watermark, hits=[
                       HitOut(code=h.code, iri=h.iri, title=h.title, score=h.score,
                              tier=h.tier, highlights=[
                                  HighlightOut(field=x.field, lang=x.lang, html=x.html)
                                  for x in h.highlights])
                       for h in page.hits])


@router.get("/search", response_model=SearchOut,
            responses={304: {"description": "Not modified (If-None-Match)."}})
async def search(
        request: Request, response: Response, catalog: CatalogDep,
        q: str = Query("", description=f"Words to find (at most {MAX_QUERY_CHARS} "
                       "characters); the last one may be the start of a word."),
        lang: str | None = Query(None, description="Only texts in this language: ro, en, ru."),
        limit: int = Query(20, description=f"Services per page, 1 to {MAX_LIMIT}."),
        cursor: str | None = Query(None, description="The `next_cursor` of the previous page."),
) -> SearchOut | Response:
    """Services whose title, keywords, description, evidence or outputs hold every word."""
    text = check_query(q)
    index = catalog.search_index
    mark = await run_in_threadpool(index.watermark)
    etag = conditional.etag_for(mark, "search", text, lang, limit, cursor)
    if conditional.not_modified(request, etag, None):
        return conditional.answer_304(etag, None)
    page = await run_in_threadpool(
        lambda: index.search(text, lang=lang, limit=limit, cursor=cursor))
    response.headers.update(conditional.headers(
        conditional.etag_for(page.watermark, "search", text, lang, limit, cursor), None))
    return SearchOut.of(page)
