"""The passport editor: ``/my/services/new`` and ``/my/services/{code}/edit``, for the
signed-in person of the institution that owns the passport (anyone else: 404).

One design for every write: the form POSTs (CSRF-checked, :func:`api.pages.session.
checked_form`) to these page routes, which read it into the passport's JSON
(:mod:`api.pages.editor_form`) and call the core with the session's principal: the intake's
reading (short codes to IRIs), :class:`catalog.workflow.publishing.Publishing` (create, replace
with the form's ETag, submit). The live validation of ``web/src/editor.js`` POSTs the same form
to ``/my/services/check``, which answers the dry run (:func:`catalog.intake.passport_json.
dry_run`) as JSON; without scripts, saving shows the same findings by the fields.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from api.errors import status_for
from api.pages.desk_words import page
from api.pages.editor_choices import editor_choices
from api.pages.editor_form import LANGS, PARTS, dom_id, to_document, wrapper_of, wrappers
from api.pages.editor_words import words
from api.pages.labels import language
from api.pages.render import LANGUAGE_NAMES, TEMPLATES
from api.pages.session import PagePrincipalDep, SessionPrincipal, checked_form
from catalog import rdfio
from catalog.core import Catalog
from catalog.errors import CatalogError, Forbidden, InvalidRecord, NotFound, PreconditionFailed
from catalog.intake import checks
from catalog.intake.passport_json import dry_run
from catalog.intake.readers import draft_from_data
from catalog.messages import Localized
from catalog.records.codes import CodeLookup
from catalog.validation import Finding
from catalog.workflow.publishing import Publishing
from catalog.workflow.states import VersionState

router = APIRouter(tags=["pages"], include_in_schema=False)


def _catalog(request: Request) -> Catalog:
    cat: Catalog = request.app.state.catalog
    return cat


def _codes(request: Request) -> CodeLookup:
    codes: CodeLookup = request.app.state.codes
    return codes


def _owned(catalog: Catalog, who: SessionPrincipal, code: str) -> VersionState:
    """The passport's latest state when ``who`` may edit it; NotFound otherwise (another
    institution's passport is not shown to exist)."""
    pub = Publishing(catalog)
    kind = pub.kind
    missing = NotFound.of("record.no_such", field="code", value=code,
                          kind=Localized(kind.labels))
    try:
        kind.check_code(code)
        state = pub.state(code)
    except CatalogError as exc:
        raise missing from exc
    if not who.principal.can_edit(state.authority):
        raise missing
    return state


def _latest_json(catalog: Catalog, state: VersionState) -> dict[str, Any]:
    version = catalog.ledger.version(state.iri, state.number)
    return catalog.kinds["service"].to_json(state.iri, rdfio.parse_canonical(version.content))


def _shown(findings: list[Finding], doc: dict[str, Any], lang: str
           ) -> tuple[dict[str, list[dict[str, str]]], list[dict[str, str]]]:
    """The findings by field block, and the summary's list (each linked to its field)."""
    names = wrappers(doc)
    by_block: dict[str, list[dict[str, str]]] = {}
    summary = []
    for f in findings:
        block = wrapper_of(f.field, names)
        item = {"text": f.messages[lang], "severity": f.severity,
                "href": f"#{dom_id(block)}" if block else ""}
        summary.append(item)
        if block:
            by_block.setdefault(block, []).append(item)
    return by_block, summary


def _render(request: Request, who: SessionPrincipal, doc: dict[str, Any], *,
            code: str | None, state: VersionState | None, etag: str,
            findings: list[Finding] | None = None, notice: str = "", error: str = "",
            status: int = 200) -> HTMLResponse:
    lang = language(request)
    w = words(lang)
    by_block, summary = _shown(findings or [], doc, lang)
    heading = f"{w['edit_title']} {code}" if code else w["new_title"]
    here = f"/my/services/{code}/edit" if code else "/my/services/new"
    parts: dict[str, list[Any]] = {g: [p for p in doc.get(g) or [] if isinstance(p, dict)]
                                   for g in PARTS}
    return _page(lang, heading, here, status=status, ui=w, who=who, doc=doc,
                code=code, state=state, etag=etag, parts=parts, langs=LANGS,
                choices=editor_choices(_catalog(request), _codes(request), lang),
                errors=by_block, problems=[s for s in summary if s["severity"] == "violation"],
                advice=[s for s in summary if s["severity"] != "violation"],
                notice=notice, error=error, dom_id=dom_id, action=here,
                picked=_picked(doc))


def _page(lang: str, heading: str, here: str, *, status: int, **values: Any) -> HTMLResponse:
    """The editor in ``lang``: never cached, never shared (a person's draft)."""
    body = TEMPLATES.get_template("editor.html").render(
        lang=lang, languages=LANGUAGE_NAMES, home="/", alternates=[], heading=heading,
        here=here, **values)
    return HTMLResponse(body, status_code=status, headers={
        "Content-Language": lang, "Cache-Control": "private, no-store",
        "Vary": "Cookie, Accept-Language"})


def _picked(doc: dict[str, Any]) -> dict[str, set[str]]:
    return {k: {v for v in doc.get(k, []) if isinstance(v, str)}
            for k in ("legal_resources", "audiences", "life_events", "thematic_areas",
                      "languages", "spatial")}


