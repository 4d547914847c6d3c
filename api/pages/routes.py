"""Dereferencing: every IRI the catalogue mints under ``SEMCAT_BASE_URI`` answers, with HTML for
browsers and RDF for machines (content negotiation, ``Vary: Accept``; ``?format=`` overrides).

Absolute IRIs come from ``SEMCAT_BASE_URI``, never from the Host header.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api import conditional
from api.answers import Answer, cache_of
from api.deps import CatalogDep
from api.negotiation import NotAcceptable, choose
from api.pages.assets import asset_page
from api.pages.dataservice import data_service_page
from api.pages.labels import LANGUAGES, language, local_name, pick, property_labels
from api.pages.passport_words import duration, field_labels
from api.pages.render import LANGUAGE_NAMES, TEMPLATES
from api.representations import FORMAT_WORDS, RDF_ANSWERS, wants_expanded, write
from catalog import gates
from catalog.core import Catalog
from catalog.errors import NotFound
from catalog.queries.browse import national_family
from catalog.queries.describe import Description, describe, services_linking
from catalog.queries.gone import withdrawn
from catalog.records.builtin import LOCATION
from catalog.records.passport import Passport, from_triples
from catalog.records.template import effective
from catalog.settings import Settings

OFFERED = ["text/turtle", "text/html", "application/ld+json", "application/n-triples",
           "application/rdf+xml", *(m for m in RDF_ANSWERS if m not in (
               "text/turtle", "application/ld+json", "application/n-triples",
               "application/rdf+xml"))]
FORMATS = {"html": "text/html", **FORMAT_WORDS}
_NAMES = {"text/html": "HTML", "text/turtle": "Turtle", "application/ld+json": "JSON-LD",
          "application/n-triples": "N-Triples", "application/rdf+xml": "RDF/XML"}
_UI: dict[str, dict[str, str]] = {
    "catalogue": {"ro": "Catalogul serviciilor publice", "en": "Public service catalogue",
                  "ru": "Каталог государственных услуг"},
    "service": {"ro": "Serviciu public", "en": "Public service", "ru": "Государственная услуга"},
    "requirements": {"ro": "Cerințe", "en": "Requirements", "ru": "Требования"},
    "evidence": {"ro": "Documente necesare", "en": "Required documents",
                 "ru": "Необходимые документы"},
    "once_only": {"ro": "obținut de autoritate", "en": "obtained by the authority",
                  "ru": "запрашивается органом"},
    "costs": {"ro": "Cost", "en": "Cost", "ru": "Стоимость"},
    "outputs": {"ro": "Rezultat", "en": "Output", "ru": "Результат"},
    "channels": {"ro": "Cum și unde se solicită", "en": "How and where to apply",
                 "ru": "Как и где обратиться"},
    "apply_online": {"ro": "Solicitați online", "en": "Apply online", "ru": "Подать онлайн"},
    "on_map": {"ro": "pe hartă", "en": "on the map", "ru": "на карте"},
    "all_on_map": {"ro": "Toate locurile pe hartă", "en": "All the places on the map",
                   "ru": "Все места на карте"},
    "updated": {"ro": "Actualizat la", "en": "Last updated", "ru": "Обновлено"},
    "inherited": {"ro": "Din poziția nomenclatorului", "en": "From the nomenclature entry",
                  "ru": "Из позиции номенклатуры"},
    "locations": {"ro": "Locații", "en": "Locations", "ru": "Места"},
    "formats": {"ro": "Alte formate", "en": "Other formats", "ru": "Другие форматы"},
    "language": {"ro": "Limba", "en": "Language", "ru": "Язык"},
    "part_of": {"ro": "Parte din", "en": "Part of", "ru": "Часть"},
    "property": {"ro": "Proprietate", "en": "Property", "ru": "Свойство"},
    "value": {"ro": "Valoare", "en": "Value", "ru": "Значение"},
    "services": {"ro": "Servicii publice", "en": "Public services",
                 "ru": "Государственные услуги"},
    "missing": {"ro": "Resursă inexistentă", "en": "No such resource", "ru": "Ресурс не найден"},
    "missing_text": {"ro": "Catalogul nu descrie această adresă: poate a fost retrasă sau nu a "
                     "fost publicată încă.",
                     "en": "The catalogue does not describe this address: it may have been "
                     "withdrawn, or not published yet.",
                     "ru": "Каталог не описывает этот адрес: возможно, запись отозвана или ещё "
                     "не опубликована."},
    "last_version": {"ro": "Ultima versiune, înainte de retragere",
                     "en": "The last version, before it was withdrawn",
                     "ru": "Последняя версия до отзыва"},
}


def _ui(lang: str) -> dict[str, str]:
    return {k: v.get(lang, v["ro"]) for k, v in _UI.items()}


class _Links:
    """Text and link of a referenced IRI, in the page's language."""

    def __init__(self, catalog: Catalog, lang: str) -> None:
        self.catalog, self.lang = catalog, lang
        self.base = catalog.settings.base_uri
        self.base_path = urlsplit(self.base).path

    def href(self, iri: str) -> str | None:
        """Where a link to ``iri`` goes: this server's page for our own IRIs, the IRI itself
        for http(s), mailto and tel, nowhere for any other scheme (shown as text)."""
        if iri.startswith(self.base):  # our own IRIs link to this server's pages
            return f"{self.base_path}{iri[len(self.base):]}?lang={self.lang}"
        return gates.safe_link(iri)

    def of(self, iri: str) -> dict[str, str | None]:
        text = pick(self.catalog.label(iri) or property_labels().get(iri), self.lang)
        return {"href": self.href(iri), "text": text or local_name(iri)}


