"""How integrators copy the catalogue (issue 4): dumps (N-Quads, gzip, TriG, Turtle) that hold
exactly the published records at their X-Change-Seq, even while writes happen, in flat memory;
and the change feed, which mirrors the catalogue into a fresh store exactly, from 0 or from a
dump, across new versions and withdrawals made through the API between reads."""

from __future__ import annotations

import gzip
import re
import threading
import tracemalloc
from collections import defaultdict
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from bench.corpus import generate
from catalog import rdfio
from catalog.intake.readers import drafts_from_passports
from catalog.ledger import Ledger, NewVersion
from catalog.ledger.db import create_db_engine, migrate
from catalog.queries import feed
from catalog.queries.feed import Dump
from catalog.store import graph_triples
from tests.api.read_helpers import (
    API,
    BASE,
    Hub,
    canonical,
    hermetic_settings,
    ledger_database,
    media_type,
    running_hub,
)
from tests.builders import import_records, passport
from tests.servers import serve_in_thread


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def hub(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
        ) -> Iterator[Hub]:
    """The demo catalogue on each ledger back end; tests write with their own codes (ASP-98xx)
    and compare with the ledger as it then is, never with absolute counts."""
    with running_hub(request.param, tmp_path_factory.mktemp("feed") / "data") as h:
        # more records than the dump fetches from the ledger at once (batches of 200), so
        # that a dump reads some of them after the writes of the tests below
        import_records(h.catalog, drafts_from_passports(generate(100, seed=7), BASE),
                                 author="corpus")
        yield h


def get_dump(client: TestClient, fmt: str = "nquads", encoding: str = "identity"
             ) -> httpx.Response:
    r = client.get(f"{API}/dump", params={"format": fmt}, headers={"Accept-Encoding": encoding})
    assert r.status_code == 200, r.text
    return r


def graphs_of(quads: list[ox.Quad]) -> dict[str, list[ox.Triple]]:
    out: dict[str, list[ox.Triple]] = defaultdict(list)
    for q in quads:
        assert isinstance(q.graph_name, ox.NamedNode), f"a triple outside any record: {q}"
        out[q.graph_name.value].append(q.triple)
    return dict(out)


def assert_exactly(quads: list[ox.Quad], published: dict[str, str]) -> None:
    """``quads`` are the published records: one graph each, the same triples, and no blank node
    shared by two records."""
    graphs = graphs_of(quads)
    assert set(graphs) == set(published)
    for iri, triples in graphs.items():
        assert canonical(triples) == published[iri], iri
    where: dict[ox.BlankNode, set[str]] = defaultdict(set)
    for q in quads:
        for term in (q.subject, q.object):
            if isinstance(term, ox.BlankNode):
                where[term].add(q.graph_name.value)  # type: ignore[union-attr]
    assert all(len(gs) == 1 for gs in where.values()), "records share a blank node"
    per_record = sum(len(set(re.findall(r"_:\w+", content))) for content in published.values())
    assert len(where) == per_record


# --- dumps ----------------------------------------------------------------------------------
def test_an_nquads_dump_holds_exactly_the_published_records(hub: Hub) -> None:
    r = get_dump(hub.client)
    assert media_type(r) == "application/n-quads"
    assert "content-encoding" not in r.headers
    assert int(r.headers["x-change-seq"]) == hub.catalog.ledger.last_seq()
    published = hub.ledger_graphs()
    assert any("_:" in c for c in published.values())  # the demo has blank nodes to keep apart
    assert_exactly(list(ox.parse(r.content, format=ox.RdfFormat.N_QUADS)), published)
    assert set(published) == set(hub.store_graphs())


def test_a_gzip_dump_is_the_same_dump_compressed(hub: Hub) -> None:
    plain = get_dump(hub.client).content
    with hub.client.stream("GET", f"{API}/dump", headers={"Accept-Encoding": "gzip"}) as r:
        raw = b"".join(r.iter_raw())
    assert r.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in r.headers["vary"].lower()
    assert raw[:2] == b"\x1f\x8b"
    assert len(raw) < len(plain) / 4
    assert gzip.decompress(raw) == plain


@pytest.mark.parametrize("encoding", ["identity", "gzip;q=0, identity", "br"])
def test_a_dump_is_not_compressed_unless_the_client_accepts_gzip(hub: Hub, encoding: str
                                                                 ) -> None:
    with hub.client.stream("GET", f"{API}/dump", headers={"Accept-Encoding": encoding}) as r:
        raw = b"".join(r.iter_raw())
    assert "content-encoding" not in r.headers
    assert_exactly(list(ox.parse(raw, format=ox.RdfFormat.N_QUADS)), hub.ledger_graphs())


