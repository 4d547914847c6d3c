"""The projector: the quad store is a replayable projection of the ledger.

Writes made while no store is open are replayed when one opens; a store that lost graphs or
was tampered with is restored by ``rebuild`` (also from the command line); and on each store
the result is the ledger's published content, triple for triple, with the watermark at the
ledger's last change.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from api.cli import main as cli_main
from catalog.core import Catalog
from catalog.errors import StoreUnavailable
from catalog.ledger import Ledger
from catalog.projections import store as projector_module
from catalog.settings import Settings
from catalog.store import GraphOp
from tests.builders import import_records, withdraw
from tests.factories import (
    ASP_IRI,
    BASE,
    assert_store_matches_ledger,
    document,
    nt_title,
    org_ttl,
    service_iri,
    service_ttl,
    store_snapshot,
)

pytestmark = pytest.mark.usefixtures("permissive_shapes")

CODES = [f"ASP-{n:04d}" for n in range(1, 7)]


@pytest.fixture(params=["embedded", "remote"])
def store_settings(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    """Settings with the embedded store, then with a real `oxigraph serve`."""
    if request.param == "embedded":
        return settings
    return request.getfixturevalue("remote_settings")  # type: ignore[no-any-return]


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Project 4 changes at a time, so replays and rebuilds take several batches."""
    monkeypatch.setattr(projector_module, "BATCH", 4)


def _import(cat: Catalog, *parts: str) -> None:
    import_records(cat, cat.parse(document(*parts), "turtle"), author="test")


def populate(cat: Catalog) -> None:
    """An organisation, six services; one changed twice, one withdrawn, one withdrawn and
    published again: publish and withdraw changes, blank nodes, several versions."""
    _import(cat, org_ttl(), *(service_ttl(c, f"Serviciul {c}") for c in CODES))
    _import(cat, service_ttl(CODES[1], "Serviciul revizuit", description_ro="Descriere"))
    _import(cat, service_ttl(CODES[1], "Serviciul revizuit de două ori", cost="99.90"))
    withdraw(cat, service_iri(CODES[2]), author="test")
    withdraw(cat, service_iri(CODES[3]), author="test")
    _import(cat, service_ttl(CODES[3], "Serviciul republicat"))


def _expected_published() -> set[str]:
    return {ASP_IRI} | {service_iri(c) for c in CODES} - {service_iri(CODES[2])}


@pytest.fixture
def ledger_only(store_settings: Settings) -> Iterator[Catalog]:
    cat = Catalog(store_settings, with_store=False)
    yield cat
    cat.close()


@pytest.mark.usefixtures("small_batches")
def test_changes_written_without_a_store_are_replayed_when_it_opens(
        store_settings: Settings, ledger_only: Catalog) -> None:
    populate(ledger_only)
    assert ledger_only.store is None
    assert set(ledger_only.ledger.published()) == _expected_published()
    if store_settings.sparql_url is None:
        assert not store_settings.resolved_store_path.exists()

    cat = Catalog(store_settings)  # opening the store replays the whole ledger
    try:
        assert cat.store is not None
        assert_store_matches_ledger(cat.ledger, cat.store)
        assert cat.status().lag == 0
        assert cat.status().store_watermark == cat.ledger.last_seq() == 12
        # '"99.9"' is the stored form of the 99.90 written: the ledger holds the same
        content = cat.ledger.published()[service_iri(CODES[1])]
        assert '"99.9"^^<http://www.w3.org/2001/XMLSchema#decimal>' in content

        # a ledger-only writer keeps going; the open catalog projects on demand
        _import(ledger_only, service_ttl("ASP-0100", "Scris fără depozit"))
        withdraw(ledger_only, service_iri(CODES[0]), author="test")
        assert cat.status().lag == 2
        assert service_iri("ASP-0100") not in cat.store.graph_names()
        assert cat.project() == 2
        assert_store_matches_ledger(cat.ledger, cat.store)
        assert cat.project() == 0
    finally:
        cat.close()


def test_a_lost_store_is_rebuilt_by_replay_on_the_next_start(settings: Settings) -> None:
    cat = Catalog(settings)
    populate(cat)
    assert cat.store is not None
    before = store_snapshot(cat.store)
    cat.close()
    shutil.rmtree(settings.resolved_store_path)

    cat = Catalog(settings)
    try:
        assert cat.store is not None
        assert store_snapshot(cat.store) == before
        assert_store_matches_ledger(cat.ledger, cat.store)
    finally:
        cat.close()


