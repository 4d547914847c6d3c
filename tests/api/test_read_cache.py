"""Reads of published records kept in memory (api/answers.py, api/read_lane.py): answered again
without being made again, and never after the change they predate, on both ledger back ends.

Service codes ASP-88xx (see tests/api/conftest_publishing.py).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.answers import OVERHEAD, Answer, AnswerCache
from api.app import create_app
from api.read_lane import SharedHead
from catalog.settings import Settings
from tests.api.publishing_helpers import API, JSON, Hub, Who, body, fresh_hub
from tests.asyncrun import run_apart
from tests.builders import passport

pytest_plugins = ["tests.api.conftest_publishing"]
HTML = {"Accept": "text/html"}


def _kept(hub: Hub) -> AnswerCache:
    cache: AnswerCache = hub.client.app.state.answers  # type: ignore[attr-defined]
    return cache


def _new_version(hub: Hub, who: Who, code: str, title: str) -> None:
    """A new version of a published ASP passport with ``title``, submitted and published."""
    r = hub.client.put(f"{API}/services/{code}", content=body(passport(code, title_ro=title)),
                       headers={**who.asp, **JSON, "If-Match": hub.etag(code)})
    assert r.status_code == 200, r.text
    r = hub.move(code, "submit", who.asp, r.headers["etag"])
    assert r.status_code == 200, r.text
    r = hub.move(code, "publish", who.age, r.headers["etag"])
    assert r.status_code == 200, r.text


def test_a_published_passport_is_answered_again_from_memory(hub: Hub, who: Who) -> None:
    code = "ASP-8801"
    hub.published(passport(code, title_ro="Certificat de cache"), who)
    first = hub.client.get(f"{API}/services/{code}")
    hits = _kept(hub).hits
    again = hub.client.get(f"{API}/services/{code}")
    assert _kept(hub).hits == hits + 1
    assert again.status_code == 200
    assert again.content == first.content
    assert again.json()["title"]["ro"] == "Certificat de cache"
    for name in ("etag", "last-modified", "x-version", "x-version-status", "content-type"):
        assert again.headers[name] == first.headers[name]
    assert again.headers["vary"] == "Accept, Authorization"
    assert again.headers["x-request-id"]  # through the app's middleware like any answer
    # each format is its own answer
    turtle = hub.client.get(f"{API}/services/{code}", headers={"Accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert b"Certificat de cache" in turtle.content
    assert hub.client.get(f"{API}/services/{code}").headers["content-type"] == \
        "application/json"


def test_a_new_version_is_served_at_once_in_every_read(hub: Hub, who: Who) -> None:
    code = "ASP-8802"
    hub.published(passport(code, title_ro="Vechea denumire zebra"), who)
    for _ in range(2):  # made, then kept
        assert hub.client.get(f"{API}/services/{code}").json()["title"]["ro"] == \
            "Vechea denumire zebra"
        assert "Vechea denumire zebra" in hub.client.get(f"/id/service/{code}",
                                                         headers=HTML).text
        found = hub.client.get(f"{API}/search", params={"q": "zebra"}).json()
        assert [h["code"] for h in found["hits"]] == [code]
    assert hub.client.get(f"{API}/search", params={"q": "girafa"}).json()["total"] == 0

    _new_version(hub, who, code, "Noua denumire girafa")

    r = hub.client.get(f"{API}/services/{code}")
    assert (r.json()["title"]["ro"], r.headers["x-version"]) == ("Noua denumire girafa", "2")
    page = hub.client.get(f"/id/service/{code}", headers=HTML).text
    assert "Noua denumire girafa" in page
    assert "Vechea denumire zebra" not in page
    assert [h["code"] for h in hub.client.get(
        f"{API}/search", params={"q": "girafa"}).json()["hits"]] == [code]
    assert hub.client.get(f"{API}/search", params={"q": "zebra"}).json()["total"] == 0
    # the version published before is still answered as what it now is
    old = hub.client.get(f"{API}/services/{code}", params={"version": "1"})
    assert (old.json()["title"]["ro"], old.headers["x-version-status"]) == (
        "Vechea denumire zebra", "superseded")


def test_a_withdrawal_answers_410_at_once(hub: Hub, who: Who) -> None:
    code = "ASP-8803"
    hub.published(code, who)
    for _ in range(2):
        assert hub.client.get(f"{API}/services/{code}").status_code == 200
        assert hub.client.get(f"/id/service/{code}", headers=HTML).status_code == 200
        assert hub.client.get(f"/id/service/{code}",
                              headers={"Accept": "text/turtle"}).status_code == 200
    r = hub.move(code, "withdraw", who.age, hub.etag(code))
    assert r.status_code == 200, r.text
    assert hub.client.get(f"{API}/services/{code}").status_code == 410
    assert hub.client.get(f"/id/service/{code}", headers=HTML).status_code == 410
    assert hub.client.get(f"/id/service/{code}",
                          headers={"Accept": "text/turtle"}).status_code == 410


def test_a_matching_etag_or_date_gets_304_from_memory(hub: Hub, who: Who) -> None:
    code = "ASP-8804"
    hub.published(code, who)
    first = hub.client.get(f"{API}/services/{code}")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    hits = _kept(hub).hits
    for conditions in ({"If-None-Match": etag}, {"If-None-Match": f'"x", {etag}'},
                       {"If-Modified-Since": modified}):
        r = hub.client.get(f"{API}/services/{code}", headers=conditions)
        assert r.status_code == 304, conditions
        assert r.content == b""
        assert r.headers["etag"] == etag
    assert _kept(hub).hits == hits + 3
    assert hub.client.get(f"{API}/services/{code}",
                          headers={"If-None-Match": '"other"'}).status_code == 200
    page = hub.client.get(f"/id/service/{code}", headers=HTML)
    again = hub.client.get(f"/id/service/{code}",
                           headers={**HTML, "If-None-Match": page.headers["etag"]})
    assert again.status_code == 304
    _new_version(hub, who, code, "Alt titlu")
    assert hub.client.get(f"{API}/services/{code}",
                          headers={"If-None-Match": etag}).status_code == 200
    assert hub.client.get(f"/id/service/{code}", headers={
        **HTML, "If-None-Match": page.headers["etag"]}).status_code == 200


def test_drafts_never_leak_through_the_cache(hub: Hub, who: Who) -> None:
    code = "ASP-8805"
    hub.published(passport(code, title_ro="Versiunea publicata"), who)
    r = hub.client.put(f"{API}/services/{code}",
                       content=body(passport(code, title_ro="Ciorna secreta")),
                       headers={**who.asp, **JSON, "If-Match": hub.etag(code)})
    assert r.status_code == 200, r.text
    # the owner reads its draft, several times, by number and as the latest
    for _ in range(2):
        for params in ({"version": "2"}, {"version": "latest"}):
            mine = hub.client.get(f"{API}/services/{code}", params=params, headers=who.asp)
            assert mine.json()["title"]["ro"] == "Ciorna secreta"
            assert mine.headers["cache-control"] == "private, no-store"
    # nobody else ever gets it, from memory or otherwise
    for _ in range(2):
        for headers in ({}, who.cnas):
            assert hub.client.get(f"{API}/services/{code}", params={"version": "2"},
                                  headers=headers).status_code == 404
            current = hub.client.get(f"{API}/services/{code}", headers=headers)
            assert current.json()["title"]["ro"] == "Versiunea publicata"
        assert "Ciorna secreta" not in hub.client.get(f"/id/service/{code}",
                                                      headers=HTML).text
    assert hub.client.get(f"{API}/search", params={"q": "secreta"}).json()["total"] == 0


def test_a_draft_only_record_stays_missing_for_others(hub: Hub, who: Who) -> None:
    code = "ASP-8806"
    hub.create(code, who.asp)
    assert hub.client.get(f"{API}/services/{code}", params={"version": "1"},
                          headers=who.asp).status_code == 200
    for headers in ({}, who.cnas, {}):
        assert hub.client.get(f"{API}/services/{code}", params={"version": "1"},
                              headers=headers).status_code == 404
        assert hub.client.get(f"{API}/services/{code}", headers=headers).status_code == 404


def test_another_process_on_the_same_ledger_sees_a_publish_at_once(
        hub: Hub, who: Who, tmp_path_factory: pytest.TempPathFactory) -> None:
    """A second app (as another worker would be) on the same ledger database, with its own
    store: what the first publishes or withdraws, the second answers at the next request."""
    code = "ASP-8807"
    hub.published(passport(code, title_ro="Prima versiune"), who)
    other = Settings(env="test", data_dir=tmp_path_factory.mktemp("worker2") / "data",
                     database_url=hub.settings.resolved_database_url, query_workers=1)
    with TestClient(create_app(other)) as second:
        for _ in range(2):  # made, then kept by the second app
            assert second.get(f"{API}/services/{code}").json()["title"]["ro"] == \
                "Prima versiune"
        _new_version(hub, who, code, "A doua versiune")
        r = second.get(f"{API}/services/{code}")
        assert (r.json()["title"]["ro"], r.headers["x-version"]) == ("A doua versiune", "2")
        assert second.get(f"{API}/services/{code}").json()["title"]["ro"] == "A doua versiune"
        hub.move(code, "withdraw", who.age, hub.etag(code))
        assert second.get(f"{API}/services/{code}").status_code == 410


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """An app whose answer cache holds 96 KB (the SQLite ledger)."""
    settings = Settings(env="test", data_dir=tmp_path_factory.mktemp("small") / "data",
                        query_workers=1, read_cache_bytes=96 * 1024)
    with fresh_hub(settings) as h:
        yield h


def test_the_cache_stays_within_its_bytes(small: Hub) -> None:
    iris = [i for kind in ("organisation", "legal", "location")
            for i in small.catalog.ledger.published_iris(kind)]
    paths = [i.removeprefix(small.settings.base_uri) for i in iris]
    assert len(paths) > 20
    cache = _kept(small)
    first = {}
    for path in paths:
        for lang in ("ro", "en", "ru"):
            r = small.client.get(f"/{path}", params={"lang": lang}, headers=HTML)
            assert r.status_code == 200, (path, r.text[:200])
            first[(path, lang)] = r.content
            assert cache.bytes <= 96 * 1024
    assert 0 < len(cache) < len(first)  # the least recently used went
    for (path, lang), content in list(first.items())[:5]:  # long gone: made again, the same
        assert small.client.get(f"/{path}", params={"lang": lang}, headers=HTML).content == \
            content


def _answer(n: int) -> Answer:
    return Answer.of(b"x" * n, "application/json", {"ETag": '"e"'})


def test_an_answer_cache_drops_the_least_recently_used_and_older_generations() -> None:
    size = _answer(1000).size
    assert size == 1000 + len("ETag") + len('"e"') + OVERHEAD
    cache = AnswerCache(8 * size)  # an answer may take an eighth of it
    for key in "abcdefgh":
        cache.put(key, 7, _answer(1000))
    assert cache.get("a", 7) is not None  # a is now the most recently used
    cache.put("i", 7, _answer(1000))
    assert cache.get("b", 7) is None  # the least recently used went
    assert {k for k in "acdefghi" if cache.get(k, 7)} == set("acdefghi")
    assert cache.bytes == 8 * size
    assert cache.get("a", 8) is None  # the ledger moved on: not served, and dropped
    assert cache.bytes == 7 * size
    cache.put("c", 6, _answer(10))  # made before the answer kept: the newer one stays
    kept = cache.get("c", 7)
    assert kept is not None
    assert len(kept.body) == 1000
    cache.put("big", 7, _answer(2000))  # more than an eighth of the cache: not kept
    assert cache.get("big", 7) is None
    off = AnswerCache(0)
    off.put("a", 1, _answer(1))
    assert (off.get("a", 1), off.bytes) == (None, 0)


def test_a_head_read_is_shared_only_by_requests_that_arrived_before_it_started() -> None:
    gate, started = threading.Event(), threading.Event()
    heads = iter(range(1, 10))

    def read() -> int:  # the ledger's head moves by one at every read
        started.set()
        assert gate.wait(10)
        return next(heads)

    async def scenario() -> tuple[int, list[int], int]:
        head = SharedHead(read)
        first = asyncio.create_task(head.read())
        assert await asyncio.to_thread(started.wait, 10)  # the first read is running
        late = [asyncio.create_task(head.read()) for _ in range(5)]  # while the read runs
        gate.set()
        return await first, [await t for t in late], await head.read()

    assert run_apart(scenario()) == (1, [2] * 5, 3)