def test_a_trig_dump_holds_a_graph_per_record(hub: Hub) -> None:
    r = get_dump(hub.client, "trig")
    assert media_type(r) == "application/trig"
    assert int(r.headers["x-change-seq"]) == hub.catalog.ledger.last_seq()
    assert_exactly(list(ox.parse(r.content, format=ox.RdfFormat.TRIG)), hub.ledger_graphs())


def test_a_turtle_dump_is_the_union_of_the_records(hub: Hub) -> None:
    r = get_dump(hub.client, "turtle")
    assert media_type(r) == "text/turtle"
    served = [q.triple for q in ox.parse(r.content, format=ox.RdfFormat.TURTLE)]
    union = [t for content in hub.ledger_graphs().values() for t in graph_triples(content)]
    assert canonical(served) == canonical(union)


def _writes(hub: Hub, tag: int) -> list[str]:
    """Through the API: a new passport, a new version of the last passport (by IRI, the order
    of a dump), the withdrawal of the one before it, another new passport. The IRIs of the two
    existing records it changed."""
    published = sorted(hub.catalog.published_passports(), key=lambda p: hub.catalog.service_iri(
        p.code))
    last, before_last = published[-1], published[-2]
    hub.publish(passport(f"ASP-98{tag:02d}", title_ro=f"Nou {tag}"))
    hub.publish(last.model_copy(update={"title": {**last.title, "ro": f"Titlu nou {tag}"}}),
                owner=last.code.split("-")[0])
    hub.withdraw(before_last.code)
    hub.publish(passport(f"ASP-98{tag + 1:02d}", title_ro=f"Nou {tag + 1}"))
    return [hub.catalog.service_iri(last.code), hub.catalog.service_iri(before_last.code)]


def _late(iris: list[str], before: dict[str, str]) -> bool:
    """Whether ``iris`` come after the first batch of 200 records a dump reads."""
    order = sorted(before)
    return all(order.index(i) >= 200 for i in iris)


def test_a_dump_read_while_writes_happen_is_the_state_at_its_seq(hub: Hub) -> None:
    before, seq = hub.ledger_graphs(), hub.catalog.ledger.last_seq()
    dump = Dump(hub.catalog.ledger, "nquads", gzip=False)
    chunks = iter(dump)
    first = next(chunks)
    assert dump.seq == seq
    assert _late(_writes(hub, 10), before)
    assert hub.catalog.ledger.last_seq() > seq
    body = first + b"".join(chunks)
    assert_exactly(list(ox.parse(body, format=ox.RdfFormat.N_QUADS)), before)


def test_a_dump_streamed_over_http_while_writes_happen_is_the_state_at_its_seq(
        hub: Hub, monkeypatch: pytest.MonkeyPatch) -> None:
    # The server is held before it serialises the 201st record (its first chunks are sent by
    # then), until the writes below are committed: they happen mid-stream.
    reached, release = threading.Event(), threading.Event()
    real_chunk = feed._chunk
    done: list[str] = []

    def chunk(fmt: str, iri: str, triples: list[ox.Triple]) -> bytes:
        if len(done) == 200:
            reached.set()
            release.wait(timeout=60)
        done.append(iri)
        return real_chunk(fmt, iri, triples)

    monkeypatch.setattr(feed, "_chunk", chunk)
    before, seq = hub.ledger_graphs(), hub.catalog.ledger.last_seq()
    try:
        with serve_in_thread(hub.app, lifespan="off") as url, \
                httpx.Client(base_url=url, timeout=30) as client, \
                client.stream("GET", f"{API}/dump", headers={"Accept-Encoding": "identity"}
                              ) as r:
            assert r.status_code == 200
            assert int(r.headers["x-change-seq"]) == seq
            received = r.iter_raw()
            body = next(received)  # what the server has sent so far
            assert reached.wait(timeout=30)
            assert _late(_writes(hub, 20), before)
            assert hub.catalog.ledger.last_seq() > seq
            release.set()
            body += b"".join(received)
    finally:
        release.set()
    assert_exactly(list(ox.parse(body, format=ox.RdfFormat.N_QUADS)), before)


