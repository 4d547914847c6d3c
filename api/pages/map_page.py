"""``/map``: the one-stop shops (village halls) and consular offices, each with its address
and the services offered there (the channels placed at it, ``dct:spatial``).

The page is a plain list of the places, grouped by type; /static/lib/map.js (Leaflet, with
the country outlines from Natural Earth and no tile server) draws a map from the same list.
Each place shows its first ``SHOWN`` services by title and links to ``/map/places/{id}``, the
paged list of all its services: the page's size does not grow with the catalogue.
``?location={id}`` marks one place (the service page links each of its places so, with
``&service={code}``, which that place then lists first); the script opens it on the map.
The places and their services are read once per change of the catalogue (api.pages.memo).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import CatalogDep
from api.pages.labels import language, local_name, pick
from api.pages.memo import remembered
from api.pages.portal import answer, list_page, page_href, render
from api.pages.portal_text import ui
from catalog.core import Catalog
from catalog.errors import NotFound
from catalog.queries.browse import ServiceFilter
from catalog.text import search_key

router = APIRouter(tags=["pages"])
#: services shown with each place on /map (the rest on the place's own page)
SHOWN = 10


def places(catalog: Catalog, lang: str) -> list[dict[str, Any]]:
    """Every location with its name, type, address, point and services (by title), in
    ``lang``; kept until the catalogue changes."""
    return remembered(catalog, ("places", lang), lambda: _places(catalog, lang))


def _places(catalog: Catalog, lang: str) -> list[dict[str, Any]]:
    service = catalog.kinds["service"]
    base = catalog.settings.base_uri
    out = []
    for f in catalog.browse().locations()["features"]:
        p = f["properties"]
        point = (f["geometry"] or {}).get("coordinates")
        seen: set[str] = set()
        offered = []
        for s in p["services"]:
            if s["code"] not in seen:
                seen.add(s["code"])
                offered.append({"code": s["code"], "title": pick(s["title"], lang) or s["code"],
                                "href": page_href(catalog, service.iri(base, s["code"]), lang)})
        offered.sort(key=lambda s: (search_key(s["title"]), s["code"]))
        kind = p["type"] or ""
        out.append({"id": f["id"], "iri": p["iri"], "name": pick(p["name"], lang) or f["id"],
                    "href": page_href(catalog, p["iri"], lang), "address": p["address"],
                    "type": kind, "type_name": pick(catalog.label(kind), lang)
                    or local_name(kind) if kind else "",
                    "lon": point[0] if point else None, "lat": point[1] if point else None,
                    "services": offered})
    return out


def _shown(place: dict[str, Any], lang: str, first: str | None) -> dict[str, Any]:
    """A place as /map shows it: its first services (``first``, a service code, ahead of
    them when offered there), their number and the link to all of them."""
    offered: list[dict[str, Any]] = place["services"]
    ahead = [s for s in offered if s["code"] == first]
    rest = [s for s in offered if s["code"] != first]
    return {**place, "services": (ahead + rest)[:SHOWN], "total": len(offered),
            "all_href": f"/map/places/{place['id']}?{urlencode({'lang': lang})}"}


def _no_place(place_id: str, field: str) -> NotFound:
    return NotFound(f"no place with id {place_id!r}", field=field, value=place_id,
                    message_ro=f"nu există locul cu identificatorul {place_id!r}",
                    message_ru=f"нет места с идентификатором {place_id!r}",
                    expected="the id of a location on /map")


@router.get("/map", response_class=HTMLResponse,
            summary="The one-stop shops and consular offices with their services (a page)")
async def map_page(request: Request, catalog: CatalogDep) -> HTMLResponse:
    lang = language(request)
    focus = request.query_params.get("location") or None
    first = request.query_params.get("service") or None

    def build() -> HTMLResponse:
        found = places(catalog, lang)
        if focus is not None and focus not in {p["id"] for p in found}:
            raise _no_place(focus, "location")
        groups: dict[str, dict[str, Any]] = {}
        for p in found:
            groups.setdefault(p["type"], {"name": p["type_name"] or ui(lang)["other_places"],
                                          "places": []})["places"].append(
                _shown(p, lang, first if p["id"] == focus else None))
        return render(request, "map.html", lang=lang, heading=ui(lang)["map"], here="/map",
                      groups=list(groups.values()), focus=focus)

    return await answer(request, build)


@router.get("/map/places/{place_id}", response_class=HTMLResponse,
            summary="The services offered at one place of /map (a page)")
async def place_page(place_id: str, request: Request, catalog: CatalogDep) -> HTMLResponse:
    lang = language(request)

    def build() -> HTMLResponse:
        place = next((p for p in places(catalog, lang) if p["id"] == place_id), None)
        if place is None:
            raise _no_place(place_id, "place_id")
        return list_page(request, catalog, lang, heading=place["name"],
                         kind=place["type_name"] or ui(lang)["other_places"],
                         description=place["address"],
                         flt=ServiceFilter(location=place["iri"]))

    return await answer(request, build)
