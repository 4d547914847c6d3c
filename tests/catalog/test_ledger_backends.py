"""The ledger on SQLite and PostgreSQL: immutable versions, no lost or doubled writes."""

from __future__ import annotations

import hashlib
import threading

import pytest
from sqlalchemy import inspect, text

from catalog import rdfio
from catalog.core import Catalog
from catalog.errors import Conflict, InvalidRecord
from catalog.ledger import NewVersion
from tests.builders import import_records, service_draft, withdraw


def _new(iri: str, content: str, author: str = "t") -> NewVersion:
    return NewVersion(iri=iri, kind="service", code=iri.rsplit("/", 1)[1], institution_code="ASP",
                      content=content, content_hash=rdfio.content_hash(content),
                      triple_count=content.count("\n"), author=author)


def test_migrations_create_the_ledger_tables(ref_catalog: Catalog) -> None:
    tables = set(inspect(ref_catalog.engine).get_table_names())
    assert {"institution", "record", "version", "change", "alembic_version"} <= tables
    idx = {i["name"]: i for i in inspect(ref_catalog.engine).get_indexes("version")}
    assert idx["ix_version_record_number"]["unique"]


def test_import_creates_version_1_and_reimport_changes_nothing(ref_catalog: Catalog) -> None:
    draft = service_draft("ASP-9001")
    first = import_records(ref_catalog, [draft], author="alice")
    assert first.summary() == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 0}
    seq = ref_catalog.ledger.last_seq()
    again = import_records(ref_catalog, [service_draft("ASP-9001")], author="alice")
    assert again.summary() == {"created": 0, "updated": 0, "unchanged": 1, "rejected": 0}
    assert ref_catalog.ledger.last_seq() == seq
    assert [v.number for v in ref_catalog.ledger.versions(draft.iri)] == [1]


def test_changed_content_is_a_new_immutable_version(ref_catalog: Catalog) -> None:
    import_records(ref_catalog, [service_draft("ASP-9002", title_ro="Prima")], author="a")
    import_records(ref_catalog, [service_draft("ASP-9002", title_ro="A doua")], author="b")
    versions = ref_catalog.ledger.versions(service_draft("ASP-9002").iri)
    assert [v.number for v in versions] == [1, 2]
    assert '"Prima"@ro' in versions[0].content
    assert '"A doua"@ro' in versions[1].content
    assert versions[0].content_hash != versions[1].content_hash
    for v in versions:
        assert hashlib.sha256(v.content.encode()).hexdigest() == v.content_hash
    assert ref_catalog.ledger.version(versions[0].iri).number == 2
    got = rdfio.canonical_ntriples(ref_catalog.service_graph("ASP-9002"))
    assert got == versions[1].content


def test_ro_cedilla_text_is_stored_as_given(ref_catalog: Catalog) -> None:
    title = "Certificat de naştere şi ţară"  # cedilla forms, as the source wrote them
    import_records(ref_catalog, [service_draft("ASP-9003", title_ro=title)], author="a")
    stored = ref_catalog.ledger.version(service_draft("ASP-9003").iri).content
    assert f'"{title}"@ro' in stored
    assert "ș" not in stored.split('"Certificat')[1].split("@ro")[0]


def test_all_or_nothing_import_writes_nothing_when_one_record_is_invalid(
        ref_catalog: Catalog) -> None:
    seq = ref_catalog.ledger.last_seq()
    graphs = ref_catalog.store.graph_names() if ref_catalog.store else set()
    good = service_draft("ASP-9004")
    bad = service_draft("ASP-9005")
    bad.triples = [t for t in bad.triples if not t.predicate.value.endswith("hasLegalResource")]
    with pytest.raises(InvalidRecord) as err:
        import_records(ref_catalog, [good, bad], author="a")
    assert "nothing was written" in str(err.value)
    assert err.value.report.violations
    assert any(f.path and f.path.endswith("hasLegalResource") for f in err.value.report.violations)
    assert ref_catalog.ledger.last_seq() == seq
    assert ref_catalog.ledger.record_iri("service", "ASP-9004") is None
    assert ref_catalog.store is not None
    assert ref_catalog.store.graph_names() == graphs


