"""``/docs``: the API's documentation (Swagger UI over ``/openapi.json``), served by the hub
itself: swagger-ui-bundle.js and swagger-ui.css from npm (``/static/lib``, web/build.mjs) and the
start in web/src/docs.js, so the page needs no CDN and runs under the Content-Security-Policy
of every page (no inline script). FastAPI's own /docs and /redoc are switched off
(:func:`api.app.create_app`)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.pages.labels import language
from api.pages.render import LANGUAGE_NAMES, TEMPLATES

_UI: dict[str, dict[str, str]] = {
    "catalogue": {"ro": "Catalogul serviciilor publice", "en": "Public service catalogue",
                  "ru": "Каталог государственных услуг"},
    "language": {"ro": "Limba", "en": "Language", "ru": "Язык"},
    "formats": {"ro": "Alte formate", "en": "Other formats", "ru": "Другие форматы"},
    "heading": {"ro": "Documentația API", "en": "API documentation",
                "ru": "Документация API"},
    "intro": {"ro": "Operațiile API-ului REST, descrise de OpenAPI; documentația este în "
              "engleză.",
              "en": "The operations of the REST API, as described by OpenAPI.",
              "ru": "Операции REST API, описанные в OpenAPI; документация на английском."},
    "noscript": {"ro": "Pagina interactivă cere JavaScript; descrierea completă este în",
                 "en": "The interactive page needs JavaScript; the whole description is in",
                 "ru": "Интерактивной странице нужен JavaScript; полное описание — в"},
}

router = APIRouter()


@router.get("/docs", include_in_schema=False, response_class=HTMLResponse)
def docs(request: Request) -> HTMLResponse:
    lang = language(request)
    ui = {k: v.get(lang, v["ro"]) for k, v in _UI.items()}
    return HTMLResponse(TEMPLATES.get_template("docs.html").render(
        lang=lang, ui=ui, languages=LANGUAGE_NAMES, home="/", here="/docs",
        alternates=[{"media": "application/vnd.oai.openapi+json", "href": "/openapi.json",
                     "name": "OpenAPI"}],
        heading=ui["heading"], openapi=request.app.openapi_url or "/openapi.json"),
        headers={"Content-Language": lang})
