"""Query workers run under a memory cap: a query that needs more is stopped quickly with a 503
``query_too_large``, its worker replaced, while a query on another worker answers normally; the
worker's memory, measured from the parent, never passes the cap by much."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from catalog.errors import QueryTooLarge
from catalog.queries.endpoint import QueryService
from catalog.settings import Settings
from catalog.store import GraphOp
from catalog.store.embedded import EmbeddedStore
from catalog.store.limits import Watchdog, status_kb
from tests.api.conftest import load_graphs

CAP_MB = 128
#: Memory a capped worker may hold over its rest plus the cap: malloc's pages not yet reused,
#: the sampling interval.
SLACK_MB = 48
G = "http://127.0.0.1:8000/id/service/ASP-{:04d}"
P = "http://example.org/p{}"
#: 2,000 triples; sorting their cartesian square (4 million rows) needs gigabytes.
HUGE = "SELECT ?c ?f WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"
#: ... and so does one string of 4 million pairs of values.
CONCAT = "SELECT (GROUP_CONCAT(CONCAT(?c, ?f)) AS ?x) WHERE { ?a ?b ?c . ?d ?e ?f }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _content(n: int) -> str:
    s = G.format(n)
    pad = "a long text to sort and to join " * 6
    return "".join(f'<{s}> <{P.format(k)}> "value {n} {k}, {pad}" .\n' for k in range(50))


def _graphs() -> dict[str, str]:
    return {G.format(n): _content(n) for n in range(1, 41)}


@pytest.fixture
def capped(settings: Settings) -> Iterator[QueryService]:
    store = EmbeddedStore(settings.data_dir / "store")
    store.apply([GraphOp(g, text) for g, text in _graphs().items()], 1)
    qs = QueryService(settings.model_copy(update={
        "query_worker_memory_mb": CAP_MB, "query_workers": 2, "query_timeout_s": 30.0}), store)
    yield qs
    qs.close()
    store.close()


def _count(qs: QueryService, text: str = COUNT) -> int:
    return int(json.loads(qs.run(text).body)["results"]["bindings"][0]["n"]["value"])


class _Sampler:
    """The largest resident and anonymous memory of every worker, read from the parent."""

    def __init__(self, qs: QueryService) -> None:
        assert qs._sandbox is not None
        self.sandbox = qs._sandbox
        self.peak: dict[int, tuple[int, int]] = {}
        self.rest = {w.proc.pid: status_kb(w.proc.pid or 0) for w in self.sandbox._workers}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for w in list(self.sandbox._workers):
                kb = status_kb(w.proc.pid or 0)
                if kb and w.proc.pid is not None:
                    rss, anon = self.peak.get(w.proc.pid, (0, 0))
                    self.peak[w.proc.pid] = (max(rss, kb["VmRSS"]), max(anon, kb["RssAnon"]))
            time.sleep(0.005)

    def __enter__(self) -> _Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@pytest.mark.parametrize("query", [HUGE, CONCAT], ids=["sorted product", "group_concat"])
def test_a_query_past_the_cap_is_stopped_and_its_worker_replaced(
        capped: QueryService, query: str) -> None:
    qs = capped
    assert _count(qs) == 2000  # every worker has opened the snapshot: at rest with it
    assert _count(qs) == 2000
    with _Sampler(qs) as sampler:
        started = time.monotonic()
        with pytest.raises(QueryTooLarge) as caught:
            qs.run(query)
        took = time.monotonic() - started
    assert caught.value.code == "query_too_large"
    assert caught.value.message.startswith(f"the query needed more than {CAP_MB} MB of memory")
    assert took < 10, took  # stopped by the cap, far before the 30 s deadline
    grown = [(pid, (anon - sampler.rest[pid]["RssAnon"]) // 1024,
              (rss - sampler.rest[pid]["VmRSS"]) // 1024)
             for pid, (rss, anon) in sampler.peak.items() if pid in sampler.rest]
    print(f"{query}: {took:.1f} s; worker growth (pid, anon MiB, rss MiB): {grown}")
    assert max(g[1] for g in grown) > CAP_MB // 2, grown  # the query did grow its worker
    assert all(anon <= CAP_MB + SLACK_MB and rss <= CAP_MB + SLACK_MB
               for _, anon, rss in grown), grown
    assert _count(qs) == 2000  # answered right after, on a worker under the cap
    assert len(sampler.sandbox._workers) == 2  # the dead worker was replaced


def test_a_query_on_another_worker_answers_meanwhile(capped: QueryService) -> None:
    qs = capped
    _count(qs)
    failed: list[BaseException] = []
    ended: list[float] = []

    def heavy() -> None:
        try:
            qs.run(HUGE)
        except BaseException as exc:  # inspected below
            failed.append(exc)
        ended.append(time.monotonic())

    thread = threading.Thread(target=heavy)
    thread.start()
    started: list[float] = []
    while thread.is_alive():  # normal queries, each new (no cache), on the other worker
        started.append(time.monotonic())
        n = _count(qs, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o FILTER(?o != {len(started)}) }}")
        assert n == 2000
    thread.join()
    assert started, "no query ran meanwhile"
    assert started[0] < ended[0]  # at least one ran (and answered) while the heavy one ran
    assert len(failed) == 1, failed
    assert isinstance(failed[0], QueryTooLarge), failed


def test_a_worker_that_raises_memory_error_is_replaced(capped: QueryService) -> None:
    """Python's MemoryError in a worker (its allocations past the cap) is answered, not
    fatal: the worker says so, and the parent replaces it."""
    sandbox = capped._sandbox
    assert sandbox is not None
    worker = sandbox._pool.take(5.0)
    assert worker is not None
    sandbox._done(worker, ("memory", None))
    with pytest.raises(QueryTooLarge):
        sandbox._remember(("memory", None))
    assert worker not in sandbox._workers
    assert not worker.proc.is_alive()
    assert _count(capped) == 2000


def test_the_http_answer_is_503_with_retry_after(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"query_worker_memory_mb": CAP_MB,
                                                 "query_timeout_s": 30.0}))
    with TestClient(app) as client:
        load_graphs(app, _graphs())
        r = client.get("/sparql", params={"query": HUGE})
        assert r.status_code == 503, r.text
        assert r.headers["Retry-After"]
        body = r.json()
        assert body["code"] == "query_too_large"
        assert f"more than {CAP_MB} MB" in body["message"]["en"]
        ok = client.get("/sparql", params={"query": COUNT})
        assert ok.status_code == 200
        assert ok.json()["results"]["bindings"][0]["n"]["value"] == "2000"


def test_the_watchdog_kills_a_process_past_its_bound() -> None:
    """The parent's second line, for memory the data limit does not see."""
    grow = ("import time\nblocks = []\nwhile True:\n"
            "    blocks.append(bytearray(16 << 20))\n    time.sleep(0.01)\n")
    proc = subprocess.Popen([sys.executable, "-c", grow])
    dog = Watchdog(memory_mb=64, interval_s=0.01)
    try:
        dog.watch(proc.pid)
        proc.wait(timeout=20)
        assert dog.unwatch(proc.pid)
        assert proc.returncode == -9
    finally:
        dog.stop()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