def test_per_record_import_keeps_the_valid_and_reports_the_rejected(ref_catalog: Catalog) -> None:
    bad = service_draft("ASP-9007")
    bad.triples = [t for t in bad.triples if not t.predicate.value.endswith("/title")
                   or t.subject.value != bad.iri]
    report = import_records(ref_catalog, [service_draft("ASP-9006"), bad], author="a",
                                        atomic=False)
    assert report.summary() == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 1}
    rejected = report.rejected[0]
    assert rejected.code == "ASP-9007"
    assert rejected.report is not None
    messages = [f.message_ro for f in rejected.report.violations]
    assert any("română" in m for m in messages)
    assert ref_catalog.ledger.record_iri("service", "ASP-9006") is not None
    assert ref_catalog.ledger.record_iri("service", "ASP-9007") is None


def test_withdraw_removes_the_graph_and_keeps_the_history(ref_catalog: Catalog) -> None:
    draft = service_draft("ASP-9008")
    import_records(ref_catalog, [draft], author="a")
    withdraw(ref_catalog, draft.iri, author="admin")
    assert ref_catalog.store is not None
    assert draft.iri not in ref_catalog.store.graph_names()
    assert [v.number for v in ref_catalog.ledger.versions(draft.iri)] == [1]
    ops = [c.op for c in ref_catalog.ledger.changes_after(0, 10_000) if c.iri == draft.iri]
    assert ops == ["publish", "withdraw"]


def test_concurrent_writers_never_reuse_a_version_number(ref_catalog: Catalog) -> None:
    """8 threads append to the same record; every acknowledged version exists, numbers 1..N."""
    iri = service_draft("ASP-9010").iri
    acked: list[int] = []
    lock = threading.Lock()

    def writer(w: int) -> None:
        for i in range(6):
            content = f'<{iri}> <http://purl.org/dc/terms/identifier> "w{w}-{i}" .\n'
            while True:
                try:
                    out = ref_catalog.ledger.append([_new(iri, content)])
                except Conflict:
                    continue
                with lock:
                    acked.append(out[0].number)
                break

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    numbers = [v.number for v in ref_catalog.ledger.versions(iri)]
    assert sorted(acked) == numbers == list(range(1, 49))


def test_sqlite_runs_in_wal_with_full_sync(sqlite_catalog: Catalog) -> None:
    with sqlite_catalog.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_a_failed_import_leaves_no_reference_data_behind(sqlite_catalog: Catalog) -> None:
    """An organisation from a refused all-or-nothing import cannot be pointed to afterwards."""
    import pyoxigraph as ox

    from catalog.records import RecordDraft

    base = "http://127.0.0.1:8000/"
    org = base + "id/org/newagency"
    asp = ox.NamedNode(base + "id/org/asp")
    asp_triples = [t for t in rdfio.parse_canonical(sqlite_catalog.ledger.published()[asp.value])
                   if t.subject == asp]
    org_draft = RecordDraft(org, "organisation", [
        ox.Triple(ox.NamedNode(org), t.predicate,
                  ox.Literal("NEWAG") if t.predicate.value.endswith("institutionCode") else
                  ox.Literal("1003600099999") if t.predicate.value.endswith("/identifier") else
                  t.object)
        for t in asp_triples if not isinstance(t.object, ox.BlankNode)
        and not t.predicate.value.endswith("#identifier")])
    service = service_draft("NEWAG-0001")
    service.triples = [ox.Triple(t.subject, t.predicate, ox.NamedNode(org))
                       if t.object == asp else t for t in service.triples]
    assert sqlite_catalog.validate(org_draft).conforms, sqlite_catalog.validate(org_draft)
    broken = service_draft("NEWAG-0002")
    broken.triples = [t for t in broken.triples if not t.predicate.value.endswith("/title")]
    with pytest.raises(InvalidRecord):
        import_records(sqlite_catalog, [org_draft, broken], author="a")
    assert sqlite_catalog.ledger.record_iri("organisation", "NEWAG") is None
    report = sqlite_catalog.validate(service)
    assert any(f.path and f.path.endswith("hasCompetentAuthority") for f in report.violations)
