"""The hub described as a DCAT-AP 3.0.1 catalogue (https://semiceu.github.io/DCAT-AP/releases/
3.0.1/): what an EU harvester (data.europa.eu) reads at ``GET /catalog``.

- the catalogue (``<base>catalog``): titles and descriptions in ro/en/ru, its publisher (the
  hub's operator), languages, homepage, modified, and a catalogue record for each entry;
- datasets: the whole published catalogue (distributions: the dumps in N-Quads, TriG and
  Turtle), one per record kind that has published records (the nomenclature of services,
  organisations, legal acts, locations, and any kind added later, assets included;
  distribution: its REST listing, or the graph store), and one per code list (distribution:
  the code list's own IRI, in Turtle);
- data services: the SPARQL endpoint, the Graph Store Protocol (read side) and the REST API.

Every resource it points to is typed with the class the DCAT-AP shapes expect (a language is a
``dct:LinguisticSystem`` in the EU language table, a format a ``dct:MediaTypeOrExtent`` in the
EU file-type table), so that the description conforms to the official modular shapes alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin

import pyoxigraph as ox

from catalog import rdfio
from catalog.ledger import Ledger
from catalog.namespaces import (
    DCAT,
    DCT,
    EU_AUTHORITY,
    FOAF,
    IANA_MEDIA,
    RDF_TYPE,
    SKOS,
    XSD,
)
from catalog.records.kinds import Kinds

Texts = Mapping[str, str]

_LANGS = {"ro": "RON", "en": "ENG", "ru": "RUS"}
#: the English labels of the EU authority-table concepts used (a skos:Concept has a label)
_LABELS = {"language/RON": "Romanian", "language/ENG": "English", "language/RUS": "Russian",
           "file-type/RDF_N_QUADS": "RDF N-Quads", "file-type/RDF_TRIG": "RDF TriG",
           "file-type/RDF_TURTLE": "RDF Turtle", "file-type/JSON": "JSON"}
#: dump format -> (media type, EU file type)
_DUMPS = {"nquads": ("application/n-quads", "RDF_N_QUADS"),
          "trig": ("application/trig", "RDF_TRIG"),
          "turtle": ("text/turtle", "RDF_TURTLE")}
_STANDARDS = {"sparql": "https://www.w3.org/TR/sparql11-protocol/",
              "graph-store": "https://www.w3.org/TR/sparql11-http-rdf-update/",
              "rest": "https://spec.openapis.org/oas/v3.1.0",
              "soap": "https://www.w3.org/TR/2001/NOTE-wsdl-20010315"}
_CATALOG_TEXTS = {
    "title": {"ro": "semcat: catalogul național semantic și al serviciilor publice",
              "en": "semcat: the national semantic catalogue of public services",
              "ru": "semcat: национальный семантический каталог государственных услуг"},
    "description": {
        "ro": "Pașapoartele serviciilor publice (CPSV-AP 3.2.0), organizațiile, actele "
              "normative, locațiile și nomenclatoarele, publicate de instituții și servite "
              "prin SPARQL, API REST și descărcări complete.",
        "en": "The passports of public services (CPSV-AP 3.2.0), the organisations, legal "
              "acts, locations and code lists, published by the institutions and served by "
              "SPARQL, a REST API and full dumps.",
        "ru": "Паспорта государственных услуг (CPSV-AP 3.2.0), организации, нормативные "
              "акты, места и справочники, публикуемые учреждениями и доступные через SPARQL, "
              "REST API и полные выгрузки."},
}
_ALL = {"ro": "Tot catalogul publicat", "en": "The whole published catalogue",
        "ru": "Весь опубликованный каталог"}
_ALL_TEXT = {"ro": "Fiecare înregistrare publicată, un graf numit pentru fiecare.",
             "en": "Every published record, one named graph each.",
             "ru": "Каждая опубликованная запись, по именованному графу на запись."}
_KIND_TEXT = {"ro": "Înregistrările publicate de tipul: {label} ({count}).",
              "en": "The published records of kind: {label} ({count}).",
              "ru": "Опубликованные записи типа «{label}» ({count})."}
_CODELIST_TEXT = {"ro": "Nomenclatorul {title} (SKOS), cu conceptele sale.",
                  "en": "The code list {title} (SKOS), with its concepts.",
                  "ru": "Справочник {title} (SKOS) с его понятиями."}
_SERVICES = {
    "sparql": ({"ro": "Punct de acces SPARQL 1.1", "en": "SPARQL 1.1 endpoint",
                "ru": "Точка доступа SPARQL 1.1"}, "sparql", "sparql"),
    "graph-store": ({"ro": "Depozit de grafuri (SPARQL 1.1 Graph Store, citire)",
                     "en": "Graph store (SPARQL 1.1 Graph Store Protocol, read only)",
                     "ru": "Хранилище графов (SPARQL 1.1 Graph Store, чтение)"},
                    "graph-store", "sparql"),
    "rest": ({"ro": "API REST", "en": "REST API", "ru": "REST API"}, "api/v1",
             "openapi.json"),
    "soap": ({"ro": "Serviciu SOAP al nomenclatorului (pentru registre și sisteme vechi)",
              "en": "SOAP service of the nomenclature (for registries and legacy systems)",
              "ru": "SOAP-сервис номенклатуры (для регистров и старых систем)"},
             "soap/nomenclature", "soap/nomenclature?wsdl"),
}


@dataclass(frozen=True)
class Agent:
    """The publisher of the catalogue: an IRI and its name by language."""

    iri: str
    name: Texts


class _Graph:
    def __init__(self) -> None:
        self.triples: list[ox.Triple] = []

    def add(self, s: str, p: str, o: str | ox.Literal) -> None:
        obj = o if isinstance(o, ox.Literal) else ox.NamedNode(o)
        self.triples.append(ox.Triple(ox.NamedNode(s), ox.NamedNode(p), obj))

    def a(self, s: str, *classes: str) -> None:
        for c in classes:
            self.add(s, RDF_TYPE, c)

    def texts(self, s: str, p: str, texts: Texts) -> None:
        for lang, text in sorted(texts.items()):
            self.add(s, p, ox.Literal(text, language=lang))

    def concept(self, iri: str, scheme: str, cls: str) -> None:
        self.a(iri, cls, SKOS + "Concept")
        self.add(iri, SKOS + "inScheme", scheme)
        self.add(iri, SKOS + "prefLabel", ox.Literal(_LABELS[iri.removeprefix(EU_AUTHORITY)],
                                                      language="en"))


def _when(at: datetime | None) -> ox.Literal:
    moment = (at or datetime(1970, 1, 1)).replace(microsecond=0, tzinfo=None)
    return ox.Literal(moment.isoformat(), datatype=ox.NamedNode(XSD + "dateTime"))


def _title(iri: str, content: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for t in rdfio.parse_canonical(content):
        if t.subject == ox.NamedNode(iri) and isinstance(t.object, ox.Literal) \
                and t.predicate.value in (DCT + "title", SKOS + "prefLabel") \
                and t.object.language in _LANGS:
            out.setdefault(t.object.language, t.object.value)
    return out or {"en": iri.rsplit("/", 1)[-1]}


class _Builder:
    def __init__(self, base: str, publisher: Agent, modified: ox.Literal) -> None:
        self.g, self.base, self.modified = _Graph(), base, modified
        self.catalog = base + "catalog"
        self.publisher = publisher.iri
        g = self.g
        g.a(self.catalog, DCAT + "Catalog")
        g.texts(self.catalog, DCT + "title", _CATALOG_TEXTS["title"])
        g.texts(self.catalog, DCT + "description", _CATALOG_TEXTS["description"])
        g.add(self.catalog, DCT + "publisher", publisher.iri)
        g.add(self.catalog, DCT + "modified", modified)
        g.add(self.catalog, FOAF + "homepage", base)
        g.a(base, FOAF + "Document")
        g.a(publisher.iri, FOAF + "Agent")
        g.texts(publisher.iri, FOAF + "name", publisher.name)
        for code in _LANGS.values():
            lang = EU_AUTHORITY + "language/" + code
            g.add(self.catalog, DCT + "language", lang)
            g.concept(lang, EU_AUTHORITY + "language", DCT + "LinguisticSystem")

    def url(self, path: str) -> str:
        return urljoin(self.base, "/" + path)

    def record(self, topic: str, modified: ox.Literal | None = None) -> None:
        rec = self.base + "catalog/record/" + topic.removeprefix(self.base).replace("#", "/")
        self.g.a(rec, DCAT + "CatalogRecord")
        self.g.add(rec, FOAF + "primaryTopic", topic)
        self.g.add(rec, DCT + "modified", modified or self.modified)
        self.g.add(self.catalog, DCAT + "record", rec)

    def dataset(self, iri: str, title: Texts, description: Texts,
                modified: ox.Literal | None = None) -> None:
        g = self.g
        g.a(iri, DCAT + "Dataset")
        g.texts(iri, DCT + "title", title)
        g.texts(iri, DCT + "description", description)
        g.add(iri, DCT + "publisher", self.publisher)
        g.add(iri, DCT + "modified", modified or self.modified)
        g.add(self.catalog, DCAT + "dataset", iri)
        self.record(iri, modified)

    def distribution(self, dataset: str, iri: str, access: str, media: str,
                     file_type: str | None, download: str | None = None,
                     service: str | None = None) -> None:
        g = self.g
        g.a(iri, DCAT + "Distribution")
        g.add(dataset, DCAT + "distribution", iri)
        g.add(iri, DCAT + "accessURL", access)
        if download:
            g.add(iri, DCAT + "downloadURL", download)
        mt = IANA_MEDIA + media
        g.add(iri, DCAT + "mediaType", mt)
        g.a(mt, DCT + "MediaType", DCT + "MediaTypeOrExtent")
        if file_type:
            ft = EU_AUTHORITY + "file-type/" + file_type
            g.add(iri, DCT + "format", ft)
            g.concept(ft, EU_AUTHORITY + "file-type", DCT + "MediaTypeOrExtent")
        if service:
            g.add(iri, DCAT + "accessService", service)

    def service(self, key: str) -> str:
        title, path, description = _SERVICES[key]
        iri, g = self.url(path), self.g
        g.a(iri, DCAT + "DataService")
        g.texts(iri, DCT + "title", title)
        g.add(iri, DCAT + "endpointURL", iri)
        g.add(iri, DCAT + "endpointDescription", self.url(description))
        g.add(iri, DCT + "conformsTo", _STANDARDS[key])
        g.a(_STANDARDS[key], DCT + "Standard")
        g.add(iri, DCT + "publisher", self.publisher)
        g.add(self.catalog, DCAT + "service", iri)
        self.record(iri)
        return iri


def describe_catalogue(base: str, kinds: Kinds, ledger: Ledger, publisher: Agent,
                       listed: frozenset[str] = frozenset()) -> list[ox.Triple]:
    """The DCAT-AP 3.0.1 description of the hub under ``base`` (``SEMCAT_BASE_URI``);
    ``listed``: the REST paths of the kinds whose records the API lists (``services``), given
    by the delivery layer that serves them; the other kinds are distributed by the graph
    store."""
    b = _Builder(base, publisher, _when(ledger.last_change_at()))
    sparql, store, rest = b.service("sparql"), b.service("graph-store"), b.service("rest")
    soap = b.service("soap")
    whole = base + "catalog/dataset/all"
    b.dataset(whole, _ALL, _ALL_TEXT)
    for fmt, (media, file_type) in _DUMPS.items():
        dump = b.url(f"api/v1/dump?format={fmt}")
        b.distribution(whole, f"{whole}/dump/{fmt}", dump, media, file_type, download=dump)
    b.distribution(whole, f"{whole}/sparql", sparql, "application/sparql-results+json", None,
                   service=sparql)
    for svc in (sparql, store, rest):
        b.g.add(svc, DCAT + "servesDataset", whole)
    for kind in kinds:
        count = len(ledger.published_iris(kind.name))
        if count == 0:
            continue
        iri = f"{base}catalog/dataset/{kind.name}"
        b.dataset(iri, dict(kind.labels),
                  {lang: text.format(label=kind.labels.get(lang, kind.name), count=count)
                   for lang, text in _KIND_TEXT.items()})
        if kind.path in listed:
            listing = b.url(f"api/v1/{kind.path}")
            b.distribution(iri, f"{iri}/rest", listing, "application/json", "JSON",
                           service=rest)
        else:
            b.distribution(iri, f"{iri}/graph-store", store, "text/turtle", "RDF_TURTLE",
                           service=store)
        b.g.add(rest if kind.path in listed else store, DCAT + "servesDataset", iri)
        if kind.name == "service":  # the nomenclature, read over SOAP too
            b.g.add(soap, DCAT + "servesDataset", iri)
    for iri, content in sorted(ledger.published(kinds=["codelist"]).items()):
        title = _title(iri, content)
        versions = ledger.versions(iri)
        published = [v for v in versions if v.status == "published"]
        modified = _when(published[-1].created_at) if published else None
        dataset = f"{base}catalog/dataset/codelist/{iri.removeprefix(base + 'codelist/')}"
        b.dataset(dataset, title, {lang: _CODELIST_TEXT[lang].format(title=text)
                                   for lang, text in title.items() if lang in _CODELIST_TEXT},
                  modified)
        b.g.add(dataset, DCT + "identifier", ox.Literal(iri))
        b.distribution(dataset, dataset + "/turtle", iri, "text/turtle", "RDF_TURTLE",
                       download=iri + "?format=ttl")
    return b.g.triples


__all__ = ["Agent", "describe_catalogue"]
