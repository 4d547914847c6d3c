"""Registry data services: the demo's, described by harvested WSDLs of its own, and the
once-only report of a service: each evidence asked of the applicant, or obtainable from a
registry through a data service (and the element that carries it)."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from adapters.definitions.demo import OUT, WSDL_DIR, records
from api.app import create_app
from catalog.core import Catalog
from catalog.demo import load_demo
from catalog.settings import Settings
from catalog.workflow.access import Tokens
from tests.builders import passport


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Catalog]]:
    settings = Settings(env="test", data_dir=tmp_path_factory.mktemp("hub") / "data")
    with TestClient(create_app(settings)) as client:
        catalog: Catalog = client.app.state.catalog  # type: ignore[attr-defined]
        report = load_demo(catalog)
        assert not report.rejected, report
        catalog.project()
        yield client, catalog


def test_the_committed_demo_data_services_are_what_the_demo_wsdls_give() -> None:
    committed = set(ox.parse(OUT.read_bytes(), format=ox.RdfFormat.TRIG,
                             base_iri="http://demo.invalid/"))
    assert committed == set(records()), "run: python -m adapters.definitions.demo"


def test_the_demo_registries_have_data_services_described_by_their_wsdl(
        hub: tuple[TestClient, Catalog]) -> None:
    client, catalog = hub
    base = catalog.settings.base_uri
    service = client.get("/api/v1/data-services/ASP-rsp-person").json()
    assert service["registry"] == {"ro": "Registrul de stat al populației",
                                   "en": "State Population Register"}
    assert service["publisher"] == base + "id/org/asp"
    asset_iri = base + "id/asset/asp-rsp-person-wsdl"
    assert service["endpoint_description"] == asset_iri
    assert asset_iri + "/element/getPersonResponse/person/residenceAddress" in \
        service["provides"]
    asset = client.get("/api/v1/assets/asp-rsp-person-wsdl").json()
    assert [o["name"] for o in asset["operations"]] == ["getPerson"]
    # the WSDL is served by the hub, byte for byte
    wsdl = client.get(asset["distributions"][0]["download_url"].removeprefix(base[:-1]))
    assert wsdl.content == (WSDL_DIR / "asp-rsp-person.wsdl").read_bytes()
    # each element is a resource of its own, dereferenced as linked data
    element = client.get("/id/asset/asp-rsp-person-wsdl/element/getPersonResponse/person/"
                         "birthDate", headers={"Accept": "text/turtle"})
    assert element.status_code == 200, element.text
    assert '"xs:date"' in element.text
    codes = {h["code"] for h in client.get(
        "/api/v1/search?q=registrul&kind=dataservice&limit=50").json()["hits"]}
    assert {"ASP-rsp-person", "ASP-drivers", "ASP-real-estate", "ASP-legal-entities",
            "CNAS-insured-persons"} <= codes


def test_the_once_only_report_of_a_demo_service(hub: tuple[TestClient, Catalog]) -> None:
    client, _ = hub
    report = client.get("/api/v1/services/ASP-0006/once-only").json()
    by_id = {e["evidence"]: e for e in report["evidence"]}
    assert by_id["ASP-0006-E1"]["status"] == "registry"
    assert by_id["ASP-0006-E1"]["how"] == "registry_name"
    assert by_id["ASP-0006-E1"]["data_service"]["code"] == "ASP-rsp-person"
    assert by_id["ASP-0006-E1"]["text"]["en"] == (
        "Birth certificate: obtainable from the registry State Population Register through "
        "the service ASP-rsp-person (Person data from the State Population Register)")
    assert by_id["ASP-0006-E3"]["status"] == "asked"
    assert by_id["ASP-0006-E3"]["text"]["ro"] == "Cerere-tip: se cere solicitantului"
    assert report["counts"]["asked"] + report["counts"]["registry"] + \
        report["counts"]["unresolved"] == len(report["evidence"])


def test_an_evidence_linked_to_a_service_and_element_is_reported_with_them(
        hub: tuple[TestClient, Catalog]) -> None:
    client, catalog = hub
    base = catalog.settings.base_uri
    _, secret = Tokens(catalog.engine).create("ASP", "reviewer")
    asp = {"Authorization": f"Bearer {secret}"}
    element = base + ("id/asset/asp-drivers-wsdl/element/getDrivingLicenceResponse/"
                      "drivingLicence")
    p = passport("ASP-9901").model_dump(mode="json")
    p["evidence"][0] |= {"data_service": base + "id/data-service/ASP-drivers",
                         "data_element": element, "obtained_by_authority": True}
    r = client.post("/api/v1/services", json=p, headers=asp)
    assert r.status_code == 201, r.text
    report = client.get("/api/v1/services/ASP-9901/once-only?version=1", headers=asp).json()
    first = report["evidence"][0]
    assert (first["status"], first["how"], first["element"]) == ("registry", "linked", element)
    assert first["data_service"]["code"] == "ASP-drivers"
    assert first["text"]["en"].endswith(f"(element {element})")
    # the link is in the passport's RDF under the predicates the legal rules read
    rdf = client.get("/api/v1/services/ASP-9901?version=1",
                     headers={**asp, "Accept": "application/n-triples"}).text
    assert f"<https://w3id.org/semcat/ns#dataElement> <{element}>" in rdf
