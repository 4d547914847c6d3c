"""A code list as a person browses it: `semcat serve` with the demo data in a real process, the
life-event list rendered by headless Chromium in Romanian, Russian and English, a concept
reached by following a link of the tree, the A-Z index and a search (ş/ș folded), and a
hostile search text shown as text. Without Chromium they skip, or fail when
SEMCAT_REQUIRE_BROWSER=1 (the ``chromium`` fixture)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import httpx
import pytest

from api.security_headers import CSP
from catalog import paths
from tests.api.test_browser import rendered
from tests.servers import free_port, semcat_serving

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    env = {"SEMCAT_DATA_DIR": str(tmp_path_factory.mktemp("codelists") / "data"),
           "SEMCAT_LOAD_DEMO": "true", "SEMCAT_BASE_URI": f"http://127.0.0.1:{port}/",
           "SEMCAT_QUERY_WORKERS": "1"}
    with semcat_serving(tmp_path_factory.mktemp("log") / "serve.log", env, port=port) as hub:
        yield hub.url


def shipped_labels(key: str) -> dict[str, str]:
    """The labels of a life event as the shipped Turtle file spells them."""
    import pyoxigraph as ox

    quads = ox.parse((paths.CODELISTS_DIR / "life-events.ttl").read_bytes(),
                     format=ox.RdfFormat.TURTLE, base_iri="http://x.test/")
    return {q.object.language: q.object.value for q in quads
            if q.subject == ox.NamedNode(f"http://x.test/codelist/life-event/{key}")
            and q.predicate.value.endswith("#prefLabel") and isinstance(q.object, ox.Literal)
            and q.object.language}


def test_a_code_list_page_then_a_concept_page(chromium: Path, server: str,
                                             tmp_path: Path) -> None:
    url = server + "/codelists/life-event"
    page = rendered(chromium, url, tmp_path / "profile")
    assert page.lang == "ro"
    assert page.heading.strip() == "Evenimente de viață"
    birth = shipped_labels("birth")
    assert birth["ro"] in page.ids["hierarchy"]
    [(href, _text)] = [(h, t) for h, t in page.links if t == birth["ro"]]
    assert "/codelists/life-event/birth" in href
    assert "Versiunea 1" in page.ids["versions"]

    concept = rendered(chromium, urljoin(url, href.replace("lang=ro", "lang=en")),
                       tmp_path / "profile")
    assert concept.lang == "en"
    assert concept.heading.strip() == birth["en"]
    for lang in ("ro", "en", "ru"):  # the three labels, whatever the page's language
        assert birth[lang] in concept.ids["labels"]
    assert "Registration of a birth" in concept.ids["definition"]
    assert "birth" in concept.ids["notation"]

    answer = httpx.get(url, headers={"Accept-Language": "ru"})
    assert answer.headers["content-security-policy"] == CSP
    assert "<script" not in answer.text


def test_a_to_z_in_russian_and_a_search_with_a_cedilla(chromium: Path, server: str,
                                                      tmp_path: Path) -> None:
    az = rendered(chromium, server + "/codelists/life-event?view=az&letter=%D0%A0",
                  tmp_path / "profile", languages="ru")
    assert az.lang == "ru"
    assert az.heading.strip() == "Жизненные ситуации"
    listed = [t for h, t in az.links if "/codelists/life-event/" in h and "view=" not in h
              and "version=" not in h]
    assert listed, az.ids.get("listed")
    assert all(t.startswith("Р") for t in listed)
    assert shipped_labels("birth")["ru"] in listed

    found = rendered(chromium, server + "/codelists/life-event?lang=ro&q=na%C5%9Ftere",
                     tmp_path / "profile")  # "naştere", with a cedilla
    assert shipped_labels("birth")["ro"] in found.ids["results"]


def test_a_hostile_search_text_is_shown_as_text(chromium: Path, server: str,
                                               tmp_path: Path) -> None:
    hostile = '"><script>document.title="owned"</script>'
    answer = httpx.get(server + "/codelists/life-event", params={"q": hostile, "lang": "en"})
    assert answer.status_code == 200
    assert "<script>" not in answer.text
    page = rendered(chromium, str(answer.url), tmp_path / "profile")
    assert "owned" not in page.title
    assert "No concept found." in page.ids["results"]


@pytest.fixture(scope="module")
def two_versions(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A demo hub of its own whose life-event list has a second version, published by an
    operator with `semcat import --publish` while the hub runs (its projector picks it up)."""
    from tests.api.test_codelists_http import LIFE, second_version

    port = free_port()
    folder = tmp_path_factory.mktemp("two")
    env = {"SEMCAT_DATA_DIR": str(folder / "data"), "SEMCAT_LOAD_DEMO": "true",
           "SEMCAT_BASE_URI": f"http://127.0.0.1:{port}/", "SEMCAT_QUERY_WORKERS": "1"}
    with semcat_serving(folder / "serve.log", env, port=port) as hub:
        source = folder / "life-events-1.1.0.ttl"
        source.write_text(second_version(LIFE.read_text("utf-8")), "utf-8")
        full = {k: v for k, v in os.environ.items() if not k.startswith("SEMCAT_")} | env
        subprocess.run([str(Path(sys.executable).parent / "semcat"), "import", "--publish",
                        str(source)], env=full, capture_output=True, timeout=300, check=True)
        deadline = time.monotonic() + 60
        while httpx.get(hub.url + "/api/v1/codelists/life-event").json()["version"] != 2:
            assert time.monotonic() < deadline, "the hub did not project version 2"
            time.sleep(0.2)  # between polls of the API, not instead of them
        yield hub.url


def test_the_changes_between_two_versions_reached_from_the_versions_list(
        chromium: Path, two_versions: str, tmp_path: Path) -> None:
    page = rendered(chromium, two_versions + "/codelists/life-event?lang=en",
                    tmp_path / "profile")
    [href] = [h for h, t in page.links if t == "changes from the version before"]
    diff = rendered(chromium, urljoin(two_versions + "/", href), tmp_path / "profile")
    assert diff.lang == "en"
    assert diff.heading.strip() == "Changes between versions 1 and 2"
    assert "Adoption of a child" in diff.ids["added"]
    assert shipped_labels("military-service")["en"] in diff.ids["removed"]
    assert shipped_labels("divorce")["en"] in diff.ids["deprecated"]
    assert "Încheierea căsătoriei" in diff.ids["relabelled"]
    assert "moved" not in diff.ids
    russian = rendered(chromium, urljoin(two_versions + "/", href.replace("lang=en", "lang=ru")),
                       tmp_path / "profile", languages="ru")
    assert russian.heading.strip() == "Изменения между версиями 1 и 2"
    assert "Усыновление" in russian.ids["added"]
