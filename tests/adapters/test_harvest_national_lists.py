"""A real harvest (Trento's family services, CPSV-AP 2.x) published beside the demo
nomenclature: another country's records have the national class (``cpsv:PublicService``), an
authority, events and keywords, yet they are never in a national list or count (the portal's
home, event and authority pages, ``/api/v1/services``, the organisations' and events' counts,
the map's locations, the SOAP service's ``ListServices``, the legal checks); they are listed
at ``/api/v1/harvested-services`` and served by the graph store, SPARQL, the dump and the
change feed. Everything through the HTTP API, as the admin and a citizen would."""

from __future__ import annotations

import gzip
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from lxml import etree

from api.app import create_app
from catalog.core import Catalog
from catalog.demo import load_demo
from catalog.settings import Settings
from catalog.workflow.access import Tokens

FAMIGLIA = "datasets/trento-cpsv-ap-2/trento_servizi_famiglia.rdf"
TRENTO = "http://www.provincia.tn.it/"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
NS = "https://w3id.org/semcat/soap/nomenclature/1"
#: what a citizen and a registry read of the national catalogue
NATIONAL_READS = ("/api/v1/services?limit=500", "/api/v1/organisations", "/api/v1/life-events",
                  "/api/v1/business-events", "/api/v1/locations",
                  "/api/v1/services?life_event=disability&limit=500",
                  "/api/v1/services?authority=AGE&limit=500")


@dataclass
class Harvested:
    client: TestClient
    before: dict[str, Any]  # the national reads before the harvest
    home_before: str
    soap_before: int
    checks_before: int


def _admin(client: TestClient) -> dict[str, str]:
    return {"Authorization": f"Bearer {client.headers['X-Admin']}"}


def _soap_total(client: TestClient) -> int:
    body = (f'<soapenv:Envelope xmlns:soapenv="{SOAP_ENV}" xmlns:n="{NS}"><soapenv:Header/>'
            "<soapenv:Body><n:ListServices><n:limit>500</n:limit></n:ListServices>"
            "</soapenv:Body></soapenv:Envelope>")
    r = client.post("/soap/nomenclature", content=body,
                    headers={"Content-Type": "text/xml; charset=utf-8",
                             "SOAPAction": '"ListServices"'})
    assert r.status_code == 200, r.text
    root = etree.fromstring(r.content)
    iris = [e.text or "" for e in root.iter(f"{{{NS}}}iri")]
    assert not [i for i in iris if i.startswith(TRENTO)]
    return int(root.findtext(f".//{{{NS}}}total") or "-1")


def _home_numbers(html: str) -> str:
    """The counts the home page shows (the total, each event's and authority's)."""
    return " ".join(re.findall(r"\d+", re.sub(r"<[^>]+>", " ", html)))


def _finished(client: TestClient, location: str) -> dict[str, Any]:
    for _ in range(1200):
        body: dict[str, Any] = client.get(location, headers=_admin(client)).json()
        if body["run"]["status"] != "running":
            return body
        time.sleep(0.05)
    raise AssertionError("the run did not finish")


@pytest.fixture(scope="module")
def harvested(tmp_path_factory: pytest.TempPathFactory, shared: Path) -> Iterator[Harvested]:
    root = tmp_path_factory.mktemp("national")
    folder = root / "adapters"
    folder.mkdir()
    (folder / "trento-famiglia.yaml").write_text(
        "name: trento-famiglia\ninstitution: AGE\n"
        f"source: {{type: rdf, file: {shared / FAMIGLIA}, cpsv_ap: '2.2.1'}}\n",
        encoding="utf-8")
    settings = Settings(env="test", data_dir=root / "data", adapters_dir=folder)
    with TestClient(create_app(settings)) as client:
        catalog: Catalog = client.app.state.catalog  # type: ignore[attr-defined]
        load_demo(catalog)
        catalog.project()
        client.headers["X-Admin"] = Tokens(catalog.engine).create("AGE", "admin")[1]
        before = {url: client.get(url).json() for url in NATIONAL_READS}
        home_before = _home_numbers(client.get("/?lang=en").text)
        soap_before = _soap_total(client)
        checks_before = len(client.get("/api/v1/checks").json()["findings"])

        r = client.put("/api/v1/adapters/trento-famiglia/trust", json={"trusted": True},
                       headers=_admin(client))
        assert r.status_code == 200, r.text
        r = client.post("/api/v1/adapters/trento-famiglia/runs", headers=_admin(client))
        assert r.status_code == 202, r.text
        report = _finished(client, r.headers["Location"])
        assert report["run"]["status"] == "done"
        assert report["counts"] == {"created": 45, "updated": 0, "unchanged": 0,
                                    "rejected": 0}
        catalog.project()
        yield Harvested(client, before, home_before, soap_before, checks_before)


def test_the_national_lists_and_counts_are_those_before_the_harvest(
        harvested: Harvested) -> None:
    client = harvested.client
    for url in NATIONAL_READS:
        assert client.get(url).json() == harvested.before[url], url
    services = harvested.before["/api/v1/services?limit=500"]
    assert services["total"] == len(services["items"]) > 0
    assert _home_numbers(client.get("/?lang=en").text) == harvested.home_before
    assert _soap_total(client) == harvested.soap_before == services["total"]


def test_the_portal_pages_show_no_harvested_service(harvested: Harvested) -> None:
    client = harvested.client
    for url in ("/?lang=en", "/life-events/disability?lang=en", "/authorities/AGE?lang=en",
                "/search?q=famiglia&lang=en", "/map?lang=en"):
        r = client.get(url)
        assert r.status_code == 200, url
        assert TRENTO not in r.text, url


def test_the_legal_checks_judge_national_passports_only(harvested: Harvested) -> None:
    found = harvested.client.get("/api/v1/checks").json()["findings"]
    assert len(found) == harvested.checks_before
    assert not [f for f in found if TRENTO in str(f)]


def test_harvested_services_are_listed_apart_and_served_as_rdf(harvested: Harvested) -> None:
    client = harvested.client
    seen: list[dict[str, Any]] = []
    url: str | None = "/api/v1/harvested-services?limit=20"
    while url:
        page = client.get(url).json()
        assert page["total"] == 45
        seen += page["items"]
        url = page["next"]
    assert len(seen) == len({i["iri"] for i in seen}) == 45
    assert all(i["iri"].startswith(TRENTO) for i in seen)
    first = seen[0]
    assert first["publisher"].endswith("/id/org/age")  # the harvesting institution
    assert first["competent_authority"].startswith(TRENTO + "ca/")  # Trento's own
    assert set(first["title"]) == {"it"}
    graph = client.get(first["graph"], headers={"Accept": "application/n-triples"})
    assert graph.status_code == 200
    assert f"<{first['iri']}> <http://purl.org/dc/terms/publisher>" in graph.text
    # SPARQL sees every published service, national or not
    ask = client.get("/sparql", params={"query": f"ASK {{ <{first['iri']}> a "
                                                 "<http://purl.org/vocab/cpsv#PublicService> }"},
                     headers={"Accept": "application/sparql-results+json"})
    assert ask.json()["boolean"] is True
    dump = client.get("/api/v1/dump", params={"format": "nquads"})
    assert dump.status_code == 200
    text = gzip.decompress(dump.content).decode() \
        if dump.content[:2] == b"\x1f\x8b" else dump.text
    assert f"<{first['iri']}> ." in text
    assert client.get("/api/v1/harvested-services", params={"cursor": "!!"}).status_code == 400
