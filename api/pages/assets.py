"""The page of a semantic asset (``id/asset/{code}`` asked for by a browser): title, type,
publisher, status, its versions (with the element diffs between them), its files (download
links), operations and elements when harvested, the elements' reviewed mappings to the EU Core
Vocabularies, and the data services it describes with the public services that use them.

The same facts as data: ``GET /api/v1/assets/{code}`` (and ``/versions``, ``/files/{name}``,
``/elements/diff``), ``GET /api/v1/mappings/...``; the IRI itself in any RDF format."""

from __future__ import annotations

from typing import Protocol
from urllib.parse import quote

from api.pages.labels import LANGUAGES, local_name, pick
from api.pages.render import LANGUAGE_NAMES, TEMPLATES
from catalog.core import Catalog
from catalog.mappings import MappingSets
from catalog.queries import load as named_query
from catalog.queries.browse import national_family
from catalog.queries.describe import Description, services_linking
from catalog.records.asset import ASSET_STATUS, ASSET_TYPE, Asset
from catalog.workflow.history import History

#: the elements a page lists at most (a definition may have 50,000)
MAX_ELEMENTS = 1000

_UI: dict[str, dict[str, str]] = {
    "catalogue": {"ro": "Catalogul serviciilor publice", "en": "Public service catalogue",
                  "ru": "Каталог государственных услуг"},
    "language": {"ro": "Limba", "en": "Language", "ru": "Язык"},
    "formats": {"ro": "Alte formate", "en": "Other formats", "ru": "Другие форматы"},
    "asset": {"ro": "Activ semantic", "en": "Semantic asset", "ru": "Семантический актив"},
    "type": {"ro": "Tip", "en": "Type", "ru": "Тип"},
    "publisher": {"ro": "Editor", "en": "Publisher", "ru": "Издатель"},
    "status": {"ro": "Stare", "en": "Status", "ru": "Статус"},
    "version_info": {"ro": "Versiunea", "en": "Version", "ru": "Версия"},
    "license": {"ro": "Licență", "en": "Licence", "ru": "Лицензия"},
    "keywords": {"ro": "Cuvinte-cheie", "en": "Keywords", "ru": "Ключевые слова"},
    "issued": {"ro": "Emis", "en": "Issued", "ru": "Выпущен"},
    "modified": {"ro": "Modificat", "en": "Modified", "ru": "Изменён"},
    "versions": {"ro": "Versiuni", "en": "Versions", "ru": "Версии"},
    "number": {"ro": "Nr.", "en": "No.", "ru": "№"},
    "published": {"ro": "Publicată", "en": "Published", "ru": "Опубликована"},
    "changes": {"ro": "Schimbările elementelor", "en": "Element changes",
                "ru": "Изменения элементов"},
    "from_previous": {"ro": "față de versiunea", "en": "from version", "ru": "от версии"},
    "files": {"ro": "Fișiere", "en": "Files", "ru": "Файлы"},
    "file": {"ro": "Fișier", "en": "File", "ru": "Файл"},
    "media_type": {"ro": "Tip media", "en": "Media type", "ru": "Тип данных"},
    "size": {"ro": "Mărime (octeți)", "en": "Size (bytes)", "ru": "Размер (байт)"},
    "operations": {"ro": "Operații", "en": "Operations", "ru": "Операции"},
    "input": {"ro": "Intrare", "en": "Input", "ru": "Вход"},
    "output": {"ro": "Ieșire", "en": "Output", "ru": "Выход"},
    "elements": {"ro": "Elemente", "en": "Elements", "ru": "Элементы"},
    "path": {"ro": "Cale", "en": "Path", "ru": "Путь"},
    "datatype": {"ro": "Tip de date", "en": "Datatype", "ru": "Тип данных"},
    "occurs": {"ro": "Apariții", "en": "Occurs", "ru": "Повторения"},
    "documentation": {"ro": "Descriere", "en": "Description", "ru": "Описание"},
    "more_elements": {"ro": "Elementele următoare sunt în", "en": "The further elements are in",
                      "ru": "Остальные элементы — в"},
    "mappings": {"ro": "Corespondențe cu vocabularele de bază UE",
                 "en": "Mappings to the EU Core Vocabularies",
                 "ru": "Соответствия базовым словарям ЕС"},
    "element": {"ro": "Element", "en": "Element", "ru": "Элемент"},
    "relation": {"ro": "Relație", "en": "Relation", "ru": "Отношение"},
    "term": {"ro": "Termen", "en": "Term", "ru": "Термин"},
    "no_mappings": {"ro": "Nicio corespondență confirmată încă.",
                    "en": "No confirmed mapping yet.",
                    "ru": "Подтверждённых соответствий пока нет."},
    "data_services": {"ro": "Servicii de date descrise", "en": "Data services it describes",
                      "ru": "Описываемые сервисы данных"},
    "endpoint": {"ro": "Punct de acces", "en": "Endpoint", "ru": "Точка доступа"},
    "used_by": {"ro": "Folosit de", "en": "Used by", "ru": "Используется"},
    "services": {"ro": "Servicii publice", "en": "Public services",
                 "ru": "Государственные услуги"},
}
_TYPES: dict[str, dict[str, str]] = {
    "Schema": {"ro": "Schemă", "en": "Schema", "ru": "Схема"},
    "CodeList": {"ro": "Nomenclator", "en": "Code list", "ru": "Справочник"},
    "Ontology": {"ro": "Ontologie", "en": "Ontology", "ru": "Онтология"},
    "DomainModel": {"ro": "Model de domeniu", "en": "Domain model", "ru": "Модель предметной "
                    "области"},
    "Mapping": {"ro": "Corespondență", "en": "Mapping", "ru": "Сопоставление"},
    "ServiceDescription": {"ro": "Descriere de serviciu", "en": "Service description",
                           "ru": "Описание сервиса"},
}
_STATUSES: dict[str, dict[str, str]] = {
    "Completed": {"ro": "Finalizat", "en": "Completed", "ru": "Завершён"},
    "UnderDevelopment": {"ro": "În dezvoltare", "en": "Under development",
                         "ru": "В разработке"},
    "Deprecated": {"ro": "Depreciat", "en": "Deprecated", "ru": "Устарел"},
    "Withdrawn": {"ro": "Retras", "en": "Withdrawn", "ru": "Отозван"},
}