def _alternates(request: Request) -> list[dict[str, str]]:
    path = request.url.path
    return [{"media": m, "href": f"{path}?format={f}", "name": _NAMES[m]}
            for f, m in FORMATS.items() if m in _NAMES]


_IN_FORCE = {"ro": ("în vigoare", "nu mai este în vigoare din", "versiunea consolidată din"),
             "en": ("in force", "no longer in force since", "consolidated version of"),
             "ru": ("действует", "не действует с", "консолидированная редакция от")}


def _legal_links(catalog: Catalog, iri: str, cited: list[str], links: _Links, lang: str
                 ) -> list[dict[str, str | None]]:
    """The passport's legal bases, each with its status today: in force or since when not,
    and the consolidated version applicable (catalog.checks.legal)."""
    words = _IN_FORCE.get(lang, _IN_FORCE["en"])
    out: list[dict[str, str | None]] = []
    checks = catalog.checks_if_built()  # else built in the background, for the next view
    try:
        if checks is None:
            raise NotFound.of("checks.no_service", field="code", value=iri)
        statuses = checks.legal_basis(iri)
    except NotFound:  # not (yet) in the check projection: the links without their status
        return [{**links.of(i), "status": None} for i in cited]
    for s in statuses:
        status = None
        if s.known:
            status = words[0] if s.in_force else f"{words[1]} {s.no_longer_in_force or '?'}"
            version = next((v for v in s.versions if v["iri"] == s.version_in_force), None)
            if version is not None and s.in_force:
                status += f"; {words[2]} {version['from']}"
        out.append({**links.of(s.cited), "status": status})
    return out


def _passport_page(catalog: Catalog, d: Description, lang: str, request: Request) -> str:
    own: Passport = from_triples(d.triples, d.iri)
    entry = catalog.entry(own.code)  # what the passport leaves empty, its entry says
    p, inherited = effective(own, entry.template if entry else None)
    links = _Links(catalog, lang)

    def text(m: dict[str, str]) -> str | None:
        return pick(m, lang)

    def amount(value: float, currency: str) -> str:
        shown = f"{value:.2f}".rstrip("0").rstrip(".") if value else "0"
        return f"{shown} {local_name(currency)}"

    return TEMPLATES.get_template("passport.html").render(
        lang=lang, ui=_ui(lang), languages=LANGUAGE_NAMES, home="/",
        alternates=_alternates(request), heading=text(p.title) or p.code, p=p, iri=d.iri,
        description=text(p.description),
        labels=field_labels(lang),
        authority=links.of(p.competent_authority),
        legal=_legal_links(catalog, d.iri, p.legal_resources, links, lang),
        audiences=[links.of(i) for i in p.audiences],
        events=[links.of(i) for i in p.life_events],
        themes=[links.of(i) for i in p.thematic_areas],
        processing=duration(p.processing_time, lang) if p.processing_time else None,
        languages_served=[links.of(i)["text"] for i in p.languages],
        keywords=p.keywords.get(lang) or p.keywords.get("ro") or [],
        requirements=[{"title": text(r.title) or r.identifier, "description": text(r.description)}
                      for r in p.requirements],
        evidence=[{"title": text(e.title) or e.identifier, "description": text(e.description),
                   "once_only": e.obtained_by_authority, "registry": text(e.registry_source)}
                  for e in p.evidence],
        costs=[{"amount": amount(c.value, c.currency), "title": text(c.title),
                "description": text(c.description)} for c in p.costs],
        outputs=[{"title": text(o.title) or o.identifier, "description": text(o.description)}
                 for o in p.outputs],
        channels=[{"type": links.of(c.type)["text"], "kind": local_name(c.type),
                   "description": text(c.description), "url": gates.safe_link(c.url),
                   "locations": [{**links.of(x), **_on_map(catalog, x, p.code, lang)}
                                 for x in c.locations]}
                  for c in p.channels],
        updated=_updated(catalog, d.iri),
        inherited=inherited, entry=entry,
    )


