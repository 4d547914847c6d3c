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

BUILTIN: tuple[RecordKind, ...] = (CODELIST, ORGANISATION, LOCATION, LEGAL, SERVICE, ASSET,
                                   DATA_SERVICE)


def builtin_kinds() -> Kinds:
    """A registry of the kinds the hub ships (a new one for each catalogue)."""
    return Kinds(BUILTIN)


def builtin(name: str) -> RecordKind | None:
    """A shipped kind by name (for records read without a catalogue at hand)."""
    return next((k for k in BUILTIN if k.name == name), None)
