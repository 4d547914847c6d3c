"""The ledger on SQLite and PostgreSQL: immutable versions, unique version numbers under
concurrency, all-or-nothing imports, withdrawals, migrations and SQLite durability settings."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from catalog.core import Catalog
from catalog.errors import Conflict, InvalidRecord, NotFound
from catalog.ledger import Appended, Ledger
from catalog.ledger.db import create_db_engine, migrate
from catalog.settings import Settings
from tests.builders import import_records, withdraw
from tests.factories import (
    ASP_IRI,
    document,
    new_version,
    nt_title,
    org_ttl,
    service_iri,
    service_ttl,
    sha256,
    store_snapshot,
    table_counts,
)

pytestmark = pytest.mark.usefixtures("permissive_shapes")

IRI = service_iri("ASP-0001")


@pytest.fixture
def ledger(ledger_settings: Settings) -> Iterator[Ledger]:
    engine = create_db_engine(ledger_settings.resolved_database_url)
    migrate(engine)
    yield Ledger(engine)
    engine.dispose()


@pytest.fixture
def catalog(ledger_settings: Settings) -> Iterator[Catalog]:
    cat = Catalog(ledger_settings)
    yield cat
    cat.close()


def _change_rows(ledger: Ledger) -> list[tuple[int, str, int | None]]:
    with ledger.engine.connect() as conn:
        rows = conn.execute(text(
            'SELECT c.seq, c.op, c.version_number FROM "change" c ORDER BY c.seq')).all()
    return [(int(seq), str(op), number) for seq, op, number in rows]


def _record_row(ledger: Ledger, iri: str) -> tuple[int, int | None]:
    with ledger.engine.connect() as conn:
        row = conn.execute(text("SELECT latest_version, published_version FROM record "
                                "WHERE iri = :iri"), {"iri": iri}).one()
    return int(row[0]), row[1]


# --- versions ---------------------------------------------------------------------------
def test_first_append_creates_version_1_with_one_publish_change(ledger: Ledger) -> None:
    content = nt_title(IRI, "Eliberarea buletinului")
    [ap] = ledger.append([new_version(IRI, content, author="alice")])
    assert ap == Appended(IRI, "ASP-0001", 1, created=True, new_record=True)
    [v] = ledger.versions(IRI)
    assert (v.number, v.status, v.author, v.kind) == (1, "published", "alice", "service")
    assert v.content == content
    assert v.content_hash == sha256(content)
    assert _record_row(ledger, IRI) == (1, 1)
    assert [(op, n) for _, op, n in _change_rows(ledger)] == [("publish", 1)]
    assert ledger.published() == {IRI: content}
    assert ledger.last_seq() == _change_rows(ledger)[0][0]


def test_appending_identical_content_again_is_unchanged(ledger: Ledger) -> None:
    content = nt_title(IRI, "Eliberarea buletinului")
    ledger.append([new_version(IRI, content, author="alice")])
    before = (table_counts(ledger.engine), ledger.last_seq())
    [ap] = ledger.append([new_version(IRI, content, author="bob")])
    assert ap == Appended(IRI, "ASP-0001", 1, created=False)
    assert (table_counts(ledger.engine), ledger.last_seq()) == before
    [v] = ledger.versions(IRI)
    assert v.author == "alice"  # the stored version was not touched


def test_changed_content_is_version_2_and_version_1_stays_as_it_was(ledger: Ledger) -> None:
    v1 = nt_title(IRI, "Prima formă")
    v2 = nt_title(IRI, "A doua formă")
    ledger.append([new_version(IRI, v1, author="alice")])
    [ap] = ledger.append([new_version(IRI, v2, author="bob")])
    assert (ap.number, ap.created) == (2, True)
    versions = ledger.versions(IRI)
    assert [(v.number, v.content, v.author) for v in versions] == [(1, v1, "alice"),
                                                                   (2, v2, "bob")]
    assert versions[0].content_hash == sha256(v1)
    assert versions[1].content_hash == sha256(v2)
    assert versions[0].content_hash != versions[1].content_hash
    # version 1 is kept as it was; only its workflow status says a newer one replaced it
    assert (versions[0].status, versions[1].status) == ("superseded", "published")
    assert ledger.version(IRI).number == 2  # the published one
    assert ledger.version(IRI, 1).content == v1
    assert ledger.published() == {IRI: v2}
    assert _record_row(ledger, IRI) == (2, 2)
    assert [(op, n) for _, op, n in _change_rows(ledger)] == [("publish", 1), ("publish", 2)]
    # going back to the first content is a new version 3, not a rewrite of version 1
    [back] = ledger.append([new_version(IRI, v1, author="carol")])
    assert (back.number, back.created) == (3, True)
    assert [v.content for v in ledger.versions(IRI)] == [v1, v2, v1]


def test_catalog_import_reports_created_then_unchanged_then_a_new_version(
        catalog: Catalog) -> None:
    def run(title: str) -> dict[str, int]:
        data = document(org_ttl(), service_ttl("ASP-0001", title))
        return import_records(catalog, catalog.parse(data, "turtle"), author="a").summary()

    assert run("Prima") == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 0}
    counts = table_counts(catalog.engine)
    assert counts == {"institution": 1, "record": 2, "version": 2, "change": 2}
    assert run("Prima") == {"created": 0, "updated": 0, "unchanged": 2, "rejected": 0}
    assert table_counts(catalog.engine) == counts
    assert run("A doua") == {"created": 0, "updated": 1, "unchanged": 1, "rejected": 0}
    versions = catalog.ledger.versions(IRI)
    assert [v.number for v in versions] == [1, 2]
    assert '"Prima"@ro' in versions[0].content
    assert '"A doua"@ro' in versions[1].content
    [inst] = catalog.ledger.institutions()
    assert (inst.code, inst.iri, inst.name) == ("ASP", ASP_IRI, "Agenția Servicii Publice")


# --- concurrency ------------------------------------------------------------------------
def _race(ledger: Ledger, contents: list[list[str]]) -> list[Appended]:
    """One thread per list: each appends its contents to IRI in order, retrying on Conflict."""
    start = threading.Barrier(len(contents))
    acked: list[Appended] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def writer(mine: list[str]) -> None:
        try:
            start.wait()
            for content in mine:
                for _attempt in range(200):
                    try:
                        [ap] = ledger.append([new_version(IRI, content)])
                        break
                    except Conflict:
                        continue
                else:
                    raise AssertionError("still conflicting after 200 attempts")
                with lock:
                    acked.append(ap)
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(c,)) for c in contents]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a writer hung"
    assert not errors, errors
    return acked


def test_racing_appends_never_share_a_version_number_nor_lose_an_ack(ledger: Ledger) -> None:
    contents = [[nt_title(IRI, f"Scriitorul {w}, versiunea {i}") for i in range(4)]
                for w in range(8)]
    acked = _race(ledger, contents)
    numbers = [a.number for a in acked]
    assert len(acked) == 32
    assert all(a.created for a in acked)
    assert sorted(numbers) == list(range(1, 33)), "duplicate or missing version numbers"
    stored = {v.number: v for v in ledger.versions(IRI)}
    assert sorted(stored) == list(range(1, 33))
    by_content = {v.content: v.number for v in stored.values()}
    assert len(by_content) == 32
    for writer in contents:
        # each acknowledged content is stored, under the number it was acknowledged with,
        # and one writer's versions are in the order it wrote them
        got = [by_content[c] for c in writer]
        assert got == sorted(got)
    for v in stored.values():
        assert v.content_hash == sha256(v.content)
    changes = _change_rows(ledger)
    assert sorted(n or 0 for _, _, n in changes) == list(range(1, 33))
    assert _record_row(ledger, IRI) == (32, 32)
    assert ledger.published()[IRI] == stored[32].content


def test_racing_writers_of_the_same_content_make_one_version(ledger: Ledger) -> None:
    content = nt_title(IRI, "Același conținut")
    acked = _race(ledger, [[content]] * 8)
    assert sorted(a.created for a in acked) == [False] * 7 + [True]
    assert {a.number for a in acked} == {1}
    assert [v.number for v in ledger.versions(IRI)] == [1]
    assert table_counts(ledger.engine)["change"] == 1


# --- all or nothing -----------------------------------------------------------------------
def test_atomic_import_with_one_invalid_record_writes_nothing(catalog: Catalog) -> None:
    import_records(catalog, catalog.parse(document(org_ttl(), service_ttl("ASP-0001", "Prima")),
                                         "turtle"), author="a")
    counts, seq, kinds = (table_counts(catalog.engine), catalog.ledger.last_seq(),
                          catalog.ledger.counts())
    assert catalog.store is not None
    graphs = store_snapshot(catalog.store)
    watermark = catalog.store.watermark()

    data = document(service_ttl("ASP-0001", "Schimbat"),  # valid change of a record
                    service_ttl("ASP-0002", "Nou"),  # valid new record
                    service_ttl("ASP-0003", title_ro=None))  # invalid: no title
    with pytest.raises(InvalidRecord) as err:
        import_records(catalog, catalog.parse(data, "turtle"), author="b", atomic=True)
    assert "nothing was written" in str(err.value)
    assert err.value.value == service_iri("ASP-0003")
    [finding] = err.value.report.violations
    assert finding.path == "http://purl.org/dc/terms/title"
    assert (finding.message_en, finding.message_ro) == (
        "A public service needs a title", "Un serviciu public are nevoie de un titlu")

    assert table_counts(catalog.engine) == counts
    assert catalog.ledger.last_seq() == seq
    assert catalog.ledger.counts() == kinds
    assert catalog.ledger.record_iri("service", "ASP-0002") is None
    assert [v.number for v in catalog.ledger.versions(IRI)] == [1]
    assert store_snapshot(catalog.store) == graphs
    assert catalog.store.watermark() == watermark
    # a record refused with the batch is not known to later validations either
    assert catalog.references.describe(service_iri("ASP-0002")) == []


def test_per_record_import_keeps_the_valid_records(catalog: Catalog) -> None:
    data = document(org_ttl(), service_ttl("ASP-0001"), service_ttl("ASP-0003", title_ro=None))
    report = import_records(catalog, catalog.parse(data, "turtle"), author="a", atomic=False)
    assert report.summary() == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 1}
    assert [o.iri for o in report.rejected] == [service_iri("ASP-0003")]
    assert set(catalog.ledger.published()) == {ASP_IRI, IRI}
    assert catalog.store is not None
    assert catalog.store.graph_names() == {ASP_IRI, IRI}


# --- withdrawal ---------------------------------------------------------------------------
def test_withdraw_appends_a_change_and_the_graph_leaves_the_store(catalog: Catalog) -> None:
    import_records(catalog, catalog.parse(document(org_ttl(), service_ttl("ASP-0001")),
                                         "turtle"), author="a")
    assert catalog.store is not None
    assert IRI in catalog.store.graph_names()
    seq, versions = catalog.ledger.last_seq(), catalog.ledger.versions(IRI)

    withdraw(catalog, IRI, author="b")
    last = _change_rows(catalog.ledger)[-1]
    assert last[1:] == ("withdraw", 1)  # names the version withdrawn
    assert last[0] == catalog.ledger.last_seq() > seq
    assert _record_row(catalog.ledger, IRI) == (1, None)
    assert IRI not in catalog.ledger.published()
    # history stays: the same version, now marked withdrawn
    after = catalog.ledger.versions(IRI)
    assert [v.status for v in after] == ["withdrawn"]
    assert [(v.number, v.content, v.content_hash, v.author) for v in after] == [
        (v.number, v.content, v.content_hash, v.author) for v in versions]
    assert IRI not in catalog.store.graph_names()
    assert catalog.store.graph(IRI) == []
    assert catalog.store.watermark() == catalog.ledger.last_seq()
    assert ASP_IRI in catalog.store.graph_names()

    # withdrawing again changes nothing; an unknown record is NotFound
    counts = table_counts(catalog.engine)
    withdraw(catalog, IRI, author="b")
    assert table_counts(catalog.engine) == counts
    with pytest.raises(NotFound):
        withdraw(catalog, service_iri("ASP-9999"), author="b")

    # publishing the same content again is a new version and brings the graph back
    report = import_records(catalog, catalog.parse(document(service_ttl("ASP-0001")), "turtle"),
                                    author="c")
    assert report.summary()["updated"] == 1  # a new version of a record that exists
    assert [v.number for v in catalog.ledger.versions(IRI)] == [1, 2]
    assert IRI in catalog.store.graph_names()


# --- schema and durability ----------------------------------------------------------------
def test_migrations_create_the_tables_on_an_empty_database(ledger_settings: Settings) -> None:
    engine = create_db_engine(ledger_settings.resolved_database_url)
    try:
        assert inspect(engine).get_table_names() == []
        migrate(engine)
        migrate(engine)  # a second run is a no-op
        insp = inspect(engine)
        assert {"alembic_version", "institution", "record", "version",
                "change"} <= set(insp.get_table_names())
        cols = {c["name"] for c in insp.get_columns("version")}
        assert {"record_id", "number", "status", "content", "content_hash"} <= cols
        unique = {tuple(i["column_names"]) for i in insp.get_indexes("version") if i["unique"]}
        assert ("record_id", "number") in unique
        unique_rec = {tuple(i["column_names"]) for i in insp.get_indexes("record")
                      if i["unique"]}
        assert ("iri",) in unique_rec
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        Ledger(engine).append([new_version(IRI, nt_title(IRI, "x"))])
        assert table_counts(engine)["version"] == 1
    finally:
        engine.dispose()


def test_the_database_refuses_a_duplicate_version_number(ledger: Ledger) -> None:
    ledger.append([new_version(IRI, nt_title(IRI, "x"))])
    with pytest.raises(IntegrityError), ledger.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO version (record_id, number, status, content, content_hash, "
            "triple_count, author, created_at) SELECT record_id, number, status, content, "
            "content_hash, triple_count, author, created_at FROM version"))
    assert [v.number for v in ledger.versions(IRI)] == [1]


def test_sqlite_ledger_is_in_wal_mode_with_full_sync(settings: Settings) -> None:
    cat = Catalog(settings, with_store=False)
    try:
        cat.ledger.append([new_version(IRI, nt_title(IRI, "x"))])
        with cat.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        path = settings.data_dir / "ledger.sqlite3"
        assert path.exists()
        # WAL is a property of the file: a plain connection sees it too
        raw = sqlite3.connect(path)
        try:
            assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        finally:
            raw.close()
        # every pooled connection is configured, not just the first one
        other = create_engine(f"sqlite:///{path}")
        with other.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        other.dispose()
        conns = [cat.engine.connect() for _ in range(3)]
        try:
            assert {c.exec_driver_sql("PRAGMA synchronous").scalar() for c in conns} == {2}
        finally:
            for c in conns:
                c.close()
    finally:
        cat.close()
