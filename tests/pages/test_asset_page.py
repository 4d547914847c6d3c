"""The page of a semantic asset (its IRI asked for by a browser): what it is, who publishes
it, its versions, its files to download, its elements, the reviewed mappings of its elements
to the Core Vocabularies and the data services it describes."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.pages.browsing import Watched, axe_findings
from tests.servers import Served, free_port, semcat_serving

CODE = "asp-rsp-person-wsdl"
FOAF = "http://xmlns.com/foaf/0.1/"


@pytest.fixture(scope="module")
def hub(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, str]]:
    """`semcat serve` with the demo data, and a reviewer token of ASP (the assets' publisher)."""
    port = free_port()
    env = {"SEMCAT_DATA_DIR": str(tmp_path_factory.mktemp("assets") / "data"),
           "SEMCAT_LOAD_DEMO": "true", "SEMCAT_BASE_URI": f"http://127.0.0.1:{port}/",
           "SEMCAT_QUERY_WORKERS": "1"}
    with semcat_serving(tmp_path_factory.mktemp("log") / "serve.log", env, port=port) as served:
        full = {k: v for k, v in os.environ.items() if not k.startswith("SEMCAT_")} | env
        made = subprocess.run([str(Path(sys.executable).parent / "semcat"), "token", "create",
                               "--institution", "ASP", "--role", "reviewer"], env=full,
                              capture_output=True, text=True, check=True)
        yield served, made.stdout.strip()


def test_an_asset_page_shows_what_the_asset_is_and_its_files_download(
        hub: tuple[Served, str], page: Page, watched: Watched, tmp_path: Path) -> None:
    served, _ = hub
    record = httpx.get(f"{served.url}/api/v1/assets/{CODE}").json()
    page.goto(f"{served.url}/id/asset/{CODE}")
    expect(page.locator("h1")).to_have_text(record["title"]["ro"])
    assert page.locator("html").get_attribute("lang") == "ro"
    facts = page.locator("#facts")
    expect(facts).to_contain_text("Descriere de serviciu")
    assert facts.locator("a", has_text="Agenția Servicii Publice").get_attribute("href") == \
        "/id/org/asp?lang=ro"
    versions = httpx.get(f"{served.url}/api/v1/assets/{CODE}/versions").json()["versions"]
    assert page.locator("#versions tbody tr").count() == len(versions) >= 1
    assert page.locator("#elements tr.element").count() == len(record["elements"]) > 10
    expect(page.locator("#elements")).to_contain_text("element/getPerson/idnp")
    # the data service the asset describes, and the passports that use it
    service = page.locator("#data-services a", has_text="Registrul de stat al populației")
    expect(service.first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")  # a phone
    assert axe_findings(page) == []
    # the file downloads as harvested
    dist = record["distributions"][0]
    with page.expect_download() as got:
        page.click(f"#files a.download >> text={dist['name']}")
    saved = tmp_path / dist["name"]
    got.value.save_as(saved)
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == dist["sha256"]
    # to the data service's page, and back to the asset that describes it
    service.first.click()
    page.wait_for_url("**/id/data-service/ASP-rsp-person?lang=ro")
    expect(page.locator("h1")).to_have_text(
        "Datele persoanei din Registrul de stat al populației")
    expect(page.locator("#facts")).to_contain_text("https://mconnect.gov.md/soap")
    assert page.locator("#elements li").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    assert axe_findings(page) == []
    page.click("#described-by")
    page.wait_for_url(f"**/id/asset/{CODE}?lang=ro")
    expect(page.locator("h1")).to_have_text(record["title"]["ro"])
    assert watched.errors == []


def test_an_asset_page_shows_its_confirmed_mappings_in_english(
        hub: tuple[Served, str], page: Page, watched: Watched) -> None:
    served, token = hub
    element = f"{served.url}/id/asset/{CODE}/element/getPersonResponse/person/firstName"
    asp = f"{served.url}/id/org/asp"
    r = httpx.post(f"{served.url}/api/v1/mappings/{CODE}/decisions",
                   headers={"Authorization": f"Bearer {token}"},
                   json={"publisher": asp, "decisions": [
                       {"element": element, "element_label": "firstName",
                        "term": FOAF + "givenName", "relation": "exactMatch",
                        "decision": "confirm"}]})
    assert r.status_code == 200, r.text
    page.goto(f"{served.url}/id/asset/{CODE}?lang=en")
    expect(page.locator("#mappings-title")).to_have_text("Mappings to the EU Core Vocabularies")
    row = page.locator("#mappings tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("element/getPersonResponse/person/firstName")
    expect(row).to_contain_text("skos:exactMatch")
    assert row.locator("a").get_attribute("href") == FOAF + "givenName"
    assert axe_findings(page) == []
    assert watched.errors == []
