"""Browsing the published catalogue: services by facet, life and business events, public
organisations and service delivery locations (one-stop shops, consular offices).

Named SPARQL over the quad store (catalog/queries/*.rq), each value bound to a declared
parameter (checked by :meth:`catalog.queries.NamedQuery.bind`), never spliced into a query.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, fields
from typing import Any

import pyoxigraph as ox

from catalog.errors import InvalidInput, NotFound
from catalog.namespaces import EU_AUTHORITY
from catalog.queries import NamedQuery
from catalog.queries import load as named_query
from catalog.records.builtin import CODELIST, LOCATION, SERVICE
from catalog.records.ids import CONCEPTS
from catalog.store import QuadStore

_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,80}")
_CODE = re.compile(r"[A-Z][A-Z0-9]{1,31}")
_LANG_CODES = {"ro": "RON", "en": "ENG", "ru": "RUS", "uk": "UKR", "bg": "BUL", "fr": "FRA",
               "de": "DEU", "it": "ITA", "tr": "TUR", "gag": "GAG"}
#: facet -> the code list its short values are concepts of (None: a location's slug)
_SCHEMES = {"life_event": "life-event", "business_event": "business-event",
            "channel_type": "channel-type", "thematic_area": "thematic-area", "location": None}


#: the largest page: service_list.rq answers at most this many rows and one more
MAX_PAGE = 500


@dataclass(frozen=True)
class ServiceFilter:
    """Facets a service list is filtered by, each an IRI (or None); each is the parameter of
    the same name of service_list.rq and service_count.rq."""

    authority: str | None = None
    life_event: str | None = None
    business_event: str | None = None
    channel_type: str | None = None
    location: str | None = None
    thematic_area: str | None = None
    language: str | None = None

    def items(self) -> list[tuple[str, str]]:
        return [(f.name, v) for f in fields(self) if (v := getattr(self, f.name)) is not None]


@dataclass(frozen=True)
class ServiceItem:
    code: str
    iri: str
    title: dict[str, str]
    authority: str

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "iri": self.iri, "title": self.title,
                "competent_authority": self.authority,
                "href": f"/api/v1/services/{self.code}"}


@dataclass(frozen=True)
class ServicePage:
    items: list[ServiceItem]
    total: int
    next_cursor: str | None


def national_family(base_uri: str) -> str:
    """Where national passports' IRIs live (``{base}id/service/``): the ``?family`` of the
    service lists and counts."""
    return base_uri + SERVICE.iris.root


def _check_iri(iri: str, field: str) -> None:
    """Refuse a facet value that is no IRI, with the facet's name (bind would say the same
    with the query's name)."""
    try:
        ox.NamedNode(iri)
    except ValueError as exc:
        raise InvalidInput(f"{field}: {iri!r} is not an IRI", field=field, value=iri,
                           message_ro=f"{field}: {iri!r} nu este un IRI",
                           expected="an IRI or a short code") from exc


