"""A projector that died with an update in flight to a remote SPARQL server: the server may
run that update later, beside the next holder's (found by bench/crash.py: 36 graphs of ~660
held two copies of their blank nodes, /health said ok). The next holder verifies the graphs the
dead one named before it sent the update, rewrites those that differ from the ledger once no
such update can still run, and /health says `degraded` until then (a real `oxigraph serve`, on
SQLite and PostgreSQL).

Two updates that `oxigraph serve` runs at the same time both read the old fence, and each
drops what its own snapshot held and inserts its own copy: the store ends with the union of
both inserts. Two requests cannot be made to overlap on demand, so the tests give the store
that end state directly: the dead holder's copy of its graphs is inserted beside the current
one, and its old fence beside the new (an ``INSERT DATA`` without a guard, sent after the new
holder took over, as the late request's part that the server ran).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.app import create_app
from catalog import rdfio
from catalog.core import Catalog
from catalog.demo import load_reference
from catalog.errors import StoreInDoubt
from catalog.ledger.leases import Lease
from catalog.namespaces import FENCE_PREDICATE, META_GRAPH, WATERMARK_SUBJECT
from catalog.settings import Settings
from catalog.store import graph_triples
from catalog.store.remote import RemoteStore
from tests.builders import import_records, service_draft

#: How long a dead holder's update may still run, in these tests: longer than any test, whose
#: end the test brings forward once it gave the store the late update's end state
#: (:func:`_nothing_can_land`), so that no verification ends before that, however slow the run.
MAX_S = 3600.0


@pytest.fixture
def settings(remote_settings: Settings) -> Settings:
    return remote_settings.model_copy(update={"store_update_max_s": MAX_S})


@pytest.fixture(params=["sqlite", "postgres"])
def any_ledger(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    if request.param == "sqlite":
        return settings
    return settings.model_copy(update={"database_url": request.getfixturevalue("postgres_url")})


def _dead_holder() -> str:
    """The name a projector of this host had, whose process is gone."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return f"{socket.gethostname()}:{proc.pid}:dead"


def _nothing_can_land(cat: Catalog) -> None:
    """The time an update of a dead holder may still run has passed (brought forward)."""
    assert cat.store_projection is not None
    lease = cat.store_projection.lease
    assert lease is not None
    lease.set_suspect(lease.suspect, time.time())


def _left(cat: Catalog) -> int:
    """How many graphs are left to verify (what /health reports)."""
    pending = cat.verifying()
    return 0 if pending is None else pending[0]


def _differing(cat: Catalog) -> list[str]:
    """Graphs of the store missing, extra or whose triples differ from the ledger's."""
    assert cat.store is not None
    published = cat.ledger.published()
    names = cat.store.graph_names()
    return sorted({*(set(published) ^ names),
                   *(iri for iri in names & set(published)
                     if rdfio.canonical_ntriples(cat.store.graph(iri)) != published[iri])})


def _fences(cat: Catalog) -> list[int]:
    assert cat.store is not None
    rows = cat.store.select(f"SELECT ?e WHERE {{ GRAPH <{META_GRAPH}> {{ <{WATERMARK_SUBJECT}> "
                            f"<{FENCE_PREDICATE}> ?e }} }}")
    return sorted(int(r["e"].value) for r in rows)


def _lands_beside(settings: Settings, contents: dict[str, str], epoch: int) -> None:
    """What the server leaves of a late update run beside the current holder's: its copy of
    each graph (fresh blank nodes) and its fence, beside what is there."""
    body = "".join(f"GRAPH <{iri}> {{\n" + "".join(f"{t} .\n" for t in graph_triples(c)) + "}\n"
                   for iri, c in contents.items())
    body += f"GRAPH <{META_GRAPH}> {{ <{WATERMARK_SUBJECT}> <{FENCE_PREDICATE}> {epoch} }}\n"
    assert settings.resolved_update_url is not None
    resp = httpx.post(settings.resolved_update_url, content=f"INSERT DATA {{\n{body}}}",
                      headers={"Content-Type": "application/sparql-update"})
    assert resp.status_code in (200, 204), resp.text


def test_a_dead_projectors_update_landing_beside_the_next_holders_is_repaired(
        any_ledger: Settings) -> None:
    settings = any_ledger
    first = Catalog(settings)
    load_reference(first)  # organisations and places: addresses and identifiers, blank nodes
    first.close()
    new: Catalog | None = None
    try:
        # a projector (a hub, `semcat rebuild`) sends an update of three such graphs and dies
        dead_store = Catalog(settings, with_store=False)
        published = dead_store.ledger.published()
        sent = {iri: c for iri, c in sorted(published.items()) if "_:" in c}
        sent = dict(list(sent.items())[:3])
        dead = Lease(dead_store.engine, "store", holder=_dead_holder())
        assert dead.acquire()
        assert dead.note_inflight(sent, time.time() + MAX_S)
        dead_store.close()

        new = Catalog(settings)  # the restarted hub takes the store over at once
        assert _left(new) == 3
        import_records(new, [service_draft("ASP-9803")])  # it writes (with a new epoch)
        _lands_beside(settings, sent, dead.epoch)  # the dead update runs beside the new one's
        assert _differing(new) == sorted(sent)  # two copies of their blank nodes
        assert _fences(new) == [dead.epoch, dead.epoch + 1]

        with TestClient(create_app(settings)) as client:  # another worker of the hub
            body = client.get("/health").json()
            assert body["status"] == "degraded"
            assert body["store"]["verifying"]["graphs"] == 3
            assert any("verifying 3 graph(s)" in r for r in body["reasons"])

            _nothing_can_land(new)
            assert new.store_projection is not None
            assert new.store_projection.verify(wait=True) == 3  # once nothing can land: repaired

            body = client.get("/health").json()
            assert body["status"] == "ok", body
            assert "verifying" not in body["store"]
        assert _differing(new) == []
        assert _fences(new) == [dead.epoch + 1]
        assert _left(new) == 0
    finally:
        if new is not None:
            new.close()


