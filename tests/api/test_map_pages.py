"""/map in-process: its size does not grow with the services offered at a place (each place
shows its first services and links to the paged list of all of them), the service a person
came from is listed first at the focused place, and the lists follow the catalogue's changes."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.pages.map_page import SHOWN
from api.pages.portal import LIST_PAGE
from catalog.demo import load_reference
from catalog.records import RecordDraft
from catalog.records.passport import to_triples
from catalog.settings import Settings
from tests.builders import BASE, import_records, passport

PLACE = "costesti-ialoveni"
_SERVICE_LINK = re.compile(r'href="/id/service/([A-Z0-9-]+)\?')


def _placed(code: str, title: str) -> RecordDraft:
    """A service with its one-stop-shop channel at PLACE."""
    p = passport(code, title_ro=title)
    p.channels[0].locations = [f"{BASE}id/location/{PLACE}"]
    iri = f"{BASE}id/service/{code}"
    return RecordDraft(iri, "service", to_triples(p, iri))


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(env="test", data_dir=tmp_path_factory.mktemp("map") / "data")
    with TestClient(create_app(settings)) as c:
        load_reference(c.app.state.catalog)  # type: ignore[attr-defined]
        yield c


def _place_entry(html: str) -> str:
    start = html.index(f'id="loc-{PLACE}"')
    return html[start:html.index("</li>\n", html.index("</ul>", start))]


def test_the_map_page_does_not_grow_with_the_services_of_a_place(client: TestClient) -> None:
    cat = client.app.state.catalog  # type: ignore[attr-defined]
    import_records(cat, [_placed("ASP-8000", "Serviciul aici 000")])
    small = client.get("/map")
    assert small.status_code == 200
    assert _SERVICE_LINK.findall(_place_entry(small.text)) == ["ASP-8000"]
    assert f"/map/places/{PLACE}" not in small.text  # every service shown: no link to more
    import_records(cat, [_placed(f"ASP-{8000 + i}", f"Serviciul aici {i:03}")
                         for i in range(1, 120)])
    grown = client.get("/map")  # the catalogue changed: the places are read again
    entry = _place_entry(grown.text)
    assert _SERVICE_LINK.findall(entry) == [f"ASP-{8000 + i}" for i in range(SHOWN)]
    assert f'href="/map/places/{PLACE}?lang=ro"' in entry
    assert "(120)" in entry
    assert len(grown.content) - len(small.content) < 2_000


def test_the_service_a_person_came_from_is_listed_first_at_the_place(
        client: TestClient) -> None:
    cat = client.app.state.catalog  # type: ignore[attr-defined]
    import_records(cat, [_placed(f"ASP-{8200 + i}", f"Alt serviciu {i:03}")
                         for i in range(SHOWN + 5)])
    last = f"ASP-{8200 + SHOWN + 4}"
    assert last not in _SERVICE_LINK.findall(_place_entry(client.get("/map").text))
    html = client.get(f"/map?location={PLACE}&service={last}").text
    assert _SERVICE_LINK.findall(_place_entry(html))[0] == last
    assert 'aria-current="location"' in _place_entry(html)
    passport_page = client.get(f"/id/service/{last}", headers={"Accept": "text/html"}).text
    assert f"/map?location={PLACE}&amp;service={last}&amp;lang=ro#loc-{PLACE}" in passport_page


def test_a_place_page_lists_all_its_services_paged(client: TestClient) -> None:
    cat = client.app.state.catalog  # type: ignore[attr-defined]
    import_records(cat, [_placed(f"ASP-{8400 + i}", f"Pe pagini {i:03}")
                         for i in range(LIST_PAGE + 1)])
    first = client.get(f"/map/places/{PLACE}?lang=en")
    assert first.status_code == 200
    count = re.search(r'<p id="count"><strong>(\d+)</strong>', first.text)
    assert count is not None
    total = int(count.group(1))
    assert total >= LIST_PAGE + 1
    seen = _SERVICE_LINK.findall(first.text)
    assert len(seen) == LIST_PAGE
    nxt = re.search(r'href="(/map/places/[^"]+cursor=[^"]+)"', first.text)
    assert nxt is not None
    while nxt is not None:
        page = client.get(nxt.group(1).replace("&amp;", "&"))
        seen += _SERVICE_LINK.findall(page.text)
        nxt = re.search(r'href="(/map/places/[^"]+cursor=[^"]+)"', page.text)
    assert len(set(seen)) == total


def test_an_unknown_place_is_a_404_page_naming_it(client: TestClient) -> None:
    answer = client.get("/map/places/nowhere-at-all?lang=en")
    assert answer.status_code == 404
    assert "nowhere-at-all" in answer.text
    assert client.get("/map?location=nowhere-at-all").status_code == 404
