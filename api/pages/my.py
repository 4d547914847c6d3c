"""The institution's pages: ``/my`` (its passports in every state, with why a submission came
back), ``/my/services/{code}/history`` (versions and transitions: who, when, why) and
``/my/services/{code}/diff?from=N&to=M``. Only the signed-in person's institution's passports
(and, for reviewers and admins, any passport's history): another institution's passports are
answered as absent (404, as for no passport), so its drafts are never shown nor told to exist.
The editor (``/my/services/new``, ``/my/services/{code}/edit``) lives elsewhere; these pages
link to it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from api.pages.desk_views import catalog_of, history_of, line_view, move_view, public_href, when
from api.pages.desk_words import error_page, page, ui
from api.pages.diff_view import rows
from api.pages.labels import language
from api.pages.session import PagePrincipalDep, SessionPrincipal
from catalog.errors import CatalogError, NotFound
from catalog.messages import Localized
from catalog.workflow.desk import Desk, moves
from catalog.workflow.publishing import Publishing

router = APIRouter(tags=["pages"], include_in_schema=False)


#: the passports one page of /my shows
MY_PAGE = 50
_STATES = ("draft", "submitted", "published", "withdrawn")


@router.get("/my")
async def my_passports(request: Request, who: PagePrincipalDep,
                       page_number: int = Query(1, alias="page", ge=1, le=10**6)
                       ) -> HTMLResponse:
    """The institution's passports, :data:`MY_PAGE` a page (a page past the last shows the
    last), under how many are in each state."""
    lang = language(request)
    catalog = catalog_of(request)
    desk, institution = Desk(catalog), who.principal.institution_id

    def work() -> tuple[dict[str, int], int, list[Any]]:
        states = desk.states(institution)
        pages = max(1, -(-sum(states.values()) // MY_PAGE))
        number = min(page_number, pages)
        lines = desk.of_institution(institution, offset=(number - 1) * MY_PAGE, limit=MY_PAGE)
        return states, number, [line_view(r, lang, catalog) for r in lines]

    states, number, lines = await run_in_threadpool(work)
    words = ui(lang)
    total = sum(states.values())
    pages = max(1, -(-total // MY_PAGE))
    shown = [*_STATES, *sorted(set(states) - set(_STATES))]
    return page("my.html", lang, words["my"], "/my", who=who, lines=lines,
                states=[{"id": s, "text": words.get(f"status_{s}", s), "count": states[s]}
                        for s in shown if states.get(s)],
                pager={"page": number, "pages": pages, "total": total,
                       "first": (number - 1) * MY_PAGE + 1 if total else 0,
                       "last": (number - 1) * MY_PAGE + len(lines),
                       "previous": f"/my?page={number - 1}&lang={lang}" if number > 1
                       else None,
                       "next": f"/my?page={number + 1}&lang={lang}" if number < pages
                       else None})


def _owned_versions(request: Request, who: SessionPrincipal, code: str) -> list[Any]:
    """The versions of ``code`` when ``who`` may read its drafts (its institution, reviewers),
    else NotFound, the answer for no such passport: these pages never show another
    institution's drafts, nor that they exist."""
    pub = Publishing(catalog_of(request))
    authority = pub.state(code).authority  # NotFound: no such
    if not who.principal.can_read_drafts(authority):  # as if there were none (as the editor)
        raise NotFound.of("record.no_such", field="code", value=code,
                          kind=Localized(pub.kind.labels))
    return history_of(request).versions(code, who.principal)


@router.get("/my/services/{code}/history")
async def history(code: str, request: Request, who: PagePrincipalDep) -> HTMLResponse:
    lang = language(request)
    here = f"/my/services/{code}/history"
    catalog = catalog_of(request)
    try:
        views = await run_in_threadpool(_owned_versions, request, who, code)
    except CatalogError as exc:
        return error_page(lang, exc, here, who)
    iri = views[0].iri if views else ""
    transitions = await run_in_threadpool(moves, catalog, iri)
    words = ui(lang)
    versions = [{"number": v.number, "status": words.get(f"status_{v.status}", v.status),
                 "author": v.author, "created": when(v.created_at, catalog),
                 "published": when(v.published_at, catalog) if v.published_at else None}
                for v in views]
    numbers = [v.number for v in views]
    return page("history.html", lang, f"{words['history_of']} {code}", here, who=who,
                code=code, versions=versions,
                transitions=[move_view(m, lang, catalog) for m in transitions],
                public=public_href(catalog, iri, lang) if any(v.public for v in views)
                else None,
                diff_from=numbers[-2] if len(numbers) > 1 else (numbers[0] if numbers else 1),
                diff_to=numbers[-1] if numbers else 1)


@router.get("/my/services/{code}/diff")
async def diff(code: str, request: Request, who: PagePrincipalDep,
               from_: int = Query(..., alias="from", ge=1, le=10**9),
               to: int = Query(..., ge=1, le=10**9)) -> HTMLResponse:
    lang = language(request)
    here = f"/my/services/{code}/diff"
    catalog = catalog_of(request)

    def work() -> Any:
        _owned_versions(request, who, code)
        return history_of(request).diff(code, who.principal, from_, to)

    try:
        result = await run_in_threadpool(work)
    except CatalogError as exc:
        return error_page(lang, exc, here, who)
    words = ui(lang)
    return page("diff.html", lang, f"{words['diff_between']} {from_} → {to}", here, who=who,
                code=code, old=from_, new=to, rows=rows(result, lang, catalog.label))