def _on_map(catalog: Catalog, iri: str, code: str, lang: str) -> dict[str, str]:
    """The link of a one-stop shop (a location of ours) to its place on /map, which lists
    the service ``code`` there first."""
    slots = LOCATION.iris.parse(catalog.settings.base_uri, iri)
    if slots is None:
        return {}
    slug = slots["slug"]
    query = urlencode({"location": slug, "service": code, "lang": lang})
    return {"map": f"/map?{query}#loc-{slug}"}


def _updated(catalog: Catalog, iri: str) -> str | None:
    """The day the published version of a passport was written (the ledger's record)."""
    try:
        return catalog.ledger.version(iri).created_at.date().isoformat()
    except NotFound:
        return None


_NAMES_OF = ("http://purl.org/dc/terms/title", "http://www.w3.org/2004/02/skos/core#prefLabel",
             "http://data.europa.eu/eli/ontology#title", "http://www.w3.org/2000/01/rdf-schema#label")


def _own_name(d: Description) -> dict[str, str] | None:
    """The resource's name by language, from its own description (for each language, the
    first of title, preferred label, ELI title, label that has it)."""
    me = ox.NamedNode(d.iri)
    names: dict[str, str] = {}
    for predicate in _NAMES_OF:
        for t in d.triples:
            if t.subject == me and t.predicate.value == predicate \
                    and isinstance(t.object, ox.Literal):
                names.setdefault(t.object.language or "", t.object.value)
    return names or None


def _resource_page(catalog: Catalog, d: Description, lang: str, request: Request) -> str:
    links = _Links(catalog, lang)
    labels = property_labels()
    subject = [t for t in d.triples if t.subject == ox.NamedNode(d.iri)] or d.triples
    rows: dict[str, list[dict[str, Any]]] = {}
    for t in subject:
        values = rows.setdefault(t.predicate.value, [])
        o = t.object
        if isinstance(o, ox.Literal):
            values.append({"text": o.value, "lang": o.language})
        elif isinstance(o, ox.NamedNode):
            values.append(links.of(o.value))
        else:  # a blank node (an address, an identifier): its values in one line
            inner = [x.object.value for x in d.triples if x.subject == o
                     and isinstance(x.object, ox.Literal)]
            values.append({"text": "; ".join(inner)})
    heading = pick(_own_name(d), lang) or pick(catalog.label(d.iri), lang) or local_name(d.iri)
    ordered = sorted(rows.items(), key=lambda kv: (kv[0].endswith("#type") is False,
                                                    pick(labels.get(kv[0]), lang) or kv[0]))
    assert catalog.store is not None
    services = [{"code": s.code, "href": links.href(s.iri), "text": pick(s.title, lang) or s.code}
                for s in services_linking(catalog.store, d.iri,
                                                national_family(catalog.settings.base_uri))]
    return TEMPLATES.get_template("resource.html").render(
        lang=lang, ui=_ui(lang), languages=LANGUAGE_NAMES, home="/",
        alternates=_alternates(request), heading=heading, iri=d.iri, record=d.record,
        record_href=links.href(d.record), record_text=links.of(d.record)["text"],
        types=[links.of(t)["text"] for t in d.types],
        rows=[{"predicate": p, "label": pick(labels.get(p), lang) or local_name(p),
               "values": v} for p, v in ordered],
        services=services)


def _asset_page(catalog: Catalog, d: Description, lang: str, request: Request) -> str:
    return asset_page(catalog, d, lang, _Links(catalog, lang), _alternates(request))


def _data_service_page(catalog: Catalog, d: Description, lang: str, request: Request) -> str:
    return data_service_page(catalog, d, lang, _Links(catalog, lang), _alternates(request))


def _media(request: Request) -> str:
    fmt = request.query_params.get("format")
    if fmt:
        if fmt not in FORMATS:
            raise NotAcceptable.of("pages.format", field="format", value=fmt,
                                   expected=", ".join(FORMATS))
        return FORMATS[fmt]
    return choose(request, OFFERED)


#: the roots under ``SEMCAT_BASE_URI`` whose IRIs the hub dereferences
ROOTS = ("id", "codelist", "eli")


