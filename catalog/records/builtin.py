"""The kinds of record the hub ships: service passports and the reference data they point to
(code lists, organisations, locations, legal acts)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from catalog.namespaces import CPSV, CV, DCAT, DCT, ELI, SC, SKOS
from catalog.records.assetkinds import ASSET, DATA_SERVICE
from catalog.records.ids import IriFamily
from catalog.records.kinds import Kinds, RecordKind, SearchField, SearchSpec
from catalog.records.passport import CODE_PATTERN, Passport, PassportMapping


class PassportCsv:
    """The passports' CSV layout (docs/csv.md)."""

    def export(self, records: Sequence[Any]) -> bytes:
        from catalog.records.csvformat import export_csv  # the layout lives with the reader

        return export_csv(list(records))


SERVICE = RecordKind(
    name="service",
    root_class=CPSV + "PublicService",
    iris=IriFamily("id/service/{code}"),
    labels={"ro": "serviciu public", "en": "public service", "ru": "государственная услуга"},
    code_predicate=DCT + "identifier",
    code_pattern=CODE_PATTERN.strip("^$"),
    code_example="ASP-0001",
    authority_predicate=CV + "hasCompetentAuthority",
    shapes=("passport.ttl",),
    model=Passport,
    mapping=PassportMapping(),
    search=SearchSpec((
        SearchField("title", (DCT + "title",)),
        SearchField("keywords", (DCAT + "keyword",), many=True),
        SearchField("description", (DCT + "description",)),
        SearchField("evidence", (CPSV + "hasInput", DCT + "title")),
        SearchField("outputs", (CPSV + "produces", DCT + "title")),
    )),
    csv=PassportCsv(),
    import_order=4,
    path="services",
)

CODELIST = RecordKind(
    name="codelist",
    root_class=SKOS + "ConceptScheme",
    iris=IriFamily("codelist/{scheme}"),
    labels={"ro": "nomenclator", "en": "code list", "ru": "справочник"},
    shapes=("reference.ttl",),
    import_order=0,
    members_in_scheme=True,
    search=SearchSpec((SearchField("title", (SKOS + "prefLabel",)),
                       SearchField("description", (DCT + "description",)))),
    # a concept: its labels, definition, and (searched in no language) its notation
    member_search=SearchSpec((
        SearchField("title", (SKOS + "prefLabel",)),
        SearchField("keywords", (SKOS + "altLabel",), many=True),
        SearchField("description", (SKOS + "definition",)),
        SearchField("evidence", (SKOS + "hiddenLabel",), many=True),
        SearchField("outputs", (SKOS + "notation",), many=True),
    )),
    member_code_predicate=SKOS + "notation",
)

ORGANISATION = RecordKind(
    name="organisation",
    root_class=CV + "PublicOrganisation",
    iris=IriFamily("id/org/{slug}"),
    labels={"ro": "organizație publică", "en": "public organisation",
            "ru": "государственная организация"},
    code_predicate=SC + "institutionCode",
    institution_name=SKOS + "prefLabel",
    shapes=("reference.ttl",),
    import_order=1,
)

LOCATION = RecordKind(
    name="location",
    root_class=DCT + "Location",
    iris=IriFamily("id/location/{slug}"),
    labels={"ro": "locație", "en": "location", "ru": "место"},
    shapes=("reference.ttl",),
    import_order=2,
)

LEGAL = RecordKind(
    name="legal",
    root_class=ELI + "LegalResource",
    iris=IriFamily("eli/{type}/{year}/{number}"),
    labels={"ro": "act normativ", "en": "legal act", "ru": "нормативный акт"},
    shapes=("reference.ttl",),
    import_order=3,
)

#: A public service harvested from another country's or region's CPSV-AP catalogue: the same
#: root class as a passport, read by the harvest (adapters/sources/rdf.py) and validated
#: against the OFFICIAL CPSV-AP 3.2.0 shapes alone (shapes/official/), since the national
#: profile (passport.ttl) binds national passports, not another country's records. It keeps
#: the IRIs its catalogue gave it (docs/decisions/0005-harvest.md) and has no REST routes of
#: its own; it is searched like a service. Its owner in the hub is the institution that
#: harvests it (``dct:publisher``, set by the harvest from the mapping's ``institution``); the
#: source's own competent authority stays in ``cv:hasCompetentAuthority``.
HARVESTED_SERVICE = RecordKind(
    name="harvested-service",
    root_class=CPSV + "PublicService",
    variant_of="service",
    iris=IriFamily("id/harvested/{code}"),
    labels={"ro": "serviciu public preluat", "en": "harvested public service",
            "ru": "забранная государственная услуга"},
    code_predicate=DCT + "identifier",
    authority_predicate=DCT + "publisher",
    shapes=("official/cpsv-ap-3.2.0.ttl",),
    search=SERVICE.search,
    import_order=5,
)

#: the reviewed mappings of one asset's elements to the EU Core Vocabularies (catalog/mappings)
MAPPINGSET = RecordKind(
    name="mappingset",
    root_class=SC + "MappingSet",
    iris=IriFamily("mapping/{code}"),
    labels={"ro": "set de corespondențe", "en": "mapping set", "ru": "набор соответствий"},
    code_predicate=DCT + "identifier",
    code_pattern=r"[a-z0-9][a-z0-9-]{0,63}",
    code_example="civil-status-wsdl",
    authority_predicate=DCT + "publisher",
    shapes=("mappings.ttl",),
    import_order=8,
)

#: a nomenclature edition: approved by a legal act, in force from a date, listing its entries
#: (code, titles, competent authority, life events, the date each was last revised)
EDITION = RecordKind(
    name="edition",
    root_class=SC + "NomenclatureEdition",
    iris=IriFamily("id/nomenclature/{edition}"),
    labels={"ro": "ediție a nomenclatorului", "en": "nomenclature edition",
            "ru": "редакция номенклатуры"},
    shapes=("reference.ttl",),
    import_order=4,
)

BUILTIN: tuple[RecordKind, ...] = (CODELIST, ORGANISATION, LOCATION, LEGAL, EDITION, SERVICE,
                                   HARVESTED_SERVICE, MAPPINGSET, ASSET, DATA_SERVICE)


def builtin_kinds() -> Kinds:
    """A registry of the kinds the hub ships (a new one for each catalogue)."""
    return Kinds(BUILTIN)


def builtin(name: str) -> RecordKind | None:
    """A shipped kind by name (for records read without a catalogue at hand)."""
    return next((k for k in BUILTIN if k.name == name), None)