#: a version's state in the catalogue's workflow (the ledger's status)
_WORKFLOW: dict[str, dict[str, str]] = {
    "draft": {"ro": "ciornă", "en": "draft", "ru": "черновик"},
    "submitted": {"ro": "trimisă spre aprobare", "en": "submitted", "ru": "на рассмотрении"},
    "published": {"ro": "publicată", "en": "published", "ru": "опубликована"},
    "superseded": {"ro": "înlocuită", "en": "superseded", "ru": "заменена"},
    "withdrawn": {"ro": "retrasă", "en": "withdrawn", "ru": "отозвана"},
    "rejected": {"ro": "respinsă", "en": "rejected", "ru": "отклонена"},
}


class Links(Protocol):
    """How the page links a referenced IRI (api.pages.routes._Links)."""

    def href(self, iri: str) -> str | None: ...

    def of(self, iri: str) -> dict[str, str | None]: ...


def _word(words: dict[str, dict[str, str]], iri: str | None, prefix: str, lang: str
          ) -> str | None:
    if not iri:
        return None
    name = iri.removeprefix(prefix)
    return words[name][lang] if name in words else local_name(iri)


def _occurs(low: int, high: int | None) -> str:
    return f"{low}..{'*' if high is None else high}"


def _data_services(catalog: Catalog, iri: str, links: Links, lang: str
                   ) -> list[dict[str, object]]:
    assert catalog.store is not None
    rows = catalog.store.run(named_query("data_services_of_asset").bind(asset=iri))
    out: list[dict[str, object]] = []
    for r in rows:
        service = r["service"].value
        titles = {lang_: r[f"title_{lang_}"].value for lang_ in LANGUAGES
                  if f"title_{lang_}" in r}
        using = services_linking(catalog.store, service,
                                 national_family(catalog.settings.base_uri))
        out.append({"href": links.href(service), "text": pick(titles, lang) or r["code"].value,
                    "code": r["code"].value,
                    "publisher": links.of(r["publisher"].value) if "publisher" in r else None,
                    "endpoint": r["endpoint"].value if "endpoint" in r else None,
                    "services": [{"href": links.href(s.iri), "code": s.code,
                                  "text": pick(s.title, lang) or s.code} for s in using]})
    return out