@cache
def _corpus(n: int) -> tuple[NewVersion, ...]:
    """``n`` generated passports as ledger versions (shaped like the demo, distinct codes)."""
    out = []
    for d in drafts_from_passports(generate(n), BASE):
        content = d.canonical()
        out.append(NewVersion(iri=d.iri, kind="service", code=d.code, institution_code=None,
                              content=content, content_hash=rdfio.content_hash(content),
                              triple_count=len(d.triples), author="corpus"))
    return tuple(out)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_dump_streams_in_flat_memory(backend: str, tmp_path: Path) -> None:
    with ledger_database(backend) as db:
        settings = hermetic_settings(data_dir=tmp_path / "data", **db)
        engine = create_db_engine(settings.resolved_database_url)
        try:
            migrate(engine)
            ledger = Ledger(engine)
            ledger.append(list(_corpus(3000)))
            tracemalloc.start()
            try:
                dump = Dump(ledger, "nquads", gzip=False)
                total, held = 0, []
                for chunk in dump:
                    total += len(chunk)
                    held.append(tracemalloc.get_traced_memory()[0])
                peak = tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
        finally:
            engine.dispose()
    assert total > 40_000_000
    assert peak < total / 2, f"{peak} bytes held for a {total}-byte dump"
    third = len(held) // 3
    assert max(held[-third:]) < max(held[:third]) + 4_000_000, "memory grows with the dump"


# --- the change feed ----------------------------------------------------------------------
class Mirror:
    """An integrator's copy: a fresh pyoxigraph store fed from a dump and the change feed."""

    def __init__(self) -> None:
        self.store = ox.Store()
        self.after = 0

    def load_dump(self, r: httpx.Response) -> None:
        self.store.load(r.content, format=ox.RdfFormat.N_QUADS)
        self.after = int(r.headers["x-change-seq"])

    def apply(self, item: dict[str, Any]) -> None:
        g = ox.NamedNode(item["iri"])
        if g in set(self.store.named_graphs()):
            self.store.remove_graph(g)
        if item["op"] == "publish":
            self.store.load(item["content"], format=ox.RdfFormat.N_TRIPLES, to_graph=g)
        else:
            assert item["op"] == "withdraw"
        self.after = item["seq"]

    def follow(self, client: TestClient | httpx.Client, limit: int = 100) -> int:
        """Apply every change after the last one applied; how many there were."""
        url, n = f"{API}/changes?after={self.after}&limit={limit}", 0
        while True:
            body = client.get(url).json()
            if not body["items"]:
                return n
            for item in body["items"]:
                self.apply(item)
                n += 1
            url = body["next"]

    def graphs(self) -> dict[str, str]:
        return {g.value: canonical([q.triple for q in self.store.quads_for_pattern(
            None, None, None, g)]) for g in self.store.named_graphs()
            if isinstance(g, ox.NamedNode)}


