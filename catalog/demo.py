"""Loading the reference data and the demo nomenclature shipped in ``vocabularies/``, through
the one write path as the loader (``loader:demo``): every record it writes has its transition
and audit entry like any other.

The demo never writes over a record that exists, in whatever state (an edited, withdrawn or
draft demo passport stays as its institution left it): it loads into an empty catalogue, and a
later load (``SEMCAT_LOAD_DEMO`` at every start, ``semcat demo load``) adds only the records
that are missing."""

from __future__ import annotations

from pathlib import Path

from catalog import paths
from catalog.core import Catalog
from catalog.records import RecordDraft
from catalog.workflow.access import Principal
from catalog.workflow.bulk import ImportReport
from catalog.workflow.publishing import Publishing

LOADER = Principal.loader("demo")


def reference_files() -> list[Path]:
    """Code lists first, then organisations, locations and legal acts."""
    files = sorted(paths.CODELISTS_DIR.glob("*.ttl"))
    files += [paths.DEMO_DIR / n for n in ("organisations.ttl", "locations.ttl",
                                          "legal-acts.ttl", "nomenclature-edition.ttl")]
    return [f for f in files if f.exists()]


def demo_files() -> list[Path]:
    return reference_files() + sorted(paths.DEMO_DIR.glob("*.trig"))


def drafts(catalog: Catalog, files: list[Path]) -> list[RecordDraft]:
    out: list[RecordDraft] = []
    for f in files:
        out += catalog.parse(f.read_bytes(), f.name)
    return out


def _publish(catalog: Catalog, files: list[Path]) -> ImportReport:
    found = drafts(catalog, files)
    existing = catalog.ledger.existing([d.iri for d in found])
    missing = [d for d in found if d.iri not in existing]
    report = Publishing(catalog).import_records(LOADER, missing, atomic=True, publish=True)
    report.counts["kept"] += len(existing)  # there already: never written over
    return report


def load_reference(catalog: Catalog) -> ImportReport:
    return _publish(catalog, reference_files())


def load_demo(catalog: Catalog) -> ImportReport:
    """Import the reference data and the demo services; a second call changes nothing."""
    report = load_reference(catalog)
    more = _publish(catalog, sorted(paths.DEMO_DIR.glob("*.trig")))
    report.extend(more)
    return report