def test_the_next_start_verifies_what_a_dead_holder_had_in_flight(settings: Settings) -> None:
    """The hub is killed again before its verification ended: the next start inherits the
    graphs left to verify and finishes (here once the dead update can no longer land)."""
    first = Catalog(settings)
    load_reference(first)
    published = first.ledger.published()
    sent = dict(sorted((i, c) for i, c in published.items() if "_:" in c)[:2])
    first.close()
    dead = Lease(first.engine, "store", holder=_dead_holder())
    assert dead.acquire()
    assert dead.note_inflight(sent, time.time() + MAX_S)
    second = Catalog(settings)  # takes over, then dies before the end of the verification
    assert second.store_projection is not None
    assert second.store_projection.lease is not None
    second.store_projection.lease.holder = _dead_holder()
    with second.engine.begin() as conn:
        conn.execute(text("UPDATE projection_lease SET holder = :h WHERE name = 'store'"),
                     {"h": second.store_projection.lease.holder})
    _lands_beside(settings, sent, dead.epoch)
    second.engine.dispose()
    assert second.store is not None
    second.store.close()
    third = Catalog(settings)
    try:
        assert _left(third) == 2
        assert third.store_projection is not None
        _nothing_can_land(third)
        third.store_projection.verify(wait=True)  # (its first pass may have repaired them)
        assert _differing(third) == []
        assert _left(third) == 0
    finally:
        third.close()


def test_a_clean_stop_leaves_nothing_to_verify(settings: Settings) -> None:
    first = Catalog(settings)
    load_reference(first)
    import_records(first, [service_draft("ASP-9801")])
    first.close()
    second = Catalog(settings)
    try:
        assert _left(second) == 0
    finally:
        second.close()


@pytest.fixture
def black_hole() -> Iterator[str]:
    """A server that reads a request and closes the connection without an answer (the
    request may or may not have run: its sender cannot know)."""
    srv = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except TimeoutError:
                continue
            with conn:
                conn.recv(1 << 20)
    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.getsockname()[1]}/update"
    stop.set()
    thread.join(timeout=5)
    srv.close()


def test_an_update_left_without_an_answer_is_verified_like_a_dead_holders(
        settings: Settings, black_hole: str) -> None:
    cat = Catalog(settings)
    try:
        load_reference(cat)
        store = cat.store
        assert isinstance(store, RemoteStore)
        real = store.update_url
        store.update_url = black_hole  # the answer is lost: the server may still run it
        draft = service_draft("ASP-9802")
        import_records(cat, [draft])  # committed; its projection is pending
        with pytest.raises(StoreInDoubt):
            cat.store_projection.catch_up()  # type: ignore[union-attr]
        assert _left(cat) == 1
        lost = cat.ledger.published()[draft.iri]
        import_records(cat, [service_draft("ASP-9802", title_ro="Serviciu de test, v2")])
        store.update_url = real
        cat.project()  # the projector goes on; the lost update then lands beside the next one
        epoch = cat.store_projection.lease.epoch  # type: ignore[union-attr]
        _lands_beside(settings, {draft.iri: lost}, epoch)
        assert _differing(cat) == [draft.iri]
        _nothing_can_land(cat)
        assert cat.store_projection is not None
        assert cat.store_projection.verify(wait=True) == 1
        assert _differing(cat) == []
        assert _left(cat) == 0
    finally:
        cat.close()


def test_a_holder_whose_lease_was_taken_over_sends_nothing(settings: Settings) -> None:
    """A holder that stalled past its lease finds another holder in the row when it names its
    next update, and does not send it: two writers never write the store at once."""
    cat = Catalog(settings)
    try:
        load_reference(cat)
        with cat.engine.begin() as conn:  # another host took the store over meanwhile
            conn.execute(text("UPDATE projection_lease SET holder = 'otherhost:1:x', "
                              "lease_until = :u WHERE name = 'store'"), {"u": time.time() + 60})
        draft = service_draft("ASP-9804")
        import_records(cat, [draft])  # committed; the projection is not this process's now
        assert cat.store is not None
        assert draft.iri not in cat.store.graph_names()
        assert cat.project() == 0  # and it leaves the store to the holder
    finally:
        cat.close()
