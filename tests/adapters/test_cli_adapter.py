"""`semcat adapter`: check, run --dry-run --format json, run, runs, report, list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.cli import main
from catalog.core import Catalog
from catalog.demo import load_reference
from catalog.settings import Settings
from tests.adapters.conftest import MAPPING, registry_rows, write_jsonl


def test_the_adapter_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "adapters"
    folder.mkdir()
    monkeypatch.setenv("SEMCAT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SEMCAT_ADAPTERS_DIR", str(folder))
    catalog = Catalog(Settings(env="test", data_dir=tmp_path / "data"))
    load_reference(catalog)
    rows = registry_rows(catalog)[:2]
    catalog.close()
    write_jsonl(folder / "asp.jsonl", [*rows, {"id": "ASP-0777"}])
    (folder / "asp-registry.yaml").write_text(MAPPING, encoding="utf-8")
    (folder / "bad.yaml").write_text(MAPPING.replace("format: jsonl", "format: xls"),
                                     encoding="utf-8")

    assert main(["adapter", "check", str(folder / "asp-registry.yaml")]) == 0
    assert capsys.readouterr().out.startswith(
        "ok: asp-registry (file source, service records of ASP, 16 fields, 0 crosswalks)")
    assert main(["adapter", "check", str(folder / "bad.yaml")]) == 2
    assert "the mapping is invalid at source.format: expected one of csv, jsonl, json" in \
        capsys.readouterr().err

    assert main(["adapter", "run", "asp-registry", "--dry-run", "--format", "json"]) == 1
    plan = json.loads(capsys.readouterr().out)
    assert plan["dry_run"] is True
    assert plan["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 1}
    [bad] = [r for r in plan["records"] if r["status"] == "rejected"]
    assert (bad["key"], bad["where"]) == ("ASP-0777", "line 3")
    assert "title" in {r["field"] for r in bad["reasons"]}

    assert main(["adapter", "run", "asp-registry", "--no-progress"]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0].endswith("done: created 2, updated 0, unchanged 0, rejected 1")
    assert "  rejected ASP-0777 (line 3):" in out

    assert main(["adapter", "runs", "asp-registry"]) == 0
    runs = capsys.readouterr().out.splitlines()
    assert [r.split("\t")[1:3] for r in runs] == [["run", "done"], ["plan", "done"]]
    assert main(["adapter", "report", "asp-registry", runs[0].split("\t")[0],
                 "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["counts"]["created"] == 2
    assert main(["adapter", "list"]) == 0
    listed = capsys.readouterr().out
    assert "asp-registry\tfile\tdrafts\tlast run" in listed
    assert "bad\tINVALID" in listed