def _problems(request: Request, doc: dict[str, Any]) -> list[Finding]:
    catalog = _catalog(request)
    _iri, report = dry_run(doc, catalog.settings, catalog.validate, _codes(request))
    return list(report.findings)


def _error_text(exc: CatalogError, lang: str) -> str:
    return exc.messages.get(lang) or exc.message


# --- pages -------------------------------------------------------------------------------
@router.get("/my/services/new")
async def new_form(request: Request, who: PagePrincipalDep) -> HTMLResponse:
    doc = {"competent_authority": who.principal.institution_iri, "title": {"ro": ""},
           "description": {"ro": ""}}
    return _render(request, who, doc, code=None, state=None, etag="")


@router.get("/my/services/{code}/edit")
async def edit_form(code: str, request: Request, who: PagePrincipalDep) -> Response:
    catalog, lang = _catalog(request), language(request)
    w = words(lang)
    try:
        state = await run_in_threadpool(_owned, catalog, who, code)
    except NotFound as exc:
        return _missing(request, who, exc)
    doc = await run_in_threadpool(_latest_json, catalog, state)
    notice = ""
    if request.query_params.get("saved", "").isdigit():
        notice = w["saved"].format(n=request.query_params["saved"])
    if request.query_params.get("submitted", "").isdigit():
        notice = w["submitted"].format(n=request.query_params["submitted"])
    return _render(request, who, doc, code=code, state=state, etag=state.etag, notice=notice)


def _missing(request: Request, who: SessionPrincipal, exc: CatalogError) -> HTMLResponse:
    lang = language(request)
    w = words(lang)
    return page("desk_error.html", lang, w["error"], request.url.path, status=404,
                message=_error_text(exc, lang), who=who)


@router.post("/my/services/check")
async def check(request: Request, who: PagePrincipalDep) -> JSONResponse:
    """The dry run of the editor's form: every finding with its JSON field and its text."""
    form = await checked_form(request, who)
    lang = language(request)
    code = form.get("fixed_code")
    doc = to_document(form, code if isinstance(code, str) and code else None)
    findings = await run_in_threadpool(_problems, request, doc)
    return JSONResponse({"lang": lang, "findings": [
        {"field": f.field, "severity": f.severity, "text": f.messages[lang]}
        for f in findings]}, headers={"Cache-Control": "no-store"})


@router.post("/my/services/new")
async def create(request: Request, who: PagePrincipalDep) -> Response:
    form = await checked_form(request, who)
    doc = to_document(form)
    return await _save(request, who, form, doc, code=None, state=None)


@router.post("/my/services/{code}/edit")
async def replace(code: str, request: Request, who: PagePrincipalDep) -> Response:
    form = await checked_form(request, who)
    catalog = _catalog(request)
    try:
        state = await run_in_threadpool(_owned, catalog, who, code)
    except NotFound as exc:
        return _missing(request, who, exc)
    doc = to_document(form, code)
    return await _save(request, who, form, doc, code=code, state=state)


async def _save(request: Request, who: SessionPrincipal, form: FormData, doc: dict[str, Any],
                *, code: str | None, state: VersionState | None) -> Response:
    lang = language(request)
    w = words(lang)
    catalog = _catalog(request)
    etag = form.get("etag")
    etag = etag if isinstance(etag, str) else ""
    submit = form.get("action") == "submit"
    pub = Publishing(catalog)

    def write() -> tuple[VersionState, CatalogError | None]:
        """The saved version, and why submitting it was refused (the save stands)."""
        draft = draft_from_data(pub.kind, doc, catalog.settings.base_uri,
                                codes=_codes(request))
        checks.check_record(draft, catalog.settings)
        if code is None:
            saved = pub.create(who.principal, draft)
        else:
            saved = pub.replace(who.principal, code, draft, etag)
        if submit:
            try:
                saved = pub.transition(who.principal, saved.code, "submitted", saved.etag)
            except CatalogError as exc:
                return saved, exc
        return saved, None

    try:
        saved, refused = await run_in_threadpool(write)
    except InvalidRecord:
        findings = await run_in_threadpool(_problems, request, doc)
        return _render(request, who, doc, code=code, state=state, etag=etag,
                       findings=findings, error=w["not_saved"], status=422)
    except PreconditionFailed:
        current = await run_in_threadpool(Publishing(catalog).state, code or "")
        return _render(request, who, doc, code=code, state=current, etag=current.etag,
                       error=w["conflict"].format(n=current.number), status=409)
    except Forbidden as exc:
        if code is not None:
            return _missing(request, who, exc)
        return _render(request, who, doc, code=code, state=state, etag=etag,
                       error=_error_text(exc, lang), status=status_for(exc))
    except CatalogError as exc:
        return _render(request, who, doc, code=code, state=state, etag=etag,
                       error=_error_text(exc, lang), status=status_for(exc))
    if refused is not None:  # saved, not submitted: the form goes on from the saved version
        return _render(request, who, doc, code=saved.code, state=saved, etag=saved.etag,
                       notice=w["saved"].format(n=saved.number),
                       error=_error_text(refused, lang), status=status_for(refused))
    what = "submitted" if submit else "saved"
    return RedirectResponse(f"/my/services/{saved.code}/edit?lang={lang}&{what}={saved.number}",
                            status_code=303, headers={"Cache-Control": "no-store"})