def asset_page(catalog: Catalog, d: Description, lang: str, links: Links,
               alternates: list[dict[str, str]]) -> str:
    """The page of the asset ``d`` describes (its published version)."""
    ui = {k: v.get(lang, v["ro"]) for k, v in _UI.items()}
    kind = catalog.kinds["asset"]
    history = History(catalog, catalog.settings.timezone, kind)
    code = d.iri.rstrip("/").rsplit("/", 1)[-1]
    view = history.read(code, None)
    asset = view.model(kind)
    assert isinstance(asset, Asset)
    api = f"/api/v1/assets/{quote(asset.code)}"
    versions = [{"number": v.number,
                 "status": _WORKFLOW[v.status][lang] if v.status in _WORKFLOW else v.status,
                 "published": v.published_at.date().isoformat() if v.published_at else None,
                 "json": f"{api}?version={v.number}",
                 "diff": f"{api}/elements/diff?from={v.number - 1}&to={v.number}"
                 if v.number > 1 else None}
                for v in history.versions(code, None)]
    element_iri = {f"{d.iri}/{e.path}": e for e in asset.elements}
    mappings = []
    for m in MappingSets(catalog).decisions(code):
        if m.confirmed:
            e = element_iri.get(m.element)
            mappings.append({"element": m.element_label or (e.name if e else m.element),
                             "path": e.path if e else "", "relation": f"skos:{m.relation}",
                             "term": m.term, "term_text": local_name(m.term),
                             "term_href": links.href(m.term)})
    return TEMPLATES.get_template("asset.html").render(
        lang=lang, ui=ui, languages=LANGUAGE_NAMES, home="/", alternates=alternates,
        heading=pick(asset.title, lang) or asset.code, iri=d.iri, asset=asset,
        description=pick(asset.description, lang),
        keywords=asset.keywords.get(lang) or asset.keywords.get("en") or [],
        type_text=_word(_TYPES, asset.type, ASSET_TYPE, lang),
        status_text=_word(_STATUSES, asset.asset_status, ASSET_STATUS, lang),
        publisher=links.of(asset.publisher),
        license=links.href(asset.license) if asset.license else None,
        versions=versions,
        files=[{"name": f.name, "media_type": f.media_type, "size": f.byte_size,
                "sha256": f.sha256, "href": f"{api}/files/{quote(f.name)}"}
               for f in asset.distributions],
        operations=[{"name": o.name, "input": ", ".join(o.input), "output": ", ".join(o.output),
                     "target": " ".join(x for x in (o.method, o.target) if x),
                     "documentation": o.documentation} for o in asset.operations],
        elements=[{"path": e.path, "name": e.name, "datatype": e.datatype or "",
                   "occurs": _occurs(e.min_occurs, e.max_occurs),
                   "documentation": e.documentation or ""}
                  for e in asset.elements[:MAX_ELEMENTS]],
        more_elements=len(asset.elements) > MAX_ELEMENTS, api=api,
        mappings=mappings, used_by=[links.of(i) for i in asset.used_by],
        data_services=_data_services(catalog, d.iri, links, lang))


__all__ = ["MAX_ELEMENTS", "asset_page"]
