"""The code-list pages, as Skosmos shows a vocabulary: ``/codelists`` (every code list),
``/codelists/{scheme}`` (a version's hierarchy or A-Z index, a search box, the versions) and
``/codelists/{scheme}/{concept}`` (labels ro/en/ru, definition, broader and narrower concepts,
mappings) and ``/codelists/{scheme}/diff/{old}/{new}`` (what changed between two versions:
concepts added, removed, deprecated, relabelled, moved). Server-rendered, escaped by Jinja, no
script (the pages' CSP allows none inline)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from api.pages.labels import language, pick, picked
from api.pages.render import LANGUAGE_NAMES, TEMPLATES
from api.routes.codelists import CodeListsDep
from catalog import gates
from catalog.codelists import CodeLists, Concept, Scheme
from catalog.codelists.diff import ConceptRef
from catalog.projections.search import check_query

router = APIRouter(tags=["pages"], include_in_schema=False)
_UI: dict[str, dict[str, str]] = {
    "catalogue": {"ro": "Catalogul serviciilor publice", "en": "Public service catalogue",
                  "ru": "Каталог государственных услуг"},
    "codelists": {"ro": "Nomenclatoare", "en": "Code lists", "ru": "Справочники"},
    "codelist": {"ro": "Nomenclator", "en": "Code list", "ru": "Справочник"},
    "concept": {"ro": "Concept", "en": "Concept", "ru": "Понятие"},
    "hierarchy": {"ro": "Ierarhie", "en": "Hierarchy", "ru": "Иерархия"},
    "az": {"ro": "A-Z", "en": "A-Z", "ru": "А-Я"},
    "all": {"ro": "toate", "en": "all", "ru": "все"},
    "search": {"ro": "Caută", "en": "Search", "ru": "Искать"},
    "search_label": {"ro": "Caută în nomenclator", "en": "Search the code list",
                     "ru": "Поиск в справочнике"},
    "results": {"ro": "Rezultate", "en": "Results", "ru": "Результаты"},
    "no_results": {"ro": "Niciun concept găsit.", "en": "No concept found.",
                   "ru": "Понятия не найдены."},
    "versions": {"ro": "Versiuni", "en": "Versions", "ru": "Версии"},
    "version": {"ro": "Versiunea", "en": "Version", "ru": "Версия"},
    "current": {"ro": "în vigoare", "en": "current", "ru": "действующая"},
    "concepts": {"ro": "concepte", "en": "concepts", "ru": "понятий"},
    "changes": {"ro": "modificări față de versiunea anterioară",
                "en": "changes from the version before", "ru": "изменения с прошлой версии"},
    "labels": {"ro": "Denumiri", "en": "Labels", "ru": "Названия"},
    "alt_labels": {"ro": "Alte denumiri", "en": "Other labels", "ru": "Другие названия"},
    "definition": {"ro": "Definiție", "en": "Definition", "ru": "Определение"},
    "notation": {"ro": "Cod", "en": "Notation", "ru": "Код"},
    "broader": {"ro": "Concepte generale", "en": "Broader concepts", "ru": "Более общие"},
    "narrower": {"ro": "Concepte specifice", "en": "Narrower concepts", "ru": "Более частные"},
    "mappings": {"ro": "Corespondențe", "en": "Mappings", "ru": "Соответствия"},
    "deprecated": {"ro": "scos din uz", "en": "deprecated", "ru": "устарело"},
    "replaced_by": {"ro": "Înlocuit de", "en": "Replaced by", "ru": "Заменено на"},
    "language": {"ro": "Limba", "en": "Language", "ru": "Язык"},
    "formats": {"ro": "Alte formate", "en": "Other formats", "ru": "Другие форматы"},
    "diff": {"ro": "Modificări între versiunile {old} și {new}",
             "en": "Changes between versions {old} and {new}",
             "ru": "Изменения между версиями {old} и {new}"},
    "no_changes": {"ro": "Nicio modificare între aceste versiuni.",
                   "en": "No change between these versions.",
                   "ru": "Между этими версиями изменений нет."},
    "added": {"ro": "Adăugate", "en": "Added", "ru": "Добавлены"},
    "removed": {"ro": "Eliminate", "en": "Removed", "ru": "Удалены"},
    "deprecated_list": {"ro": "Scoase din uz", "en": "Deprecated", "ru": "Устаревшие"},
    "relabelled": {"ro": "Redenumite", "en": "Relabelled", "ru": "Переименованы"},
    "moved": {"ro": "Mutate în ierarhie", "en": "Moved in the hierarchy",
              "ru": "Перемещены в иерархии"},
    "before": {"ro": "Înainte", "en": "Before", "ru": "До"},
    "after": {"ro": "După", "en": "After", "ru": "После"},
    "top_level": {"ro": "(nivelul de sus)", "en": "(top level)", "ru": "(верхний уровень)"},
    "lang_ro": {"ro": "română", "en": "Romanian", "ru": "румынский"},
    "lang_en": {"ro": "engleză", "en": "English", "ru": "английский"},
    "lang_ru": {"ro": "rusă", "en": "Russian", "ru": "русский"},
}
_RELATIONS = {"exactMatch": "skos:exactMatch", "closeMatch": "skos:closeMatch",
              "broadMatch": "skos:broadMatch", "narrowMatch": "skos:narrowMatch",
              "relatedMatch": "skos:relatedMatch"}


def _ui(lang: str) -> dict[str, str]:
    return {k: v.get(lang, v["ro"]) for k, v in _UI.items()}


def _render(name: str, request: Request, lang: str, heading: str, api: str,
            **values: Any) -> HTMLResponse:
    body = TEMPLATES.get_template(name).render(
        lang=lang, ui=_ui(lang), languages=LANGUAGE_NAMES, home="/", heading=heading,
        alternates=[{"media": "application/json", "href": api, "name": "JSON"}], **values)
    return HTMLResponse(body, headers={"Content-Language": lang,
                                       "Vary": "Accept-Language"})


def _link(slug: str, c: Concept, lang: str, version: int | None = None) -> dict[str, Any]:
    href = None
    if c.key is not None:
        href = f"/codelists/{slug}/{c.key}?lang={lang}" + (f"&version={version}"
                                                           if version else "")
    return {"href": href, "text": c.label(lang), "deprecated": c.deprecated,
            "notation": c.notation}


def _tree(slug: str, scheme: Scheme, lang: str, version: int | None) -> list[dict[str, Any]]:
    def node(c: Concept, seen: frozenset[str]) -> dict[str, Any]:
        kids = [k for k in scheme.sorted(scheme.children(c), lang) if k.iri not in seen]
        return {**_link(slug, c, lang, version),
                "children": [node(k, seen | {k.iri}) for k in kids]}
    return [node(c, frozenset({c.iri})) for c in scheme.sorted(scheme.top, lang)]


def _version(request: Request) -> int | None:
    raw = request.query_params.get("version", "")
    return int(raw) if raw.isdigit() and 0 < len(raw) < 10 else None


@router.get("/codelists", response_class=HTMLResponse)
async def codelists_page(request: Request, cl: CodeListsDep) -> HTMLResponse:
    lang = language(request)
    found = await run_in_threadpool(cl.schemes)
    rows = [{"href": f"/codelists/{s.slug}?lang={lang}", "text": pick(s.titles, lang) or s.slug,
             "concepts": s.concepts, "version_info": s.version_info} for s in found]
    return _render("codelists.html", request, lang, _ui(lang)["codelists"],
                   "/api/v1/codelists", schemes=rows)


@router.get("/codelists/{scheme}", response_class=HTMLResponse)
async def scheme_page(scheme: str, request: Request, cl: CodeListsDep) -> HTMLResponse:
    lang = language(request)
    asked = _version(request)
    view = "az" if request.query_params.get("view") == "az" else "hierarchy"
    letter = request.query_params.get("letter") or None
    q = request.query_params.get("q", "").strip()

    def read() -> dict[str, Any]:
        found, number = cl.scheme(scheme, asked)
        versions = cl.versions(scheme)
        pinned = asked if asked is not None else None
        out: dict[str, Any] = {
            "scheme": {"slug": scheme, "iri": found.iri,
                       "description": picked(found.descriptions, lang),
                       "version_info": found.version_info, "number": number,
                       "concepts": len(found.concepts)},
            "title": pick(found.titles, lang) or scheme, "view": view, "q": q,
            "versions": [{"number": v.number, "info": v.version_info, "current": v.current,
                          "status": v.status, "date": f"{v.published_at:%Y-%m-%d}",
                          "href": f"/codelists/{scheme}?lang={lang}&version={v.number}",
                          "shown": v.number == number} for v in reversed(versions)],
            "letters": [], "letter": None, "listed": [], "tree": [], "hits": None,
            "base": f"/codelists/{scheme}?lang={lang}"
                    + (f"&version={pinned}" if pinned else "")}
        if q:
            page = cl.search(scheme, check_query(q), limit=50)
            out["hits"] = [{**_link(scheme, found.concepts[h.iri], lang), "html": [
                x.html for x in h.highlights]} if h.iri in found.concepts else
                {"href": None, "text": pick(h.title, lang) or h.code, "html": []}
                for h in page.hits]
        elif view == "az":
            out["letters"] = cl.letters(found, lang)
            out["letter"] = letter
            out["listed"] = [_link(scheme, c, lang, pinned)
                             for c in cl.by_letter(found, lang, letter)]
        else:
            out["tree"] = _tree(scheme, found, lang, pinned)
        return out

    values = await run_in_threadpool(read)
    return _render("codelist.html", request, lang, values.pop("title"),
                   f"/api/v1/codelists/{scheme}", **values)


@router.get("/codelists/{scheme}/diff/{old}/{new}", response_class=HTMLResponse)
async def diff_page(scheme: str, old: Annotated[int, Path(ge=1, le=10**9)],
                    new: Annotated[int, Path(ge=1, le=10**9)], request: Request,
                    cl: CodeListsDep) -> HTMLResponse:
    """What changed between two published versions of a code list (as
    ``/api/v1/codelists/{scheme}/diff`` says it), each concept a link to its page in the
    version where it is found (a removed one in the older version)."""
    lang = language(request)

    def read() -> dict[str, Any]:
        before, _ = cl.scheme(scheme, old)
        after, _ = cl.scheme(scheme, new)
        d = cl.diff(scheme, old, new)

        def ref(c: ConceptRef, version: int) -> dict[str, Any]:
            href = (f"/codelists/{scheme}/{c.key}?lang={lang}&version={version}"
                    if c.key is not None else None)
            return {"href": href, "text": pick(c.labels, lang) or c.key or c.iri}

        def broader(iris: tuple[str, ...], where: Scheme, version: int) -> list[dict[str, Any]]:
            return [_link(scheme, where.concepts[i], lang, version) if i in where.concepts
                    else {"href": None, "text": i} for i in iris]

        return {
            "title": pick(after.titles, lang) or scheme,
            "scheme": {"slug": scheme, "iri": after.iri, "old": old, "new": new,
                       "href": f"/codelists/{scheme}?lang={lang}"},
            "empty": d.empty,
            "added": [ref(c, new) for c in d.added],
            "removed": [ref(c, old) for c in d.removed],
            "deprecated": [{**ref(x.concept, new), "replaced_by": [
                _target(cl, after, i, lang) for i in x.replaced_by]} for x in d.deprecated],
            "relabelled": [{**ref(x.concept, new), "labels": [
                {"lang": tag, "old": a, "new": b} for tag, (a, b) in x.labels.items()]}
                for x in d.relabelled],
            "moved": [{**ref(x.concept, new),
                       "before": broader(x.broader_before, before, old),
                       "after": broader(x.broader_after, after, new)} for x in d.moved]}

    values = await run_in_threadpool(read)
    title = values.pop("title")
    return _render("codelist_diff.html", request, lang,
                   _ui(lang)["diff"].format(old=old, new=new),
                   f"/api/v1/codelists/{scheme}/diff?from={old}&to={new}",
                   list_title=title, **values)


@router.get("/codelists/{scheme}/{concept}", response_class=HTMLResponse)
async def concept_page(scheme: str, concept: str, request: Request,
                       cl: CodeListsDep) -> HTMLResponse:
    lang = language(request)
    asked = _version(request)

    def read() -> dict[str, Any]:
        found, number, c = cl.concept(scheme, concept, asked)
        return {
            "title": c.label(lang),
            "concept": {"iri": c.iri, "notation": c.notation, "deprecated": c.deprecated,
                        "labels": [(tag, c.labels.get(tag)) for tag in ("ro", "en", "ru")],
                        "alt_labels": [(tag, ", ".join(v)) for tag, v in
                                       sorted(c.alt_labels.items())],
                        "definition": picked(c.definitions, lang),
                        "broader": [_link(scheme, b, lang, asked) for b in found.parents(c)],
                        "narrower": [_link(scheme, n, lang, asked)
                                     for n in found.sorted(found.children(c), lang)],
                        "replaced_by": [_target(cl, found, i, lang) for i in c.replaced_by],
                        "mappings": [{"relation": _RELATIONS[m.relation],
                                      **_target(cl, found, m.target, lang)}
                                     for m in c.mappings]},
            "scheme": {"slug": scheme, "title": pick(found.titles, lang) or scheme,
                       "number": number,
                       "href": f"/codelists/{scheme}?lang={lang}"
                               + (f"&version={asked}" if asked else "")}}

    values = await run_in_threadpool(read)
    return _render("codelist_concept.html", request, lang, values.pop("title"),
                   f"/api/v1/codelists/{scheme}/concepts/{concept}", **values)


def _target(cl: CodeLists, scheme: Scheme, iri: str, lang: str) -> dict[str, Any]:
    """A concept pointed to: within this scheme, a link to its page; our own IRI elsewhere,
    its page on this server; another http(s) IRI, itself; else text only."""
    if iri in scheme.concepts:
        return _link(cl.slug(scheme.iri) or "", scheme.concepts[iri], lang)
    base = cl.catalog.settings.base_uri
    label = pick(cl.catalog.label(iri), lang)
    if iri.startswith(base):
        path = urlsplit(base).path + iri[len(base):]
        return {"href": f"{path}?lang={lang}", "text": label or iri}
    return {"href": gates.safe_link(iri), "text": label or iri}


__all__ = ["router"]