@dataclass(frozen=True)
class Asked:
    """What a request to dereference an IRI asks for: the IRI, the format, the language."""

    iri: str
    media: str
    lang: str
    expanded: bool
    day: str  # a page shows the legal status of a passport's bases on this day

    @classmethod
    def of(cls, request: Request, base_uri: str, prefix: str) -> Asked:
        """Raises :class:`NotAcceptable` for a format the hub does not write."""
        media = _media(request)
        return cls(base_uri + request.url.path[len(prefix) + 1:], media, language(request),
                   wants_expanded(request.headers.get("accept", "")),
                   date.today().isoformat() if media == "text/html" else "")

    @property
    def key(self) -> Hashable:
        """The answer cache's key (see :mod:`api.answers`)."""
        return ("page", self.iri, self.media, self.lang, self.expanded, self.day)


def _complete(catalog: Catalog, generation: int, watermark: int) -> bool:
    """Whether what a page is made of has reached ``generation`` (the ledger's head read
    before): the store, and the reference index its labels come from."""
    return watermark >= generation and catalog.reference_data.watermark() >= generation


def build_router(settings: Settings) -> APIRouter:
    """Routes for the paths of ``SEMCAT_BASE_URI`` under which the catalogue mints IRIs."""
    router = APIRouter(tags=["linked data"])
    prefix = urlsplit(settings.base_uri).path.rstrip("/")

    async def dereference(path: str, request: Request, catalog: CatalogDep) -> Response:
        asked = Asked.of(request, catalog.settings.base_uri, prefix)
        iri, media, lang, expanded = asked.iri, asked.media, asked.lang, asked.expanded
        assert catalog.store is not None
        store = catalog.store

        def marks() -> tuple[int, int, bool]:  # the head first: see api.answers
            generation, checks = catalog.head.read(), catalog.checks_built
            return generation, store.watermark(), checks

        generation, watermark, checks = await run_in_threadpool(marks)
        etag = conditional.etag_for(watermark, iri, media, lang, expanded,
                                    *((asked.day,) if asked.day else ()))
        headers = conditional.headers(etag, None)
        headers["Vary"] = "Accept, Accept-Language"
        if conditional.not_modified(request, etag, None):
            return Response(status_code=304, headers=headers)
        try:
            found = await run_in_threadpool(describe, store, iri, catalog.kinds)
        except NotFound:
            gone = await run_in_threadpool(withdrawn, catalog.ledger, catalog.kinds,
                                           catalog.settings.base_uri, iri)
            if media != "text/html":
                if gone is not None:
                    raise gone.error() from None
                raise
            more = {"Link": f'<{gone.link}>; rel="latest-version"'} if gone and gone.link \
                else {}
            ui = _ui(lang)
            missing = TEMPLATES.get_template("missing.html").render(
                lang=lang, ui=ui, languages=LANGUAGE_NAMES, home="/", alternates=[],
                heading=ui["missing"], iri=iri, last_version=gone.link if gone else None)
            return Response(missing.encode(), status_code=410 if gone else 404,
                            media_type="text/html; charset=utf-8",
                            headers={"Vary": "Accept, Accept-Language", "Content-Language": lang,
                                     **more})
        complete = _complete(catalog, generation, watermark)
        if media == "text/html":
            page = _passport_page if found.kind == "service" and found.record == iri \
                else _asset_page if found.kind == "asset" and found.record == iri \
                else _data_service_page if found.kind == "dataservice" and found.record == iri \
                else _resource_page
            # a passport's page made before the checks were built shows no legal status
            complete = complete and (checks or page is not _passport_page)
            body = (await run_in_threadpool(page, catalog, found, lang, request)).encode()
            headers["Content-Language"] = lang
            media = "text/html; charset=utf-8"
        else:
            body = await run_in_threadpool(lambda: write(found.triples, media, found.record,
                                                         expanded=expanded))
        if complete:
            cache_of(request).put(asked.key, generation, Answer.of(body, media, headers))
        return Response(body, media_type=media, headers=headers)

    for root in ROOTS:
        router.add_api_route(f"{prefix}/{root}/{{path:path}}", dereference,
                             methods=["HEAD"], include_in_schema=False)
        router.add_api_route(f"{prefix}/{root}/{{path:path}}", dereference,
                             methods=["GET"],
                             summary=f"Dereference a catalogue IRI under {root}/ (HTML or RDF)",
                             responses={200: {"content": {m: {} for m in OFFERED}}})
    return router


__all__ = ["LANGUAGES", "ROOTS", "Asked", "build_router"]