def _damage(cat: Catalog) -> None:
    """Lose a graph, tamper with another, add one the ledger does not know, keep the
    watermark: replay alone cannot see any of it."""
    assert cat.store is not None
    mark = cat.store.watermark()
    stray = BASE + "id/service/STRAY"
    cat.store.apply([GraphOp(service_iri(CODES[0]), None),
                     GraphOp(service_iri(CODES[1]), nt_title(service_iri(CODES[1]), "fals")),
                     GraphOp(stray, nt_title(stray, "nimeni"))], mark)
    assert cat.store.watermark() == mark
    assert cat.project() == 0
    assert cat.store.graph_names() != set(cat.ledger.published())


@pytest.mark.usefixtures("small_batches")
def test_rebuild_restores_a_damaged_store(store_settings: Settings) -> None:
    cat = Catalog(store_settings)
    try:
        populate(cat)
        assert cat.store is not None
        assert_store_matches_ledger(cat.ledger, cat.store)
        _damage(cat)
        assert cat.rebuild() == len(_expected_published())
        assert_store_matches_ledger(cat.ledger, cat.store)
        # the catalog keeps projecting normally afterwards
        _import(cat, service_ttl(CODES[0], "După reconstruire"))
        assert_store_matches_ledger(cat.ledger, cat.store)
        assert '"După reconstruire"@ro' in cat.ledger.published()[service_iri(CODES[0])]
    finally:
        cat.close()


def test_rebuild_needs_a_store(settings: Settings) -> None:
    cat = Catalog(settings, with_store=False)
    try:
        with pytest.raises(StoreUnavailable):
            cat.rebuild()
    finally:
        cat.close()


def test_semcat_rebuild_command_restores_the_store(
        settings: Settings, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    cat = Catalog(settings)
    populate(cat)
    _damage(cat)
    cat.close()

    monkeypatch.setenv("SEMCAT_DATA_DIR", str(settings.data_dir))
    assert cli_main(["rebuild"]) == 0
    out = capsys.readouterr().out

    cat = Catalog(settings, with_store=False)
    seq = cat.ledger.last_seq()
    cat.close()
    assert f"rebuilt {len(_expected_published())} graphs at change {seq}" in out
    cat = Catalog(settings)
    try:
        assert cat.store is not None
        assert_store_matches_ledger(cat.ledger, cat.store)
    finally:
        cat.close()


def _lock_waiters(cat: Catalog) -> int:
    """Sessions of this database waiting for a lock (PostgreSQL)."""
    with cat.engine.connect() as conn:
        return int(conn.execute(text(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'")).scalar_one())


def test_a_change_committed_after_a_later_one_is_still_projected(
        postgres_url: str, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two writers on PostgreSQL: A takes change seq n and is still committing while B takes
    n+1 and commits, and the projector runs in between. A's change must reach the store all
    the same (the ledger may also make B wait for A: then there is nothing to see early)."""
    cat = Catalog(settings.model_copy(update={"database_url": postgres_url}))
    slow_iri, fast_iri = service_iri("ASP-0001"), service_iri("ASP-0002")
    in_transaction, release = threading.Event(), threading.Event()
    original = Ledger._insert_new  # version 1 of a record new to the ledger

    def paused(session, fresh, inst_ids):  # type: ignore[no-untyped-def]
        out = original(session, fresh, inst_ids)
        if any(item.iri == slow_iri for item in fresh):  # A's change row: its seq is taken
            in_transaction.set()
            assert release.wait(30)
        return out

    monkeypatch.setattr(Ledger, "_insert_new", staticmethod(paused))
    errors: list[BaseException] = []

    def writer(code: str, title: str, done: threading.Event) -> None:
        try:
            _import(cat, service_ttl(code, title))
        except BaseException as exc:
            errors.append(exc)
        finally:
            done.set()

    a_done, b_done = threading.Event(), threading.Event()
    a = threading.Thread(target=writer, args=("ASP-0001", "Scriitorul lent", a_done))
    b = threading.Thread(target=writer, args=("ASP-0002", "Scriitorul rapid", b_done))
    try:
        a.start()
        assert in_transaction.wait(30)
        b.start()
        # B either commits (and projects) or waits for A's lock: poll for one of the two
        deadline = time.monotonic() + 30
        while not b_done.is_set() and _lock_waiters(cat) == 0:
            assert time.monotonic() < deadline, "writer B neither finished nor waited"
            time.sleep(0.01)
        cat.project()  # the server's projector thread runs now
    finally:
        release.set()
        a.join(30)
        b.join(30)
    try:
        assert not errors, errors
        assert set(cat.ledger.published()) == {slow_iri, fast_iri}
        cat.project()
        assert cat.store is not None
        assert_store_matches_ledger(cat.ledger, cat.store)
    finally:
        cat.close()
