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
from api.answers import Answer, cache_of
from api.deps import CatalogDep
from api.schemas import ERRORS
from catalog.projections.search import (
    COUNT_LIMIT,
    MAX_LIMIT,
    MAX_QUERY_CHARS,
    SearchPage,
    check_query,
)

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
    score: float = Field(description="Relevance, higher is better, comparable within one "
                         "answer's tier only.")
    tier: int = Field(description="0: every word is in the title; 1: elsewhere.")
    highlights: list[HighlightOut]


class SearchOut(BaseModel):
    query: str
    lang: str | None
    total: int = Field(description=f"How many services match, over all pages; counted up to "
                       f"{COUNT_LIMIT}, beyond which it is {COUNT_LIMIT} and "
                       "`total_is_lower_bound` is true.")
    total_is_lower_bound: bool = Field(description=(
        f"True when more than {COUNT_LIMIT} services match: the pages then end with the "
        f"{COUNT_LIMIT} first title matches and the other matches among the first "
        f"{COUNT_LIMIT} (in index order), ranked; more words narrow the search."))
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on "
                                    "the last one.")
    watermark: int = Field(description="The ledger change sequence the index had reached.")
    hits: list[HitOut]

    @classmethod
    def of(cls, page: SearchPage) -> SearchOut:
        return cls(query=page.query, lang=page.lang, total=page.total,
                   total_is_lower_bound=page.total_is_lower_bound,
                   next_cursor=page.next_cursor, watermark=page.watermark, hits=[
                       HitOut(code=h.code, iri=h.iri, title=h.title, score=h.score,
                              tier=h.tier, highlights=[
                                  HighlightOut(field=x.field, lang=x.lang, html=x.html)
                                  for x in h.highlights])
                       for h in page.hits])


@router.get("/search", response_model=SearchOut,
            responses={304: {"description": "Not modified (If-None-Match)."}})
async def search(
        request: Request, catalog: CatalogDep,
        q: str = Query("", description=f"Words to find (at most {MAX_QUERY_CHARS} "
                       "characters); each finds the words it begins, and their other "
                       "endings (indemnizatie: indemnizației; пенсия: пенсии)."),
        lang: str | None = Query(None, description="Only texts in this language: ro, en, ru."),
        limit: int = Query(20, description=f"Services per page, 1 to {MAX_LIMIT}."),
        cursor: str | None = Query(None, description="The `next_cursor` of the previous page."),
        kind: str = Query("service", max_length=32, description="The kind of record searched: "
                          "service passports by default."),
) -> SearchOut | Response:
    """Services whose title, keywords, description, evidence or outputs hold every word (as
    a prefix, less its ending), those with every word in the title first."""
    text = check_query(q)
    index = catalog.search_index
    mark = await run_in_threadpool(index.watermark)
    tag = search_tag(text, lang, limit, cursor, kind)
    etag = conditional.etag_for(mark, "search", *tag)
    if conditional.not_modified(request, etag, None):
        return conditional.answer_304(etag, None)

    def run() -> tuple[int, SearchPage]:
        generation = catalog.head.read()  # before the search: see api.answers
        return generation, index.search(text, lang=lang, limit=limit, cursor=cursor, kind=kind)

    generation, page = await run_in_threadpool(run)
    headers = conditional.headers(conditional.etag_for(page.watermark, "search", *tag), None)
    body = SearchOut.of(page).model_dump_json().encode()
    if page.watermark >= generation:  # the index had every change up to the head
        cache_of(request).put(("search", *tag), generation,
                              Answer.of(body, "application/json", headers))
    return Response(body, media_type="application/json", headers=headers)


def search_tag(text: str, lang: str | None, limit: int, cursor: str | None, kind: str
               ) -> tuple[object, ...]:
    """What a search asks for (the words checked by :func:`check_query`): the part of its
    ETag and of its answer cache key after the watermark."""
    return (text, lang, limit, cursor) if kind == "service" else (text, lang, limit, cursor, kind)
