"""``GET /api/v1/search``: the JSON answer, its errors, cursors and conditional requests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from catalog.demo import load_demo
from catalog.projections.search import MAX_QUERY_CHARS
from catalog.settings import Settings
from tests.builders import import_records, service_draft
from tests.servers import settings_on


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[TestClient]:
    """The demo hub on each back end, made once for the tests that only read it."""
    data = tmp_path_factory.mktemp("search-http") / "data"
    with settings_on(request.param, data) as settings, TestClient(create_app(settings)) as c:
        load_demo(c.app.state.catalog)  # type: ignore[attr-defined]
        yield c


@pytest.fixture
def fresh_client(ledger_settings: Settings) -> Iterator[TestClient]:
    """A demo hub of the test's own, for a test that changes it."""
    with TestClient(create_app(ledger_settings)) as c:
        load_demo(c.app.state.catalog)  # type: ignore[attr-defined]
        yield c


def assert_error(body: dict[str, object], field: str) -> None:
    err = body["error"]
    assert isinstance(err, dict)
    assert err["code"] == "invalid_input"
    assert err["field"] == field
    assert err["message"]["en"]
    assert err["message"]["ro"]
    assert err["message"]["en"] != err["message"]["ro"]


def test_search_answers_ranked_hits_with_highlights(client: TestClient) -> None:
    r = client.get("/api/v1/search", params={"q": "выдача водительского удостов"})
    assert r.status_code == 200
    body = r.json()
    assert body["total"] >= 1
    assert body["total_is_lower_bound"] is False
    assert body["query"] == "выдача водительского удостов"
    hit = body["hits"][0]
    assert hit["code"] == "ASP-0001"
    assert hit["iri"].endswith("/id/service/ASP-0001")
    assert hit["title"]["ru"] == "Выдача водительского удостоверения"
    assert hit["tier"] == 0
    assert isinstance(hit["score"], float)
    assert {"field": "title", "lang": "ru",
            "html": "<mark>Выдача</mark> <mark>водительского</mark> <mark>удостоверения</mark>"} \
        in hit["highlights"]


def test_language_filter_and_diacritics(client: TestClient) -> None:
    ro = client.get("/api/v1/search", params={"q": "casatorie", "lang": "ro"}).json()
    assert ro["total"] >= 1
    assert all(h["lang"] == "ro" for hit in ro["hits"] for h in hit["highlights"])
    assert any("<mark>căsătorie" in h["html"] or "<mark>căsătoriei" in h["html"]
               for hit in ro["hits"] for h in hit["highlights"])
    assert client.get("/api/v1/search", params={"q": "casatorie", "lang": "en"}
                      ).json()["total"] == 0


def test_cursor_pages_cover_every_hit_once(client: TestClient) -> None:
    everything = client.get("/api/v1/search", params={"q": "cert", "limit": 100}).json()
    seen: list[str] = []
    params: dict[str, str | int] = {"q": "cert", "limit": 6}
    while True:
        page = client.get("/api/v1/search", params=params).json()
        assert page["total"] == everything["total"]
        seen += [h["code"] for h in page["hits"]]
        if page["next_cursor"] is None:
            break
        params["cursor"] = page["next_cursor"]
    assert seen == [h["code"] for h in everything["hits"]]


@pytest.mark.parametrize("q", ["", "   ", "x" * (MAX_QUERY_CHARS + 1)])
def test_an_empty_or_too_long_query_is_400_in_both_languages(client: TestClient,
                                                             q: str) -> None:
    r = client.get("/api/v1/search", params={"q": q})
    assert r.status_code == 400
    assert_error(r.json(), "q")
    assert client.get("/api/v1/search").status_code == 400  # no q at all


def test_bad_parameters_are_400(client: TestClient) -> None:
    for params, field in (({"q": "cert", "lang": "fr"}, "lang"),
                          ({"q": "cert", "limit": 0}, "limit"),
                          ({"q": "cert", "limit": 101}, "limit"),
                          ({"q": "cert", "cursor": "garbage"}, "cursor")):
        r = client.get("/api/v1/search", params=params)
        assert r.status_code == 400, params
        assert_error(r.json(), field)
    r = client.get("/api/v1/search", params={"q": "cert", "limit": "many"})
    assert r.status_code == 400


def test_query_syntax_is_harmless(client: TestClient) -> None:
    for q in ('" * ( ) : - NEAR AND OR ^', "'", "NOT", "{title_ro}:", '"cert', "cert*) OR ("):
        r = client.get("/api/v1/search", params={"q": q})
        assert r.status_code == 200, q
    assert client.get("/api/v1/search", params={"q": "((( ^^^"}).json()["total"] == 0


def test_etag_revalidation_until_something_is_published(fresh_client: TestClient) -> None:
    client = fresh_client
    r = client.get("/api/v1/search", params={"q": "cert"})
    etag = r.headers["etag"]
    assert r.headers["cache-control"] == "public, max-age=0, must-revalidate"
    again = client.get("/api/v1/search", params={"q": "cert"}, headers={"If-None-Match": etag})
    assert again.status_code == 304
    other = client.get("/api/v1/search", params={"q": "permis"})
    assert other.headers["etag"] != etag
    import_records(client.app.state.catalog,   # type: ignore[attr-defined]
        [service_draft("ASP-9301", title_ro="Certificat de test")], author="test")
    fresh = client.get("/api/v1/search", params={"q": "cert"}, headers={"If-None-Match": etag})
    assert fresh.status_code == 200
    assert fresh.headers["etag"] != etag
    assert "ASP-9301" in [h["code"] for h in client.get(
        "/api/v1/search", params={"q": "certificat de test", "limit": 100}).json()["hits"]]


def test_inflected_words_find_and_mark_their_other_forms(client: TestClient) -> None:
    body = client.get("/api/v1/search", params={"q": "indemnizatie nasterea"}).json()
    assert body["hits"][0]["code"] == "CNAS-0002"
    title = next(h for h in body["hits"][0]["highlights"] if h["field"] == "title")
    assert title["html"] == ("Stabilirea <mark>indemnizației</mark> unice la "
                             "<mark>nașterea</mark> copilului")
    ru = client.get("/api/v1/search", params={"q": "пенсия", "lang": "ru"}).json()
    assert ru["total"] == 5
    assert all("<mark>пенсии</mark>" in h["html"] for hit in ru["hits"]
               for h in hit["highlights"])


def test_a_count_past_the_limit_is_a_lower_bound(fresh_client: TestClient) -> None:
    client = fresh_client
    client.app.state.catalog.search_index.count_limit = 3  # type: ignore[attr-defined]
    body = client.get("/api/v1/search", params={"q": "cert", "limit": 2}).json()
    assert (body["total"], body["total_is_lower_bound"]) == (3, True)
    seen = [h["code"] for h in body["hits"]]
    while body["next_cursor"]:
        body = client.get("/api/v1/search", params={
            "q": "cert", "limit": 2, "cursor": body["next_cursor"]}).json()
        seen += [h["code"] for h in body["hits"]]
    assert 3 <= len(seen) == len(set(seen)) <= 6  # 3 title matches, others among the first 3
