"""The page of a registry data service (``id/data-service/{code}`` asked for by a browser):
what it serves, who serves it, its endpoint, the asset that describes it, the elements that
carry the registry's data and the public services whose evidence it supplies (once-only).

The same facts as data: ``GET /api/v1/data-services/{code}``; the IRI in any RDF format."""

from __future__ import annotations

from api.pages.assets import Links
from api.pages.labels import pick
from api.pages.render import LANGUAGE_NAMES, TEMPLATES
from catalog import gates
from catalog.core import Catalog
from catalog.errors import NotFound
from catalog.queries.browse import national_family
from catalog.queries.describe import Description, services_linking
from catalog.records.asset import Asset
from catalog.records.dataservice import DataService
from catalog.workflow.history import History

_UI: dict[str, dict[str, str]] = {
    "catalogue": {"ro": "Catalogul serviciilor publice", "en": "Public service catalogue",
                  "ru": "Каталог государственных услуг"},
    "language": {"ro": "Limba", "en": "Language", "ru": "Язык"},
    "formats": {"ro": "Alte formate", "en": "Other formats", "ru": "Другие форматы"},
    "kind": {"ro": "Serviciu de date", "en": "Data service", "ru": "Сервис данных"},
    "publisher": {"ro": "Furnizor", "en": "Provider", "ru": "Поставщик"},
    "registry": {"ro": "Registrul", "en": "Registry", "ru": "Реестр"},
    "endpoint": {"ro": "Punct de acces", "en": "Endpoint", "ru": "Точка доступа"},
    "described_by": {"ro": "Descris de", "en": "Described by", "ru": "Описан в"},
    "elements": {"ro": "Elementele furnizate", "en": "Elements provided",
                 "ru": "Предоставляемые элементы"},
    "services": {"ro": "Servicii publice care îl folosesc",
                 "en": "Public services that use it",
                 "ru": "Государственные услуги, которые его используют"},
}


def _asset(catalog: Catalog, iri: str, lang: str, links: Links) -> dict[str, str | None]:
    """The link to the describing asset, named by its title (its code when not published)."""
    kind = catalog.kinds["asset"]
    code = iri.rstrip("/").rsplit("/", 1)[-1]
    try:
        asset = History(catalog, catalog.settings.timezone, kind).read(code, None).model(kind)
    except NotFound:
        return links.of(iri)
    title = pick(asset.title, lang) if isinstance(asset, Asset) else None
    return {"href": links.href(iri), "text": title or code}


def data_service_page(catalog: Catalog, d: Description, lang: str, links: Links,
                      alternates: list[dict[str, str]]) -> str:
    """The page of the data service ``d`` describes (its published version)."""
    ui = {k: v.get(lang, v["ro"]) for k, v in _UI.items()}
    kind = catalog.kinds["dataservice"]
    ds = kind.mapping.from_triples(d.triples, d.iri) if kind.mapping else None
    assert isinstance(ds, DataService)
    described = ds.endpoint_description
    assert catalog.store is not None
    using = services_linking(catalog.store, d.iri,
                             national_family(catalog.settings.base_uri))
    return TEMPLATES.get_template("dataservice.html").render(
        lang=lang, ui=ui, languages=LANGUAGE_NAMES, home="/", alternates=alternates,
        heading=pick(ds.title, lang) or ds.code, iri=d.iri, ds=ds,
        description=pick(ds.description, lang), registry=pick(ds.registry, lang),
        publisher=links.of(ds.publisher),
        endpoint=ds.endpoint_url, endpoint_href=gates.safe_link(ds.endpoint_url or ""),
        described_by=_asset(catalog, described, lang, links) if described else None,
        elements=[{"href": links.href(e),
                   "path": e.removeprefix(described + "/") if described else e}
                  for e in ds.provides],
        services=[{"href": links.href(s.iri), "code": s.code,
                   "text": pick(s.title, lang) or s.code} for s in using])


__all__ = ["data_service_page"]
