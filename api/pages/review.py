"""The reviewers' desk (role reviewer or admin): ``/review``, the queue of submitted passports;
``/review/services/{code}``, one submission: what changed against the published version (for a
first version, every field it brings), the consistency findings it would add or resolve if
published (what-if, catalog/checks), and two plain forms that work without scripts: publish, or
send back to the institution with a reason (the workflow's reject; the reason is kept in the
history and shown on /my). Each form carries the session's CSRF token and the version's ETag,
so a submission changed meanwhile is not published unseen (412)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.errors import status_for
from api.pages.desk_views import catalog_of, history_of, line_view, public_href, when
from api.pages.desk_words import error_page, page, ui
from api.pages.diff_view import rows
from api.pages.labels import language, pick
from api.pages.session import PagePrincipalDep, SessionPrincipal, checked_form
from catalog import rdfio
from catalog.core import Catalog
from catalog.errors import CatalogError, InvalidInput
from catalog.records import RecordDraft
from catalog.records.diff import PASSPORT_FORM, RecordDiff, diff_records, nothing_of
from catalog.records.rdfdelta import rdf_delta
from catalog.workflow.access import require_review
from catalog.workflow.desk import Desk, moves
from catalog.workflow.publishing import Publishing

router = APIRouter(tags=["pages"], include_in_schema=False)
#: longest reason a reviewer may give (the API's limit)
REASON_MAX = 2000


@router.get("/review")
async def queue(request: Request, who: PagePrincipalDep) -> HTMLResponse:
    lang = language(request)
    try:
        require_review(who.principal, "publish")
    except CatalogError as exc:
        return error_page(lang, exc, "/review", who)
    catalog = catalog_of(request)
    lines = await run_in_threadpool(Desk(catalog).queue)
    done = request.query_params.get("done")
    words = ui(lang)
    return page("review.html", lang, words["desk"], "/review", who=who,
                lines=[line_view(r, lang, catalog) for r in lines],
                done=words.get(f"{done}_done") if done in ("published", "sent_back") else None)


def _findings(catalog: Catalog, draft: RecordDraft, lang: str) -> dict[str, list[dict[str, str]]]:
    """What publishing ``draft`` would add to and resolve in the consistency findings."""
    result = catalog.checks().what_if([draft], date.today())

    def view(f: Any) -> dict[str, str]:
        return {"rule": f.rule, "severity": f.severity,
                "message": f.message.get(lang) or f.message.get("en", ""),
                "code": f.code or ""}
    return {"added": [view(f) for f in result.added],
            "resolved": [view(f) for f in result.resolved]}


def _submission(request: Request, who: SessionPrincipal, code: str, lang: str
                ) -> dict[str, Any]:
    catalog = catalog_of(request)
    state = Publishing(catalog).state(code)
    hist = history_of(request)
    latest = hist.read(code, who.principal, version=state.number)
    published = state.published_version
    if published:
        result = hist.diff(code, who.principal, published, state.number)
    else:  # a first version: all it brings, against nothing
        brought = diff_records(PASSPORT_FORM, nothing_of(PASSPORT_FORM),
                               latest.passport().model_dump(mode="json"), label=catalog.label)
        result = RecordDiff(0, state.number, brought, rdf_delta("", latest.content))
    diff_rows = rows(result, lang, catalog.label)
    summary = result.summary.get(lang) or result.summary["en"]
    draft = RecordDraft(latest.iri, "service", rdfio.parse_canonical(latest.content))
    title = pick(latest.passport().title, lang) or code
    sent = next((m for m in reversed(moves(catalog, latest.iri))
                 if m.to_status == "submitted" and m.version == state.number), None)
    return {"code": code, "title": title, "state": state, "etag": state.etag,
            "version": state.number, "published_version": published,
            "submitted": state.status == "submitted", "diff_rows": diff_rows,
            "summary": summary, "findings": _findings(catalog, draft, lang),
            "submitted_by": sent.author if sent else None,
            "submitted_at": when(sent.at, catalog) if sent else None,
            "public": public_href(catalog, latest.iri, lang) if published else None}


async def _desk_page(request: Request, who: SessionPrincipal, code: str, *,
                     error: str | None = None, status: int = 200, reason: str = ""
                     ) -> HTMLResponse:
    lang = language(request)
    here = f"/review/services/{code}"
    try:
        require_review(who.principal, "publish", code)
        values = await run_in_threadpool(_submission, request, who, code, lang)
    except CatalogError as exc:
        return error_page(lang, exc, here, who)
    return page("review_item.html", lang, f"{values['code']} — {values['title']}", here,
                status=status, who=who, error=error, reason=reason, **values)


@router.get("/review/services/{code}")
async def submission(code: str, request: Request, who: PagePrincipalDep) -> HTMLResponse:
    return await _desk_page(request, who, code)


async def _decide(request: Request, who: SessionPrincipal, code: str, to: str) -> Response:
    lang = language(request)
    words = ui(lang)
    form = await checked_form(request, who)
    reason = str(form.get("reason") or "").strip()
    etag = str(form.get("etag") or "")
    if to == "draft" and not reason:
        return await _desk_page(request, who, code, error=words["reason_needed"], status=400)
    try:
        if len(reason) > REASON_MAX:
            raise InvalidInput.of("session.reason_long", field="reason", value=len(reason),
                                  expected=f"<= {REASON_MAX} characters", limit=REASON_MAX)
        await run_in_threadpool(lambda: Publishing(catalog_of(request)).transition(
            who.principal, code, to, etag, reason=reason or None))
    except CatalogError as exc:
        return await _desk_page(request, who, code, reason=reason,
                                error=exc.messages.get(lang) or exc.message,
                                status=status_for(exc))
    done = "published" if to == "published" else "sent_back"
    return RedirectResponse(f"/review?lang={lang}&done={done}", status_code=303)


@router.post("/review/services/{code}/publish")
async def publish(code: str, request: Request, who: PagePrincipalDep) -> Response:
    return await _decide(request, who, code, "published")


@router.post("/review/services/{code}/send-back")
async def send_back(code: str, request: Request, who: PagePrincipalDep) -> Response:
    return await _decide(request, who, code, "draft")
