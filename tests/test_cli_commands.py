"""The `semcat` command line: validate, import, export, settings."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from api.cli import main
from catalog.demo import reference_files
from catalog.records.passport import Passport
from catalog.settings import Settings
from tests.builders import passport, service_ttl


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SEMCAT_DATA_DIR", str(tmp_path / "data"))
    assert main(["import", "--publish", *map(str, reference_files())]) == 0
    return tmp_path


def test_validate_reports_problems_in_romanian_or_english(
        env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = env / "good.ttl"
    good.write_text(service_ttl("ASP-9301"))
    bad = env / "bad.ttl"
    bad.write_text("\n".join(line for line in service_ttl("ASP-9302").splitlines()
                             if "hasLegalResource" not in line and "hasCompetentAuthority"
                             not in line))
    capsys.readouterr()
    assert main(["validate", str(good)]) == 0
    assert "ok " in capsys.readouterr().out
    assert main(["validate", "--lang", "ro", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "INVALID" in out
    assert "act normativ" in out  # the legal-basis message, in Romanian


def test_validate_json_output(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = env / "one.ttl"
    f.write_text(service_ttl("ASP-9303"))
    capsys.readouterr()
    assert main(["validate", "--json", str(f)]) == 0
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["conforms"] is True
    assert line["record"].endswith("/id/service/ASP-9303")


def test_import_turtle_and_json_then_export(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ttl = env / "a.ttl"
    ttl.write_text(service_ttl("ASP-9304"))
    js = env / "b.jsonl"
    js.write_text(passport("ASP-9305").model_dump_json() + "\n" +
                  passport("ASP-9306").model_dump_json() + "\n")
    capsys.readouterr()
    assert main(["import", "--publish", str(ttl), str(js)]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["created"] == 3
    out = env / "dump.nq"
    assert main(["export", "--format", "nquads", "-o", str(out)]) == 0
    graphs = {q.graph_name.value for q in ox.parse(out.read_bytes(), format=ox.RdfFormat.N_QUADS)
              if isinstance(q.graph_name, ox.NamedNode)}
    base = Settings().base_uri
    assert {f"{base}id/service/ASP-930{n}" for n in (4, 5, 6)} <= graphs
    # importing the same files again changes nothing
    capsys.readouterr()
    assert main(["import", "--publish", str(ttl), str(js)]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == \
        {"created": 0, "updated": 0, "unchanged": 3, "rejected": 0}


def test_import_refuses_bad_json_with_the_field(env: Path, capsys: pytest.CaptureFixture[str]
                                                ) -> None:
    bad = passport("ASP-9307").model_dump()
    bad["unknown_field"] = 1
    f = env / "bad.json"
    f.write_text(json.dumps(bad))
    assert main(["import", str(f)]) == 2
    assert "unknown_field" in capsys.readouterr().err


def test_import_all_or_nothing_by_default(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = passport("ASP-9308")
    bad = passport("ASP-9309").model_copy(update={"legal_resources": []})
    f = env / "mixed.jsonl"
    f.write_text(good.model_dump_json() + "\n" + bad.model_dump_json() + "\n")
    assert main(["import", str(f)]) == 2
    assert "nothing was written" in capsys.readouterr().err
    assert main(["import", "--per-record", str(f)]) == 1
    out = capsys.readouterr().out
    assert "rejected" in out
    assert '"created": 1' in out


def test_settings_markdown_lists_every_setting(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["settings", "--markdown"]) == 0
    out = capsys.readouterr().out
    for name in Settings.model_fields:
        assert f"SEMCAT_{name.upper()}" in out


def test_passport_json_schema_is_strict() -> None:
    schema = Passport.model_json_schema()
    assert schema["additionalProperties"] is False
    assert "code" in schema["required"]


def test_export_imports_into_a_fresh_hub_identically(env: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    ttl = env / "a.ttl"
    ttl.write_text(service_ttl("ASP-9310"))
    assert main(["import", "--publish", str(ttl)]) == 0
    dump = env / "dump.nq"
    assert main(["export", "-o", str(dump)]) == 0
    first = dump.read_bytes()
    monkeypatch.setenv("SEMCAT_DATA_DIR", str(env / "mirror"))
    assert main(["import", "--publish", str(dump)]) == 0
    again = env / "again.nq"
    assert main(["export", "-o", str(again)]) == 0
    assert sorted(again.read_bytes().splitlines()) == sorted(first.splitlines())


def test_import_json_ld(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from catalog import rdfio
    from tests.builders import service_draft

    f = env / "one.jsonld"
    f.write_bytes(rdfio.serialize(service_draft("ASP-9311").triples, "jsonld"))
    capsys.readouterr()
    assert main(["import", str(f)]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["created"] == 1


def test_several_workers_need_a_remote_store(monkeypatch: pytest.MonkeyPatch) -> None:
    from catalog.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="SEMCAT_SPARQL_URL"):
        Settings(workers=2)
    assert Settings(workers=2, sparql_url="http://127.0.0.1:7878/query").workers == 2
