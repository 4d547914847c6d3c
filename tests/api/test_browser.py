"""Passport pages as a person sees them: `semcat serve` with the demo data in a real process,
pages rendered by headless Chromium (``--dump-dom``), links followed from the front page.
Without Chromium they skip, or fail when SEMCAT_REQUIRE_BROWSER=1 (the ``chromium`` fixture)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import httpx
import pytest

from tests.api.read_helpers import CPSV, DemoData, Page
from tests.servers import free_port, semcat_serving

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`semcat serve` on a free loopback port with the demo data; its base URL (only where
    there is a browser to read it)."""
    port = free_port()
    env = {"SEMCAT_DATA_DIR": str(tmp_path_factory.mktemp("browser") / "data"),
           "SEMCAT_LOAD_DEMO": "true", "SEMCAT_BASE_URI": f"http://127.0.0.1:{port}/",
           "SEMCAT_QUERY_WORKERS": "1"}
    with semcat_serving(tmp_path_factory.mktemp("log") / "serve.log", env, port=port) as hub:
        yield hub.url


@pytest.fixture(scope="module")
def demo(server: str) -> DemoData:
    return DemoData(server + "/")


def rendered(chromium: Path, url: str, profile: Path, languages: str = "ro-MD,ro") -> Page:
    """The DOM of ``url`` after Chromium (whose user reads ``languages``) rendered it."""
    done = subprocess.run(
        [str(chromium), "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--no-first-run", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}", f"--accept-lang={languages}",
         "--dump-dom", url],
        capture_output=True, timeout=90, check=False)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    return Page(done.stdout.decode("utf-8"))


def test_a_passport_page_in_romanian_then_english(chromium: Path, server: str, demo: DemoData,
                                                   tmp_path: Path) -> None:
    iri = demo.iri("id/service/ASP-0001")
    page = rendered(chromium, iri, tmp_path / "profile")
    assert page.lang == "ro"
    assert page.heading.strip() == demo.title(iri)["ro"]
    authority = demo.iri("id/org/asp")
    [(href, text)] = [(h, t) for h, t in page.links if "/id/org/asp" in h]
    assert text == demo.title(authority)["ro"]
    org = httpx.get(urljoin(iri, href), headers={"Accept": "text/html"})
    assert org.status_code == 200
    assert Page(org.text).heading.strip() == demo.title(authority)["ro"]
    evidence = [t.object.value for t in demo.service_graph("ASP-0001")
                if t.predicate.value == CPSV + "hasInput"]
    assert len(evidence) == 5
    for e in evidence:  # every required document, by its Romanian title
        assert demo.title(e)["ro"] in page.ids["evidence"]

    english = rendered(chromium, iri + "?lang=en", tmp_path / "profile")
    assert english.lang == "en"
    assert english.heading.strip() == demo.title(iri)["en"]
    for e in evidence:
        assert demo.title(e)["en"] in english.ids["evidence"]


def test_a_passport_page_lists_its_one_stop_shops(chromium: Path, server: str, demo: DemoData,
                                                   tmp_path: Path) -> None:
    iri = demo.iri("id/service/ASP-0002")
    page = rendered(chromium, iri, tmp_path / "profile")
    places = [loc for loc in demo.locations()
              if "ASP-0002" in demo.services(f"?s cv:hasChannel ?c . ?c dct:spatial <{loc}>")]
    assert len(places) == 22  # the 17 village halls and the 5 consular offices
    shown = {urljoin(iri, href).split("?")[0]: text for href, text in page.links}
    for loc in places:
        assert shown[loc] == demo.title(loc)["ro"]
        assert demo.title(loc)["ro"] in page.ids["channels"]


def test_every_service_is_reached_from_the_front_page_and_its_links_open_passports(
        chromium: Path, server: str, demo: DemoData, tmp_path: Path) -> None:
    """A person reaches every service from the front page by following links: to the
    competent authorities' lists (and their next pages), and from there to each passport."""
    front = rendered(chromium, server + "/", tmp_path / "profile")
    authorities = [urljoin(server + "/", href) for href, _ in front.links
                   if "/authorities/" in href]
    assert authorities
    listed: dict[str, str] = {}
    while authorities:
        page = Page(httpx.get(authorities.pop(), headers={"Accept-Language": "ro"}).text)
        listed |= {href.split("?")[0].rsplit("/", 1)[1]: href for href, _ in page.links
                   if "/id/service/" in href}
        authorities += [urljoin(server + "/", href) for href, _ in page.links
                        if "/authorities/" in href and "cursor=" in href]
    assert set(listed) == demo.services()
    target = urljoin(server + "/", listed["CNAS-0001"])
    page = rendered(chromium, target, tmp_path / "profile")
    assert page.heading.strip() == demo.title(demo.iri("id/service/CNAS-0001"))["ro"]


def test_a_browser_in_russian_gets_the_russian_page(
        chromium: Path, server: str, demo: DemoData, tmp_path: Path) -> None:
    iri = demo.iri("id/service/ASP-0001")
    page = rendered(chromium, iri, tmp_path / "profile", languages="ru-RU,ru")
    assert page.lang == "ru"
    assert page.heading.strip() == demo.title(iri)["ru"]
