"""The ready mapping of the Dutch product nomenclature (UPL, ../shared): what it accepts and
what it rejects, each rejection a defect of the UPL itself, read again from the CSV here."""

from __future__ import annotations

import csv
from collections import OrderedDict
from pathlib import Path

import pytest

from adapters.mapping.spec import load
from adapters.sync.runner import RunReport, Sync
from catalog.core import Catalog

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "adapters" / "examples" / "upl-nl.yaml"
PLACEHOLDER = "UPL-naam nog niet beschikbaar"

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def products(shared: Path) -> OrderedDict[str, list[dict[str, str]]]:
    path = shared / "datasets" / "nl-upl-nomenclature" / "UPL-actueel.csv"
    by_uri: OrderedDict[str, list[dict[str, str]]] = OrderedDict()
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            by_uri.setdefault(row["URI"], []).append(row)
    return by_uri


@pytest.fixture(scope="module")
def report(module_catalog: Catalog, shared: Path) -> RunReport:
    """The dry run (its counts and reasons are the apply's: tests/adapters/test_sync.py)."""
    return Sync(module_catalog, load(EXAMPLE)).plan()


def test_the_upl_gives_979_services_and_38_rejections(
        report: RunReport, products: OrderedDict[str, list[dict[str, str]]]) -> None:
    assert len(products) == 1017
    assert report.run.status == "done"
    assert report.counts == {"created": 979, "updated": 0, "unchanged": 0, "rejected": 38}


def test_each_rejection_is_a_defect_of_the_upl(
        report: RunReport, products: OrderedDict[str, list[dict[str, str]]]) -> None:
    placeholder = {u for u, rows in products.items()
                   if rows[0]["UniformeProductnaam"] == PLACEHOLDER}
    # Medebewind: carried out under a national law, yet no law named
    lawless = {u for u, rows in products.items() if rows[0]["Medebewind"] == "X"
               and not any(r["Grondslag"] for r in rows)}
    assert len(placeholder) == 1
    assert len(lawless) == 37
    rejected = {o.key: o.detail["reasons"] for o in report.records if o.status == "rejected"}
    assert set(rejected) == placeholder | lawless
    for uri, reasons in rejected.items():
        [reason] = reasons
        if uri in placeholder:
            assert reason["field"] == "title.nl"
            assert "placeholder row of the UPL" in reason["message"]["en"]
        else:
            assert reason["field"] == "legal_resources"
            assert reason["message"]["en"] == (
                "legal_resources: the source gives no value, yet the UPL marks the product "
                "Medebewind (carried out under a national law) and names no legal basis "
                "(Grondslag)")


def test_products_get_codes_of_the_nomenclature_and_crosswalked_concepts(
        module_catalog: Catalog, report: RunReport,
        products: OrderedDict[str, list[dict[str, str]]]) -> None:
    codes = {o.key: o.code for o in report.records if o.status == "created"}
    assert sorted(c or "" for c in codes.values()) == [f"UPL-{n:04d}" for n in range(1, 980)]
    sync = Sync(module_catalog, load(EXAMPLE))
    mapper = sync._stream(sync.source()).mapper
    # a product with three legal bases (three rows of the CSV) is one record
    uri = "http://standaarden.overheid.nl/owms/terms/aanschrijving"
    rows = products[uri]
    assert len(rows) == 3
    data = mapper.map(uri, rows).data
    assert data is not None
    assert data["title"] == {"nl": "aanschrijving"}
    assert data["legal_resources"] == [r["Grondslag"] for r in rows]
    assert data["keywords"] == {"nl": ["provincie", "waterschap", "gemeente"]}
    assert data["audiences"] == [module_catalog.settings.base_uri + "codelist/audience/citizen",
                                 module_catalog.settings.base_uri +
                                 "codelist/audience/legal-entity"]
    # the SDG information areas of a product, through the crosswalk of the UPL's own table
    several = next(u for u, r in products.items() if r[0]["SDG"] == "B4;C1;C4")
    got = mapper.map(several, products[several]).data
    assert got is not None
    assert got["thematic_areas"] == [f"http://standaarden.overheid.nl/owms/terms/sdg_{c}"
                                     for c in ("B4", "C1", "C4")]
