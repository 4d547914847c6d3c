"""The portal's pages in-process: the home page keeps its size as the catalogue grows, every
service is reached from it by links (authorities, events, the next pages), search results are
server-rendered with ș/ş and diacritics folded, and what a person types wrong is a 4xx page
naming the field."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.security_headers import CSP
from catalog.demo import load_reference
from catalog.queries.browse import encode_cursor
from catalog.settings import Settings
from tests.builders import import_records, service_draft

#: services added on top of the first one: enough for several pages of an authority's list
GROWN = 300
_HREF = re.compile(r'href="([^"]+)"')


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(env="test", data_dir=tmp_path_factory.mktemp("portal") / "data")
    with TestClient(create_app(settings)) as c:
        cat = c.app.state.catalog  # type: ignore[attr-defined]
        load_reference(cat)
        import_records(cat, [service_draft("ASP-9201", title_ro="Ajutorul de şomaj"),
                             service_draft("ASP-9202", title_ro="<script>alert(1)</script>")],
                       author="test")
        yield c


def _grow(client: TestClient) -> None:
    cat = client.app.state.catalog  # type: ignore[attr-defined]
    import_records(cat, [service_draft(f"ASP-{7000 + i}", title_ro=f"Serviciul generat {i}")
                         for i in range(GROWN)], author="test")


def _links(html: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in _HREF.findall(html)]


def test_the_home_page_does_not_grow_with_the_catalogue(client: TestClient) -> None:
    small = client.get("/")
    assert small.status_code == 200
    assert '<strong id="total">2</strong>' in small.text
    assert 'type="search"' in small.text
    assert 'action="/search"' in small.text
    _grow(client)
    grown = client.get("/")
    assert f'<strong id="total">{GROWN + 2}</strong>' in grown.text
    # the same page but for the counts' digits: no list of every service on it
    assert len(grown.content) - len(small.content) <= 8
    assert len(grown.content) < 50_000
    assert "/id/service/" not in grown.text


def test_every_service_is_reached_from_the_home_page_by_links(client: TestClient) -> None:
    if client.get("/api/v1/services?limit=1").json()["total"] < GROWN:
        _grow(client)
    seen: set[str] = set()
    services: set[str] = set()
    todo = ["/"]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        r = client.get(path)
        assert r.status_code == 200, path
        for href in _links(r.text):
            where = urlsplit(href).path
            if where.startswith("/id/service/"):
                services.add(where.rsplit("/", 1)[1])
            elif where.startswith(("/authorities/", "/life-events/", "/business-events/")):
                todo.append(href)
    published = client.get("/api/v1/services?limit=500").json()
    assert services == {i["code"] for i in published["items"]}
    assert len(services) == GROWN + 2
    assert any("cursor=" in p for p in seen)  # the authority's list took more than one page


def test_search_results_without_a_script_fold_diacritics_and_cedillas(
        client: TestClient) -> None:
    for q in ("somaj", "șomaj", "ŞOMAJ"):
        r = client.get("/search", params={"q": q})
        assert r.status_code == 200
        assert '<a href="/id/service/ASP-9201?lang=ro">Ajutorul de şomaj</a>' in r.text, q
        assert f'value="{q}"' in r.text  # the box keeps what was typed
    # the language switch keeps the words searched
    assert 'href="?q=%C8%99omaj&amp;lang=ru"' in client.get("/search?q=șomaj").text
    none = client.get("/search", params={"q": "zzzqqq", "lang": "en"})
    assert "No service matches the search." in none.text
    empty = client.get("/search")
    assert empty.status_code == 200
    assert "Scrieți unul sau mai multe cuvinte." in empty.text


def test_search_results_are_paged(client: TestClient) -> None:
    if client.get("/api/v1/services?limit=1").json()["total"] < GROWN:
        _grow(client)
    first = client.get("/search", params={"q": "generat"})
    assert first.text.count('href="/id/service/ASP-7') == 20
    [nxt] = [h for h in _links(first.text) if "cursor=" in h]
    second = client.get(nxt)
    assert second.text.count('href="/id/service/ASP-7') == 20
    def shown(html: str) -> set[str]:
        return {h for h in _links(html) if h.startswith("/id/service/")}
    assert len(shown(first.text)) == len(shown(second.text)) == 20
    assert not shown(first.text) & shown(second.text)


def test_values_are_escaped(client: TestClient) -> None:
    after = encode_cursor("ASP-9201")  # the page of ASP's list that begins with ASP-9202
    for path in (f"/authorities/ASP?cursor={after}", "/search?q=alert"):
        r = client.get(path)
        assert "<script>alert(1)</script>" not in r.text, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text, path


@pytest.mark.parametrize(("path", "status", "field"), [
    ("/life-events/no-such-event", 404, None),
    ("/business-events/no-such-event", 404, None),
    ("/authorities/NOSUCH", 404, "authority"),
    ("/life-events/unemployment?cursor=not-ours", 400, "cursor"),
    ("/authorities/ASP?cursor=not-ours", 400, "cursor"),
    ("/search?q=" + "a" * 201, 400, "q"),
    ("/search?q=somaj&cursor=not-ours", 400, "cursor"),
    ("/map?location=no-such-place", 404, "location"),
])
def test_what_a_person_types_wrong_is_a_page_naming_it(client: TestClient, path: str,
                                                       status: int, field: str | None) -> None:
    r = client.get(path, headers={"Accept-Language": "en"})
    assert r.status_code == status
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["content-security-policy"] == CSP
    assert '<html lang="en">' in r.text
    assert ("No such page" if status == 404 else "Bad request") in r.text
    if field:
        assert f"<code>{field}</code>" in r.text


def test_every_portal_page_is_under_the_policy(client: TestClient) -> None:
    for path in ("/", "/search?q=somaj", "/life-events/unemployment", "/authorities/ASP",
                 "/map", "/business-events/start"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert r.headers["content-security-policy"] == CSP, path
        assert "<script>" not in r.text, path  # scripts only from /static/lib, by src
        tags = re.sub(r">[^<]*<", "><", r.text)
        assert not re.search(r"\son[a-z]+\s*=", tags), path  # no inline event handler