def encode_cursor(code: str) -> str:
    return base64.urlsafe_b64encode(code.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        code = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except ValueError as exc:
        raise InvalidInput("the cursor is not one this API gave", field="cursor",
                           message_ro="cursorul nu provine de la acest API", value=cursor,
                           expected="the `next` cursor of the previous page") from exc
    if not re.fullmatch(r"[A-Z][A-Z0-9]{1,9}-[0-9]{4,6}", code):
        raise InvalidInput("the cursor is not one this API gave", field="cursor",
                           message_ro="cursorul nu provine de la acest API", value=cursor,
                           expected="the `next` cursor of the previous page")
    return code


def _langs(row: dict[str, Any], prefix: str) -> dict[str, str]:
    return {lang: row[f"{prefix}_{lang}"].value for lang in ("ro", "en", "ru")
            if f"{prefix}_{lang}" in row}


class Browse:
    """Read-only views of the published catalogue, from the quad store."""

    def __init__(self, store: QuadStore, base_uri: str, institutions: dict[str, str]) -> None:
        self.store = store
        self.base = base_uri
        self.institutions = institutions  # code -> organisation IRI
        #: the national passports' IRIs: every list and count here is of those alone (a
        #: harvested service, another country's record, has the same class but not these IRIs)
        self.family = national_family(base_uri)

    # filters from what users type ----------------------------------------------------
    def facet_iri(self, facet: str, value: str) -> str:
        """An IRI for a facet value: the IRI itself, or a short code (``unemployment``,
        ``ASP``, ``RON`` or ``ro``)."""
        if value.startswith(("http://", "https://")):
            return value
        if facet == "authority":
            iri = self.institutions.get(value.upper())
            if iri is None:
                raise NotFound(f"no institution with code {value!r}", field="authority",
                               message_ro=f"nu există instituția cu codul {value!r}",
                               value=value, expected=", ".join(sorted(self.institutions)))
            return iri
        if facet == "language":
            code = _LANG_CODES.get(value.lower(), value.upper())
            if not _CODE.fullmatch(code):
                raise InvalidInput(f"language: {value!r} is not a language code",
                                   field="language", value=value,
                                   message_ro=f"language: {value!r} nu este un cod de limbă",
                                   expected="ro, en, ru or an EU code such as RON")
            return f"{EU_AUTHORITY}language/{code}"
        if not _SLUG.fullmatch(value):
            raise InvalidInput(f"{facet}: {value!r} is not a code", field=facet, value=value,
                               message_ro=f"{facet}: {value!r} nu este un cod",
                               expected="lower-case letters, digits and dashes, or an IRI")
        scheme = _SCHEMES[facet]
        if scheme is None:
            return LOCATION.iris.mint(self.base, slug=value)
        return CONCEPTS.mint(self.base, scheme=scheme, concept=value)

    # services -----------------------------------------------------------------------------
    def services(self, flt: ServiceFilter, *, limit: int = 50, cursor: str | None = None
                 ) -> ServicePage:
        if not 1 <= limit <= MAX_PAGE:
            raise InvalidInput(f"limit: {limit} is out of range", field="limit", value=limit,
                               message_ro=f"limit: {limit} nu este în interval",
                               expected=f"1 to {MAX_PAGE}")
        facets = dict(flt.items())
        for facet, iri in facets.items():
            _check_iri(iri, facet)
        after = decode_cursor(cursor) if cursor else None
        list_query, count_query = self._service_queries(facets)
        rows = self.store.run(list_query.bind(after=after, family=self.family, **facets),
                              max_rows=limit + 1)
        # one row per competent authority when no authority is given
        total = sum(int(r["n"].value) for r in self.store.run(
            count_query.bind(family=self.family, **facets)))
        items = [ServiceItem(r["code"].value, r["service"].value, _langs(r, "title"),
                             r["authority"].value) for r in rows[:limit]]
        nxt = encode_cursor(items[-1].code) if len(rows) > limit and items else None
        return ServicePage(items, total, nxt)

    @staticmethod
    def _service_queries(facets: dict[str, str]) -> tuple[NamedQuery, NamedQuery]:
        """The list and count queries for these facets, which it may change: a life or
        business event drives the ``_grouped`` queries (its pattern first, much faster on
        Oxigraph than as a filter); other facets take the ``_filtered`` ones (optional
        filters, which cost on every row); the authority alone, the plain ones."""
        for event in ("life_event", "business_event"):
            if event in facets:
                facets["grouped_by"] = facets.pop(event)
                return named_query("service_list_grouped"), named_query("service_count_grouped")
        which = "_filtered" if set(facets) - {"authority"} else ""
        return named_query("service_list" + which), named_query("service_count" + which)

    # code lists ---------------------------------------------------------------------------
    def concepts(self, scheme: str) -> list[dict[str, Any]]:
        """The concepts of a scheme (``life-event``, ``business-event``...) with counts."""
        query = named_query("concepts").bind(scheme=CODELIST.iris.mint(self.base, scheme=scheme),
                                             family=self.family)
        return [{"id": r["notation"].value if "notation" in r else
                 r["concept"].value.rsplit("/", 1)[-1],
                 "iri": r["concept"].value, "label": _langs(r, "label"),
                 "definition": _langs(r, "definition"),
                 "services": int(r["services"].value)}
                for r in self.store.run(query)]

    def concept(self, scheme: str, concept_id: str) -> dict[str, Any]:
        found = [c for c in self.concepts(scheme) if c["id"] == concept_id]
        if not found:
            raise NotFound(f"no {scheme} {concept_id!r}", field="id", value=concept_id,
                           message_ro=f"nu există {scheme} {concept_id!r}")
        return found[0]

    # organisations ------------------------------------------------------------------------
    def organisations(self, iri: str | None = None) -> list[dict[str, Any]]:
        query = named_query("organisations").bind(org=iri, family=self.family)
        return [{"code": r["code"].value if "code" in r else None, "iri": r["org"].value,
                 "name": _langs(r, "name"),
                 "identifier": r["identifier"].value if "identifier" in r else None,
                 "homepage": r["homepage"].value if "homepage" in r else None,
                 "services": int(r["services"].value)}
                for r in self.store.run(query)]

    # delivery locations -------------------------------------------------------------------
    def locations(self, iri: str | None = None) -> dict[str, Any]:
        """A GeoJSON FeatureCollection: each location with the services offered there."""
        places = self.store.run(named_query("locations").bind(location=iri))
        titles = {r["service"].value: _langs(r, "title") for r in self.store.run(
            named_query("location_service_titles").bind(location=iri, family=self.family))}
        rows = self.store.run(named_query("location_services").bind(location=iri,
                                                                    family=self.family))
        offered: dict[str, list[dict[str, Any]]] = {}
        # by place, then code (sorted here: ORDER BY in the store cost more than the query)
        for r in sorted(rows, key=lambda r: (r["location"].value, r["code"].value)):
            offered.setdefault(r["location"].value, []).append({
                "code": r["code"].value, "title": titles.get(r["service"].value, {}),
                "competent_authority": r["authority"].value,
                "channel_type": r["channel_type"].value if "channel_type" in r else None,
                "href": f"/api/v1/services/{r['code'].value}"})
        features = []
        for r in places:
            loc = r["location"].value
            features.append({
                "type": "Feature", "id": loc.rsplit("/", 1)[-1],
                "geometry": _point(r["wkt"].value) if "wkt" in r else None,
                "properties": {"iri": loc, "name": _langs(r, "name"),
                               "type": r["type"].value if "type" in r else None,
                               "address": r["address_ro"].value if "address_ro" in r else None,
                               "services": offered.get(loc, [])}})
        return {"type": "FeatureCollection", "features": features}


_POINT = re.compile(r"\s*POINT\s*\(\s*(-?[0-9.]+)\s+(-?[0-9.]+)\s*\)\s*", re.IGNORECASE)


def _point(wkt: str) -> dict[str, Any] | None:
    """A GeoJSON Point from a WKT ``POINT(lon lat)`` (WGS 84), or None."""
    m = _POINT.fullmatch(wkt)
    if m is None:
        return None
    return {"type": "Point", "coordinates": [float(m.group(1)), float(m.group(2))]}
