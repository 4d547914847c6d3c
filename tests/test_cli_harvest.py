"""`semcat harvest FILE...`: the operations and elements of real definitions, as JSON; a
hostile file refused with its reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.cli import main


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SEMCAT_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def test_harvest_lists_each_asset_with_its_operations_and_elements_as_json(
        data_dir: Path, shared: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = [shared / "soap/xroad/meta-services.wsdl",
             shared / "soap/xroad-rest/petstore-example.openapi.yaml"]
    assert main(["harvest", "--format", "json", *map(str, files)]) == 0
    assets = json.loads(capsys.readouterr().out)["assets"]
    assert [(a["code"], a["format"]) for a in assets] == [("meta-services", "wsdl"),
                                                           ("petstore-example", "openapi")]
    assert [o["name"] for o in assets[0]["operations"]] == [
        "allowedMethods", "getWsdl", "listMethods"]
    assert "schema/Pet/photoUrls" in {e["path"] for e in assets[1]["elements"]}
    assert "iri" not in assets[0]  # a listing stores nothing


def test_harvest_refuses_an_xxe_wsdl_with_its_reason(
        data_dir: Path, shared: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["harvest", str(shared / "soap/xroad/xxe.wsdl")]) == 2
    assert "XML with a DOCTYPE or entity declaration is refused" in capsys.readouterr().err


def test_harvest_store_writes_a_draft_asset_owned_by_the_institution(
        data_dir: Path, shared: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from catalog.core import Catalog
    from catalog.demo import load_reference
    from catalog.settings import get_settings

    catalog = Catalog(get_settings(), with_store=False)
    try:
        load_reference(catalog)
    finally:
        catalog.close()
    wsdl = shared / "soap/xroad/testservice-getRandom-bmi.wsdl"
    assert main(["harvest", "--store", "--institution", "CNAS", "--code", "cnas-bmi",
                 "--author", "maria", "--format", "json", str(wsdl)]) == 0
    stored = json.loads(capsys.readouterr().out)["assets"][0]
    assert (stored["version"], stored["status"]) == (1, "draft")
    catalog = Catalog(get_settings(), with_store=False)
    try:
        version = catalog.ledger.version(stored["iri"])
        assert version.author == "operator:maria"
        assert b"bodyMassIndex" in version.content.encode()
    finally:
        catalog.close()
    # an unknown institution is refused by name
    assert main(["harvest", "--store", "--institution", "NOPE", str(wsdl)]) == 2
    assert "NOPE" in capsys.readouterr().err
