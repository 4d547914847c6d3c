"""The check projection and the run history on both ledger back ends (SQLite, PostgreSQL)."""

from __future__ import annotations

from datetime import date

from catalog.checks.history import history, record
from catalog.core import Catalog
from catalog.demo import load_reference
from catalog.settings import Settings


def test_reference_data_alone_checks_and_records_on_each_ledger(
        ledger_settings: Settings) -> None:
    cat = Catalog(ledger_settings, with_store=False)
    try:
        assert load_reference(cat).rejected == []
        run = cat.checks().run(date(2026, 6, 1))
        orphans = [f for f in run.findings if f.rule == "NOMENCLATURE-ORPHAN"]
        # the 2026 edition's 62 entries, and no published passport yet
        assert len(orphans) == 62
        assert {f.institution for f in orphans} >= {"ASP", "CNAS"}
        assert cat.checks().run(date(2025, 12, 31), only=["NOMENCLATURE-ORPHAN"]).findings == []
        first = record(cat.engine, run)
        second = record(cat.engine, cat.checks().run(date(2026, 6, 2), institution="ASP"))
        assert second > first
        runs = history(cat.engine)
        assert [(r.id, r.date) for r in runs] == [(first, "2026-06-01")]
        assert runs[0].by_rule["NOMENCLATURE-ORPHAN"] == 62
        assert [r.institution for r in history(cat.engine, institution="ASP")] == ["ASP"]
    finally:
        cat.close()
