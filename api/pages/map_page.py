"""``/map``: the one-stop shops (village halls) and consular offices, each with its address
and the services offered there (the channels placed at it, ``dct:spatial``).

The page is a plain list of the places, grouped by type; /static/lib/map.js (Leaflet, with
the country outlines from Natural Earth and no tile server) draws a map from the same list.
``?location={id}`` marks one place (the service page links each of its places so), which the
script opens on the map.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import CatalogDep
from api.pages.labels import language, local_name, pick
from api.pages.portal import answer, page_href, render
from api.pages.portal_text import ui
from api.routes.catalogue import _browse
from catalog.core import Catalog
from catalog.errors import NotFound

router = APIRouter(tags=["pages"])


def places(catalog: Catalog, lang: str) -> list[dict[str, Any]]:
    """Every location with its name, type, address, point and services, in ``lang``."""
    service = catalog.kinds["service"]
    base = catalog.settings.base_uri
    out = []
    for f in _browse(catalog).locations()["features"]:
        p = f["properties"]
        point = (f["geometry"] or {}).get("coordinates")
        seen: set[str] = set()
        offered = []
        for s in p["services"]:
            if s["code"] not in seen:
                seen.add(s["code"])
                offered.append({"code": s["code"], "title": pick(s["title"], lang) or s["code"],
                                "href": page_href(catalog, service.iri(base, s["code"]), lang)})
        kind = p["type"] or ""
        out.append({"id": f["id"], "name": pick(p["name"], lang) or f["id"],
                    "href": page_href(catalog, p["iri"], lang), "address": p["address"],
                    "type": kind, "type_name": pick(catalog.label(kind), lang)
                    or local_name(kind) if kind else "",
                    "lon": point[0] if point else None, "lat": point[1] if point else None,
                    "services": offered})
    return out


@router.get("/map", response_class=HTMLResponse,
            summary="The one-stop shops and consular offices with their services (a page)")
async def map_page(request: Request, catalog: CatalogDep) -> HTMLResponse:
    lang = language(request)
    focus = request.query_params.get("location") or None

    def build() -> HTMLResponse:
        found = places(catalog, lang)
        if focus is not None and focus not in {p["id"] for p in found}:
            raise NotFound(f"no place with id {focus!r}", field="location", value=focus,
                           message_ro=f"nu există locul cu identificatorul {focus!r}",
                           message_ru=f"нет места с идентификатором {focus!r}",
                           expected="the id of a location on /map")
        groups: dict[str, dict[str, Any]] = {}
        for p in found:
            groups.setdefault(p["type"], {"name": p["type_name"] or ui(lang)["other_places"],
                                          "places": []})["places"].append(p)
        return render(request, "map.html", lang=lang, heading=ui(lang)["map"], here="/map",
                      groups=list(groups.values()), focus=focus)

    return await answer(request, build)
