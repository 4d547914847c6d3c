"""The demo's registry data services and the assets that describe them, made from the WSDLs of
``vocabularies/demo/wsdl/`` by the harvest itself: ``python -m adapters.definitions.demo`` writes
``vocabularies/demo/data-services.trig`` (a test checks it is what the WSDLs give today).

Each registry the demo passports name as a source (``sc:registrySource``) gets a data service
served by its holder, its WSDL as an asset (``ServiceDescription``), and the response elements
that carry the registry's data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from adapters.definitions.assets import media_type
from adapters.definitions.bundle import Bundle
from adapters.definitions.harvest import harvest
from catalog import paths
from catalog.ledger.files import digest
from catalog.namespaces import PREFIXES
from catalog.records.asset import (
    ASSET_STATUS,
    ASSET_TYPE,
    Asset,
    AssetMapping,
    Distribution,
    normalised,
    part_iri,
)
from catalog.records.dataservice import DATA_SERVICE_MAPPING, DataService

WSDL_DIR = paths.DEMO_DIR / "wsdl"
OUT = paths.DEMO_DIR / "data-services.trig"
_BASE = "http://demo.invalid/"  # written as relative IRIs, resolved at load time


@dataclass(frozen=True)
class Registry:
    code: str  # the data service's code
    holder: str  # the organisation's slug
    wsdl: str
    title: tuple[str, str, str]  # ro, en, ru
    registry: tuple[str, str]  # ro, en: as the passports name it
    provides: tuple[str, ...]  # element paths that carry the registry's data


REGISTRIES: tuple[Registry, ...] = (
    Registry("ASP-rsp-person", "asp", "asp-rsp-person.wsdl",
             ("Datele persoanei din Registrul de stat al populației",
              "Person data from the State Population Register",
              "Данные лица из Государственного регистра населения"),
             ("Registrul de stat al populației", "State Population Register"),
             ("element/getPersonResponse/person",
              "element/getPersonResponse/person/residenceAddress",
              "element/getPersonResponse/person/identityDocument",
              "element/getPersonResponse/person/civilStatus",
              "element/getPersonResponse/person/birthDate")),
    Registry("ASP-civil-status", "asp", "asp-civil-status.wsdl",
             ("Actele de stare civilă ale persoanei", "Civil-status records of a person",
              "Записи актов гражданского состояния лица"),
             ("Registrul de stat al actelor de stare civilă", "Civil-status register"),
             ("element/getCivilStatusRecordsResponse/civilStatusRecord",
              "element/getCivilStatusRecordsResponse/civilStatusRecord/certificateSeries")),
    Registry("ASP-drivers", "asp", "asp-drivers.wsdl",
             ("Permisul de conducere din Registrul conducătorilor de vehicule",
              "Driving licence from the Register of drivers",
              "Водительское удостоверение из Регистра водителей"),
             ("Registrul conducătorilor de vehicule", "Register of drivers"),
             ("element/getDrivingLicenceResponse/drivingLicence",
              "element/getDrivingLicenceResponse/drivingLicence/category")),
    Registry("ASP-real-estate", "asp", "asp-real-estate.wsdl",
             ("Bunurile imobile și proprietarii lor", "Real estate and its owners",
              "Недвижимость и её собственники"),
             ("Registrul bunurilor imobile", "Real Estate Register"),
             ("element/getRealEstateResponse/realEstate",
              "element/getRealEstateResponse/realEstate/owner")),
    Registry("ASP-legal-entities", "asp", "asp-legal-entities.wsdl",
             ("Extrasul din Registrul de stat al unităților de drept",
              "Extract from the State Register of Legal Entities",
              "Выписка из Государственного регистра юридических лиц"),
             ("Registrul de stat al unităților de drept", "State Register of Legal Entities"),
             ("element/getLegalEntityResponse/legalEntity",)),
    Registry("ASP-transport", "asp", "asp-transport.wsdl",
             ("Vehiculele înmatriculate ale proprietarului", "Registered vehicles of an owner",
              "Зарегистрированные транспортные средства владельца"),
             ("Registrul de stat al transporturilor", "State Transport Register"),
             ("element/getVehiclesResponse/vehicle",
              "element/getVehiclesResponse/vehicle/registrationCertificate")),
    Registry("CNAS-insured-persons", "cnas", "cnas-insured-persons.wsdl",
             ("Evidența individuală a persoanei asigurate", "Record of an insured person",
              "Индивидуальный учёт застрахованного лица"),
             ("Sistemul informațional al CNAS (evidența persoanelor asigurate)",
              "CNAS information system (register of insured persons)"),
             ("element/getInsuredPersonResponse/insuredPerson",
              "element/getInsuredPersonResponse/insuredPerson/contributionPeriod",
              "element/getInsuredPersonResponse/insuredPerson/insuredIncome")),
    Registry("SFS-taxpayer", "sfs", "sfs-taxpayer.wsdl",
             ("Situația contribuabilului față de buget", "Taxpayer status towards the budget",
              "Состояние расчётов налогоплательщика с бюджетом"),
             ("Sistemul informațional al Serviciului Fiscal de Stat",
              "Information system of the State Tax Service"),
             ("element/getTaxpayerStatusResponse/taxpayer",
              "element/getTaxpayerStatusResponse/taxpayer/hasDebts")),
)


def asset_code(registry: Registry) -> str:
    return registry.wsdl.removesuffix(".wsdl") + "-wsdl"


def records(base: str = _BASE) -> list[ox.Quad]:
    """The quads of every demo asset and data service, each in its record's graph."""
    out: list[ox.Quad] = []
    for r in REGISTRIES:
        data = (WSDL_DIR / r.wsdl).read_bytes()
        definition = harvest(Bundle.of_files({r.wsdl: data}), what=r.wsdl)
        paths_ = {e.path for e in definition.elements}
        missing = [p for p in r.provides if p not in paths_]
        if missing:
            raise ValueError(f"{r.wsdl} has no element {missing}")
        code = asset_code(r)
        asset_iri = f"{base}id/asset/{code}"
        asset = normalised(Asset(
            code=code, type=ASSET_TYPE + "ServiceDescription",
            title={"ro": f"WSDL: {r.title[0]}", "en": f"WSDL: {r.title[1]}",
                   "ru": f"WSDL: {r.title[2]}"},
            description={"en": f"Description (WSDL 1.1, X-Road/MConnect) of the service "
                               f"{r.code} of the {r.registry[1]}.",
                         "ro": f"Descrierea (WSDL 1.1, X-Road/MConnect) a serviciului "
                               f"{r.code} al registrului: {r.registry[0]}."},
            keywords={"en": ["WSDL", "X-Road", "MConnect"]},
            publisher=f"{base}id/org/{r.holder}", asset_status=ASSET_STATUS + "Completed",
            version_info="1.0", license="https://creativecommons.org/licenses/by/4.0/",
            distributions=[Distribution(
                name=r.wsdl, media_type=media_type(r.wsdl), byte_size=len(data),
                sha256=digest(data),
                download_url=f"{base}api/v1/assets/{code}/files/{r.wsdl}")],
            operations=definition.operations, elements=definition.elements))
        service_iri = f"{base}id/data-service/{r.code}"
        service = DataService(
            code=r.code, title={"ro": r.title[0], "en": r.title[1], "ru": r.title[2]},
            description={"ro": f"Serviciu de date al registrului „{r.registry[0]}”, pe "
                               "platforma de interoperabilitate MConnect.",
                         "en": f"Data service of the {r.registry[1]}, on the MConnect "
                               "interoperability platform."},
            publisher=f"{base}id/org/{r.holder}",
            registry={"ro": r.registry[0], "en": r.registry[1]},
            endpoint_url="https://mconnect.gov.md/soap", endpoint_description=asset_iri,
            provides=sorted(part_iri(asset_iri, p) for p in r.provides))
        for iri, triples in ((asset_iri, AssetMapping().to_triples(asset, asset_iri)),
                             (service_iri, DATA_SERVICE_MAPPING.to_triples(service,
                                                                           service_iri))):
            graph = ox.NamedNode(iri)
            out += [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]
    return out


def write(path: Path = OUT) -> str:
    body = ox.serialize(records(), format=ox.RdfFormat.TRIG,
                        prefixes={**PREFIXES, "spdx": "http://spdx.org/rdf/terms#"})
    assert body is not None
    text = body.decode().replace(f"<{_BASE}", "<")
    header = ("# semcat demo: registry data services (dcat:DataService) and the WSDLs that "
              "describe them (adms:Asset),\n# made by `python -m adapters.definitions.demo` "
              "from vocabularies/demo/wsdl/. Do not edit by hand.\n")
    path.write_text(header + text, "utf-8")
    return header + text


if __name__ == "__main__":
    write()
