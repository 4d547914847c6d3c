"""Loading the reference data and the demo nomenclature shipped in ``vocabularies/``."""

from __future__ import annotations

from pathlib import Path

from catalog import paths
from catalog.core import Catalog, ImportReport
from catalog.records import RecordDraft


def reference_files() -> list[Path]:
    """Code lists first, then organisations, locations and legal acts."""
    files = sorted(paths.CODELISTS_DIR.glob("*.ttl"))
    files += [paths.DEMO_DIR / n for n in ("organisations.ttl", "locations.ttl",
                                          "legal-acts.ttl")]
    return [f for f in files if f.exists()]


def demo_files() -> list[Path]:
    return reference_files() + sorted(paths.DEMO_DIR.glob("*.trig"))


def drafts(catalog: Catalog, files: list[Path]) -> list[RecordDraft]:
    out: list[RecordDraft] = []
    for f in files:
        out += catalog.parse(f.read_bytes(), f.name)
    return out


def load_reference(catalog: Catalog) -> ImportReport:
    return catalog.import_records(drafts(catalog, reference_files()), author="semcat-demo")


def load_demo(catalog: Catalog) -> ImportReport:
    """Import the reference data and the demo services; a second call changes nothing."""
    report = load_reference(catalog)
    services = drafts(catalog, sorted(paths.DEMO_DIR.glob("*.trig")))
    more = catalog.import_records(services, author="semcat-demo")
    report.outcomes += more.outcomes
    return report
