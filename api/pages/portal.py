"""The citizens' portal: the home page (``/``: search box, life and business events, competent
authorities, how many services and when the catalogue last changed), search results
(``/search``) and the services of one life event, business event or authority
(``/life-events/{id}``, ``/business-events/{id}``, ``/authorities/{code}``).

Every page works without scripts (plain forms and links; /static/lib/search.js adds results
as you type). The home page holds no list of services: its size does not grow with the
catalogue; its counts and the pages of the lists are kept until the catalogue changes
(api.pages.memo). Errors a person can cause (an unknown event, a cursor not ours, a query too
long) are pages with their 4xx status, in the page's language.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from html import unescape
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from api.deps import CatalogDep
from api.errors import status_for
from api.pages.labels import language, pick
from api.pages.memo import remembered
from api.pages.portal_text import ui
from api.pages.render import LANGUAGE_NAMES, TEMPLATES
from catalog.core import Catalog
from catalog.errors import CatalogError
from catalog.projections.search.analysis import MARK_CLOSE, MARK_OPEN
from catalog.queries.browse import ServiceFilter, ServiceItem
from catalog.text import search_key

router = APIRouter(tags=["pages"])
#: services per page of a list (an event's, an authority's) and of search results
LIST_PAGE = 50
SEARCH_PAGE = 20
#: the event pages: path -> (code list, facet of catalog.queries.browse.ServiceFilter)
EVENTS = {"life-events": ("life-event", "life_event"),
          "business-events": ("business-event", "business_event")}


def page_href(catalog: Catalog, iri: str, lang: str) -> str:
    """This server's page of one of the catalogue's IRIs, in ``lang``."""
    base = catalog.settings.base_uri
    rest = iri[len(base):] if iri.startswith(base) else iri
    return f"{urlsplit(base).path}{rest}?lang={lang}"


def render(request: Request, template: str, *, heading: str, here: str = "",
           status: int = 200, lang: str | None = None, **values: Any) -> HTMLResponse:
    """A portal page in the request's language (``Vary: Accept-Language``: the language may
    come from that header)."""
    lang = lang or language(request)
    body = TEMPLATES.get_template(template).render(
        lang=lang, ui=ui(lang), languages=LANGUAGE_NAMES, home="/", alternates=[],
        heading=heading, here=here, **values)
    return HTMLResponse(body, status_code=status,
                        headers={"Vary": "Accept-Language", "Content-Language": lang})


def error_page(request: Request, exc: CatalogError) -> HTMLResponse:
    """What a person caused, said in their language, with the field and what was expected."""
    lang = language(request)
    status = status_for(exc)
    words = ui(lang)
    message = {"ro": exc.message_ro, "ru": exc.message_ru}.get(lang, exc.message)
    return render(request, "portal_error.html", status=status, lang=lang,
                  heading=words["missing"] if status in (404, 410) else words["error"],
                  message=message, field=exc.field, expected=exc.expected)


async def answer(request: Request, work: Callable[[], HTMLResponse]) -> HTMLResponse:
    try:
        return await run_in_threadpool(work)
    except CatalogError as exc:
        if status_for(exc) >= 500:
            raise
        return error_page(request, exc)


def _items(catalog: Catalog, items: list[ServiceItem], lang: str,
           names: dict[str, str]) -> list[dict[str, str]]:
    return [{"code": i.code, "href": page_href(catalog, i.iri, lang),
             "title": pick(i.title, lang) or i.code,
             "authority": names.get(i.authority, "")} for i in items]


def _org_names(catalog: Catalog, lang: str) -> dict[str, str]:
    return remembered(catalog, ("org-names", lang), lambda: {
        o["iri"]: pick(o["name"], lang) or o["code"] or o["iri"]
        for o in catalog.browse().organisations()})


def _marked(escaped: str) -> list[tuple[str, bool]]:
    """A highlight of the search index (HTML-escaped text with ``<mark>`` around the words
    found) as plain pieces, each marked or not: the template escapes them again."""
    return [(unescape(part[len(MARK_OPEN):-len(MARK_CLOSE)]), True)
            if part.startswith(MARK_OPEN) else (unescape(part), False)
            for part in re.split(f"({MARK_OPEN}.*?{MARK_CLOSE})", escaped) if part]


def _date(at: datetime | None) -> str | None:
    return at.date().isoformat() if at else None


def _home_lists(catalog: Catalog, lang: str) -> dict[str, Any]:
    """The events and authorities with their counts, and the number of services (what the
    home page computes from the whole catalogue, kept until it changes)."""
    browse = catalog.browse()
    events = {path: [{"href": f"/{path}/{c['id']}?lang={lang}",
                      "text": pick(c["label"], lang) or c["id"], "services": c["services"]}
                     for c in browse.concepts(scheme)]
              for path, (scheme, _facet) in EVENTS.items()}
    for entries in events.values():
        entries.sort(key=lambda e: search_key(e["text"]))
    authorities = sorted(
        ({"href": f"/authorities/{o['code']}?lang={lang}",
          "text": pick(o["name"], lang) or o["code"], "services": o["services"]}
         for o in browse.organisations() if o["code"] and o["services"]),
        key=lambda a: search_key(a["text"]))
    return {"life_events": events["life-events"], "business_events": events["business-events"],
            "authorities": authorities,
            "total": browse.services(ServiceFilter(), limit=1).total}


# the home page --------------------------------------------------------------------------------
@router.get("/", response_class=HTMLResponse, summary="The portal's home page")
async def home(request: Request, catalog: CatalogDep) -> HTMLResponse:
    lang = language(request)

    def build() -> HTMLResponse:
        return render(request, "home.html", lang=lang, heading=ui(lang)["welcome"], here="/",
                      **remembered(catalog, ("home", lang), lambda: _home_lists(catalog, lang)),
                      changed=_date(catalog.ledger.last_change_at()), q="")

    return await answer(request, build)


# search results -----------------------------------------------------------------------------
@router.get("/search", response_class=HTMLResponse, summary="Search results (a page)")
async def search(request: Request, catalog: CatalogDep) -> HTMLResponse:
    lang = language(request)
    q = request.query_params.get("q", "")
    cursor = request.query_params.get("cursor") or None

    def build() -> HTMLResponse:
        words = ui(lang)
        if not q.strip():
            return render(request, "search.html", lang=lang, heading=words["results"],
                          q=q, hits=None, total=0, bound=False, next=None, first=None)
        found = catalog.search_index.search(q, limit=SEARCH_PAGE, cursor=cursor)
        hits = []
        for h in found.hits:
            shown = [x for x in h.highlights if x.field != "title"]
            mine = [x for x in shown if x.lang == lang] or shown
            hits.append({"code": h.code, "href": page_href(catalog, h.iri, lang),
                         "title": pick(h.title, lang) or h.code,
                         "snippet": _marked(mine[0].html) if mine else None})
        nxt = f"/search?{urlencode({'q': q, 'lang': lang, 'cursor': found.next_cursor})}" \
            if found.next_cursor else None
        first = f"/search?{urlencode({'q': q, 'lang': lang})}" if cursor else None
        return render(request, "search.html", lang=lang, heading=words["results"], q=q,
                      keep_query=urlencode({"q": q}) + "&", hits=hits, total=found.total,
                      bound=found.total_is_lower_bound, next=nxt, first=first)

    return await answer(request, build)


# the services of an event or an authority ---------------------------------------------------
def list_page(request: Request, catalog: Catalog, lang: str, *, heading: str, kind: str,
               flt: ServiceFilter, description: str | None = None) -> HTMLResponse:
    cursor = request.query_params.get("cursor") or None
    page = remembered(catalog, ("list", flt, cursor), lambda: catalog.browse().services(
        flt, limit=LIST_PAGE, cursor=cursor))
    path = request.url.path
    nxt = f"{path}?{urlencode({'lang': lang, 'cursor': page.next_cursor})}" \
        if page.next_cursor else None
    return render(request, "services.html", lang=lang, heading=heading, kind=kind,
                  description=description, total=page.total,
                  items=_items(catalog, page.items, lang, _org_names(catalog, lang)),
                  next=nxt, first=f"{path}?lang={lang}" if cursor else None)


def _event_route(path: str, scheme: str, facet: str) -> None:
    async def event(concept_id: str, request: Request, catalog: CatalogDep) -> HTMLResponse:
        lang = language(request)

        def build() -> HTMLResponse:
            concept = remembered(catalog, ("concept", scheme, concept_id),
                                 lambda: catalog.browse().concept(scheme, concept_id))
            return list_page(request, catalog, lang,
                              heading=pick(concept["label"], lang) or concept_id,
                              kind=ui(lang)[facet], description=pick(concept["definition"], lang),
                              flt=ServiceFilter(**{facet: concept["iri"]}))

        return await answer(request, build)

    router.add_api_route(f"/{path}/{{concept_id}}", event, methods=["GET"],
                         response_class=HTMLResponse,
                         summary=f"The services of one {scheme.replace('-', ' ')} (a page)")


for _path, (_scheme, _facet) in EVENTS.items():
    _event_route(_path, _scheme, _facet)


@router.get("/authorities/{code}", response_class=HTMLResponse,
            summary="The services of one competent authority (a page)")
async def authority(code: str, request: Request, catalog: CatalogDep) -> HTMLResponse:
    lang = language(request)

    def build() -> HTMLResponse:
        iri = catalog.browse().facet_iri("authority", code)
        [org] = remembered(catalog, ("organisation", iri),
                           lambda: catalog.browse().organisations(iri)) \
            or [{"name": {}, "code": code}]
        return list_page(request, catalog, lang, heading=pick(org["name"], lang) or code,
                          kind=ui(lang)["authority"], flt=ServiceFilter(authority=iri))

    return await answer(request, build)