def walk_feed(client: TestClient, after: int, limit: int, content: bool = True
              ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every item after ``after`` following ``next``; and every page."""
    params = "" if content else "&content=false"
    url = f"{API}/changes?after={after}&limit={limit}{params}"
    items: list[dict[str, Any]] = []
    pages: list[dict[str, Any]] = []
    while True:
        r = client.get(url)
        assert r.status_code == 200, r.text
        body = r.json()
        pages.append(body)
        assert r.headers["link"] == f'<{body["next"]}>; rel="next"'
        if not body["items"]:
            return items, pages
        items += body["items"]
        url = body["next"]


def test_the_feed_lists_every_change_in_order(hub: Hub) -> None:
    ledger = hub.catalog.ledger
    items, pages = walk_feed(hub.client, 0, 37)
    rows = ledger.changes_after(0, 10**6)
    assert [i["seq"] for i in items] == [r.seq for r in rows]
    assert [i["seq"] for i in items] == sorted({i["seq"] for i in items})
    assert all(len(p["items"]) == 37 for p in pages[:-2])
    assert pages[-1]["last_seq"] == ledger.last_seq()
    for item, row in zip(items, rows, strict=True):
        assert (item["op"], item["iri"], item["kind"], item["code"]) == \
            (row.op, row.iri, row.kind, row.code)
        assert item["op"] in {"publish", "withdraw"}
        if item["op"] == "publish":
            assert item["version"] >= 1
            assert item["content"] == ledger.version(item["iri"], item["version"]).content
        else:
            assert item["content"] is None
    kinds = {i["kind"] for i in items}
    assert {"codelist", "organisation", "location", "legal", "service"} <= kinds


def test_following_the_feed_from_0_mirrors_the_catalogue_across_later_writes(hub: Hub
                                                                             ) -> None:
    mirror = Mirror()
    assert mirror.follow(hub.client) > 0
    assert mirror.graphs() == hub.store_graphs() == hub.ledger_graphs()
    changed, withdrawn = _writes(hub, 30)
    assert mirror.follow(hub.client) == 4  # publish, new version, withdraw, publish
    assert mirror.graphs() == hub.store_graphs() == hub.ledger_graphs()
    assert withdrawn not in mirror.graphs()
    assert "Titlu nou 30" in mirror.graphs()[changed]
    assert hub.catalog.service_iri("ASP-9831") in mirror.graphs()
    assert mirror.follow(hub.client) == 0


def test_a_dump_then_the_feed_from_its_seq_mirrors_the_catalogue(hub: Hub) -> None:
    mirror = Mirror()
    mirror.load_dump(get_dump(hub.client))
    assert mirror.graphs() == hub.ledger_graphs()
    _writes(hub, 40)
    mirror.follow(hub.client, limit=2)
    assert mirror.graphs() == hub.ledger_graphs()
    assert mirror.after == hub.catalog.ledger.last_seq()


def test_a_feed_followed_during_concurrent_publications_misses_nothing(hub: Hub) -> None:
    mirror = Mirror()
    mirror.follow(hub.client, limit=500)
    who = [hub.bearer("ASP") for _ in range(4)]
    reviewer = hub.bearer("AGE", "reviewer")
    failures: list[BaseException] = []
    with serve_in_thread(hub.app, lifespan="off") as url:
        def writer(n: int) -> None:
            try:
                with httpx.Client(base_url=url, timeout=60) as c:
                    for k in range(3):
                        hub.publish(passport(f"ASP-986{n}{k}"), client=c, who=who[n],
                                    reviewer=reviewer)
            except BaseException as exc:  # reported below
                failures.append(exc)

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        with httpx.Client(base_url=url, timeout=60) as reader:
            while any(t.is_alive() for t in threads):
                mirror.follow(reader, limit=3)  # an integrator polling as writes land
            for t in threads:
                t.join()
            mirror.follow(reader, limit=3)
    assert not failures, failures
    graphs = mirror.graphs()
    assert graphs == hub.ledger_graphs()
    assert all(hub.catalog.service_iri(f"ASP-986{n}{k}") in graphs
               for n in range(4) for k in range(3))


def test_the_feed_without_contents_is_the_same_feed(hub: Hub) -> None:
    full, _ = walk_feed(hub.client, 0, 500)
    bare, pages = walk_feed(hub.client, 0, 500, content=False)
    assert all("content" not in i for i in bare)
    assert all(p["next"].endswith("&content=false") for p in pages)
    assert bare == [{k: v for k, v in i.items() if k != "content"} for i in full]


def test_resuming_from_any_seq_gives_the_rest_with_no_gap(hub: Hub) -> None:
    everything = [r.seq for r in hub.catalog.ledger.changes_after(0, 10**6)]
    last = everything[-1]
    for k in sorted({0, 1, 17, everything[len(everything) // 2], last - 1, last}):
        items, _ = walk_feed(hub.client, k, 25)
        assert [i["seq"] for i in items] == [s for s in everything if s > k], k
    r = hub.client.get(f"{API}/changes", params={"after": last + 1000})
    assert r.json()["items"] == []
    assert r.json()["next"] == f"{API}/changes?after={last + 1000}&limit=500"


def test_a_new_version_in_the_feed_carries_its_number_and_content(hub: Hub) -> None:
    seq = hub.catalog.ledger.last_seq()
    [old] = [p for p in hub.catalog.published_passports() if p.code == "CNAS-0002"]
    hub.publish(old.model_copy(update={"title": {**old.title, "en": "Child-birth allowance"}}),
                owner="CNAS")
    items, _ = walk_feed(hub.client, seq, 10)
    [item] = [i for i in items if i["code"] == "CNAS-0002"]
    assert item["op"] == "publish"
    assert item["version"] == 2
    assert item["content"] == hub.ledger_graphs()[hub.catalog.service_iri("CNAS-0002")]
    assert '"Child-birth allowance"@en' in item["content"]


def test_a_withdrawal_in_the_feed_names_the_withdrawn_version(hub: Hub) -> None:
    hub.publish(passport("ASP-9850"))
    hub.publish(passport("ASP-9850", title_ro="A doua versiune"))
    seq = hub.catalog.ledger.last_seq()
    hub.withdraw("ASP-9850")
    items, _ = walk_feed(hub.client, seq, 10)
    assert [(i["op"], i["code"], i["content"]) for i in items] == \
        [("withdraw", "ASP-9850", None)]
    assert items[0]["version"] == 2


@pytest.mark.parametrize("params", [{"after": "-1"}, {"limit": "0"}, {"limit": "5001"},
                                    {"after": "x"}])
def test_a_bad_feed_cursor_or_limit_is_400(hub: Hub, params: dict[str, str]) -> None:
    r = hub.client.get(f"{API}/changes", params=params)
    assert r.status_code == 400
    assert r.json()["error"]["field"] == f"query.{next(iter(params))}"
