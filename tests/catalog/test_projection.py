"""Projection: the store follows the ledger, replays what it lacks, and rebuilds from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.cli import main as cli
from catalog import rdfio
from catalog.core import Catalog
from catalog.demo import load_reference
from catalog.settings import Settings
from catalog.store import GraphOp
from tests.builders import service_draft


def assert_store_matches_ledger(cat: Catalog) -> None:
    assert cat.store is not None
    published = cat.ledger.published()
    assert cat.store.graph_names() == set(published)
    for iri, content in published.items():
        assert rdfio.canonical_ntriples(cat.store.graph(iri)) == content, iri
    assert cat.store.watermark() == cat.ledger.last_seq()


@pytest.fixture(params=["embedded", "remote"])
def any_store_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    if request.param == "embedded":
        return Settings(env="test", data_dir=tmp_path / "data")
    return request.getfixturevalue("remote_settings")  # type: ignore[no-any-return]


def test_changes_written_without_a_store_are_replayed_on_start(
        any_store_settings: Settings) -> None:
    offline = Catalog(any_store_settings, with_store=False)
    load_reference(offline)
    offline.import_records([service_draft("ASP-9101"), service_draft("ASP-9102")], author="a")
    seq = offline.ledger.last_seq()
    offline.close()
    online = Catalog(any_store_settings)  # replays on start
    try:
        assert online.status().lag == 0
        assert online.status().store_watermark == seq
        assert_store_matches_ledger(online)
        assert online.service_graph("ASP-9102")
    finally:
        online.close()


def test_rebuild_restores_a_damaged_store(any_store_settings: Settings) -> None:
    cat = Catalog(any_store_settings)
    try:
        load_reference(cat)
        cat.import_records([service_draft("ASP-9103")], author="a")
        assert cat.store is not None
        iri = service_draft("ASP-9103").iri
        mark = cat.store.watermark()
        stray = "http://127.0.0.1:8000/id/service/ASP-9999"
        junk = f'<{stray}> <http://purl.org/dc/terms/identifier> "x" .\n'
        cat.store.apply([GraphOp(iri, None), GraphOp(stray, junk)], mark)
        assert iri not in cat.store.graph_names()
        cat.rebuild()
        assert_store_matches_ledger(cat)
    finally:
        cat.close()


def test_a_store_that_lost_its_last_writes_catches_up(settings: Settings) -> None:
    cat = Catalog(settings)
    try:
        load_reference(cat)
        cat.import_records([service_draft("ASP-9104")], author="a")
        assert cat.store is not None
        # simulate a store that lost the last batch: graph and watermark went together
        lost = service_draft("ASP-9104").iri
        cat.store.apply([GraphOp(lost, None)], cat.ledger.last_seq() - 1)
        assert cat.status().lag == 1
        assert cat.project() == 1
        assert_store_matches_ledger(cat)
    finally:
        cat.close()


def test_semcat_rebuild_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SEMCAT_DATA_DIR", str(tmp_path / "data"))
    cat = Catalog(Settings(env="test", data_dir=tmp_path / "data"))
    load_reference(cat)
    n = len(cat.ledger.published())
    cat.close()
    assert cli(["rebuild"]) == 0
    assert f"rebuilt {n} graphs" in capsys.readouterr().out
    cat = Catalog(Settings(env="test", data_dir=tmp_path / "data"))
    try:
        assert_store_matches_ledger(cat)
    finally:
        cat.close()
