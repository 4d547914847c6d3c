"""The checks of a real catalogue (the demo, through the one write path): the projection follows
publishes, what-if runs of drafts, ``semcat check`` and ``/api/v1/checks``."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.cli import main
from catalog.checks import CheckRun
from catalog.core import Catalog
from catalog.demo import load_demo
from catalog.records import RecordDraft
from catalog.records.passport import Passport, from_triples, to_triples
from catalog.settings import Settings
from catalog.workflow.access import Principal
from catalog.workflow.publishing import Publishing
from tests.api.read_helpers import hermetic_settings

BASE = "http://127.0.0.1:8000/"


@pytest.fixture(scope="module")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return hermetic_settings(data_dir=tmp_path_factory.mktemp("checks"))


@pytest.fixture(scope="module")
def demo(demo_settings: Settings) -> Iterator[Catalog]:
    cat = Catalog(demo_settings, with_store=False)
    report = load_demo(cat)
    assert report.rejected == []
    yield cat
    cat.close()


@pytest.fixture(scope="module")
def client(demo: Catalog, demo_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(demo_settings)) as c:
        yield c


def passport(cat: Catalog, code: str) -> Passport:
    iri = BASE + "id/service/" + code
    from catalog import rdfio

    return from_triples(rdfio.parse_canonical(cat.ledger.published(iris=[iri])[iri]), iri)


def draft(p: Passport) -> RecordDraft:
    iri = BASE + "id/service/" + p.code
    return RecordDraft(iri, "service", to_triples(p, iri))


def keys(run: CheckRun) -> list[tuple[str, str]]:
    return [(f.rule, f.record) for f in run.findings]


def test_the_demo_catalogue_has_no_violation(demo: Catalog) -> None:
    run = demo.checks().run()
    assert run.count("violation") == 0
    assert run.count("warning") > 0


def test_a_draft_that_duplicates_a_service_shows_one_new_finding(demo: Catalog) -> None:
    # ASP-0002 (exchange of the licence) retitled as ASP-0001 (its issuance), in capitals
    title = passport(demo, "ASP-0001").title["ro"].upper()
    p = passport(demo, "ASP-0002")
    retitled = p.model_copy(update={"title": {**p.title, "ro": title}})
    before = keys(demo.checks().run())
    what_if = demo.checks().what_if([draft(retitled)])
    assert [(f.rule, f.code, f.other) for f in what_if.added] == [
        ("DUP-SERVICE", "ASP-0002", BASE + "id/service/ASP-0001")]
    assert what_if.resolved == []
    assert keys(demo.checks().run()) == before  # the published catalogue is as it was


def test_a_draft_that_adds_the_missing_article_resolves_one(demo: Catalog) -> None:
    p = passport(demo, "ASP-0013")
    assert p.legal_resources == [BASE + "eli/lege/2001/100"]
    fixed = p.model_copy(update={"legal_resources": [*p.legal_resources,
                                                     BASE + "eli/lege/2001/100/art/73"]})
    what_if = demo.checks().what_if([draft(fixed)])
    assert [(f.rule, f.code) for f in what_if.resolved] == [("LB-ACT-ONLY", "ASP-0013")]
    assert what_if.added == []


def test_a_published_version_is_checked_at_the_next_run(demo: Catalog) -> None:
    checks = demo.checks()
    p = passport(demo, "CNAS-0007")
    assert checks.run(only=["LB-REPEALED"]).findings == []
    assert checks.view(only=["LB-REPEALED"]).findings == []  # the kept run, as the API reads
    repealed = BASE + "eli/lege/2000/982"  # the shapes take it: it is a known act
    report = Publishing(demo).import_records(
        Principal.operator("test"), [draft(p.model_copy(update={"legal_resources": [repealed]}))],
        atomic=True, publish=True)
    assert report.rejected == []
    found = [(f.code, f.act) for f in demo.checks().run(only=["LB-REPEALED"]).findings]
    assert found == [("CNAS-0007", repealed)]
    kept = demo.checks().view(only=["LB-REPEALED"], institution="CNAS")
    assert [(f.code, f.act) for f in kept.findings] == found  # the kept run moved on
    Publishing(demo).import_records(Principal.operator("test"), [draft(p)], atomic=True,
                                    publish=True)
    assert demo.checks().run(only=["LB-REPEALED"]).findings == []
    assert demo.checks().view(only=["LB-REPEALED"]).findings == []


def test_semcat_check_exit_codes_and_formats(demo: Catalog, demo_settings: Settings,
                                             monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SEMCAT_DATA_DIR", str(demo_settings.data_dir))
    assert main(["check", "--format", "json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["summary"]["violation"] == 0
    assert {f["rule"] for f in body["findings"]} >= {"LB-ACT-ONLY", "ORG-NO-SERVICES"}
    first = body["findings"][0]
    assert set(first) == {"rule", "severity", "record", "code", "institution", "message",
                          "evidence"}
    assert set(first["message"]) == {"ro", "en", "ru"}

    assert main(["check", "--institution", "ASP", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows
    assert {r["institution"] for r in rows} == {"ASP"}

    copy = passport(demo, "ASP-0001").model_copy(update={"code": "ASP-0098"})
    path = tmp_path / "draft.json"
    path.write_text(copy.model_dump_json(), "utf-8")
    assert main(["check", "--draft", str(path), "--format", "json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert sorted(f["rule"] for f in out["what_if"]["added"]) == [
        "DUP-SERVICE", "NOMENCLATURE-ORPHAN"]  # a new code: no entry in the edition either

    assert main(["check", "--format", "html", "-o", str(tmp_path / "r.html")]) == 0
    assert "<h1>Raport de verificare a catalogului</h1>" in (tmp_path / "r.html").read_text()
    assert main(["check", "--date", "2026-02-30"]) == 2
    assert "2026-02-30" in capsys.readouterr().err
    assert main(["check", "--institution", "NOPE"]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["check", "--format", "xml"])
    assert exc.value.code == 2
    assert main(["check", "--rules"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[0].startswith("LB-MISSING\tviolation\tService with no legal basis")


def test_api_checks(demo: Catalog, demo_settings: Settings, client: TestClient) -> None:
    c = client
    r = c.get("/api/v1/checks", params={"institution": "CNAS", "date": "2026-06-01"})
    assert r.status_code == 200
    body = r.json()
    assert body["date"] == "2026-06-01"
    assert body["findings"]
    assert {f["institution"] for f in body["findings"]} == {"CNAS"}
    r = c.get("/api/v1/checks", params={"format": "csv", "rule": "ORG-NO-SERVICES"})
    assert r.headers["content-type"].startswith("text/csv")
    assert {row["rule"] for row in csv.DictReader(io.StringIO(r.text))} == {
        "ORG-NO-SERVICES"}
    assert c.get("/api/v1/checks", params={"format": "html"}).text.startswith(
        "<!doctype html>")
    # a Russian-speaking lawyer reads the report, the rules and each finding in Russian
    ru = c.get("/api/v1/checks", params={"format": "html", "lang": "ru"}).text
    assert '<html lang="ru">' in ru
    assert "<h1>Отчёт о проверке каталога</h1>" in ru
    assert "Организация без услуг" in ru
    org = c.get("/api/v1/checks", params={"rule": "ORG-NO-SERVICES"}).json()["findings"][0]
    assert org["message"]["ru"].startswith("У организации http")
    assert c.get("/api/v1/checks", params={"format": "html", "lang": "de"}).status_code == 400
    bad = c.get("/api/v1/checks", params={"date": "yesterday"})
    assert bad.status_code == 400
    assert bad.json()["error"]["field"] == "date"
    assert c.get("/api/v1/checks", params={"rule": "NO-SUCH"}).status_code == 400
    rules = c.get("/api/v1/checks/rules").json()
    assert [r["id"] for r in rules][:2] == ["LB-MISSING", "LB-UNKNOWN"]
    assert rules[0]["title"]["ro"] == "Serviciu fără temei legal"
    assert rules[0]["title"]["ru"] == "Услуга без правового основания"
    copy = passport(demo, "ASP-0001").model_copy(update={"code": "ASP-0097"})
    r = c.post("/api/v1/checks/what-if", content=copy.model_dump_json(),
               headers={"content-type": "application/json"})
    assert r.status_code == 200, r.text
    assert sorted(f["rule"] for f in r.json()["added"]) == ["DUP-SERVICE",
                                                             "NOMENCLATURE-ORPHAN"]
    empty = c.post("/api/v1/checks/what-if", content=b"[]",
                   headers={"content-type": "application/json"})
    assert empty.status_code == 400
    big = c.post("/api/v1/checks/what-if", content=b"[" + b" " * demo_settings.max_record_bytes
                 + b"]", headers={"content-type": "application/json"})
    assert big.status_code == 413


def test_api_legal_basis_of_a_service(client: TestClient) -> None:
    c = client
    r = c.get("/api/v1/services/ASP-0001/legal-basis", params={"date": "2026-06-01"})
    assert r.status_code == 200, r.text
    by = {s["cited"]: s for s in r.json()}
    art = by[BASE + "eli/lege/2007/131/art/20"]
    assert (art["kind"], art["in_force"], art["act"]) == ("article", True,
                                                         BASE + "eli/lege/2007/131")
    assert art["version_in_force"] == BASE + "eli/lege/2007/131/consolidated/2024-01-01"
    assert by[BASE + "eli/lege/2007/131"]["act_title"]["ro"].startswith("Legea nr. 131/2007")
    assert c.get("/api/v1/services/ASP-9999/legal-basis").status_code == 404
    assert c.get("/api/v1/services/not-a-code/legal-basis").status_code == 400


def test_recorded_runs_make_the_trend_per_rule(demo: Catalog, demo_settings: Settings,
                                               client: TestClient,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SEMCAT_DATA_DIR", str(demo_settings.data_dir))
    assert main(["check", "--record", "--date", "2026-06-01"]) == 0
    assert main(["check", "--record", "--institution", "CNAS"]) == 0
    capsys.readouterr()
    runs = client.get("/api/v1/checks/history").json()
    assert runs[-1]["date"] == "2026-06-01"
    assert runs[-1]["institution"] is None
    assert runs[-1]["summary"]["violation"] == 0
    assert runs[-1]["by_rule"]["LB-ACT-ONLY"] == demo.checks().run(
        only=["LB-ACT-ONLY"]).by_rule()["LB-ACT-ONLY"]
    cnas = client.get("/api/v1/checks/history", params={"institution": "CNAS"}).json()
    assert [r["institution"] for r in cnas] == ["CNAS"]


def test_the_projection_dates_each_passport_by_its_last_publication(demo: Catalog) -> None:
    import pyoxigraph as ox

    from catalog.checks.facts import F

    store = demo.checks().projection.store
    dates = [q.object.value for q in store.quads_for_pattern(
        ox.NamedNode(BASE + "id/service/ASP-0001"), ox.NamedNode(F + "versionDate"), None)]
    assert dates == [datetime.now(UTC).date().isoformat()]


def test_api_nomenclature_as_of_and_diff(client: TestClient) -> None:
    c = client
    r = c.get("/api/v1/nomenclature", params={"as_of": "2026-06-01"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["iri"], body["approved_by"]) == (BASE + "id/nomenclature/2026",
                                                  BASE + "eli/hg/2025/900")
    asp = next(e for e in body["entries"] if e["code"] == "ASP-0001")
    assert asp["authority"] == BASE + "id/org/asp"
    # the entry's template fields: what every provider's passport inherits
    assert asp["template"]["description"]["en"].startswith("Issuance of the first national")
    assert asp["template"]["processing_time"] == "P10D"
    assert [o["identifier"] for o in asp["template"]["outputs"]] == ["ASP-0001-O1"]
    cnas = next(e for e in body["entries"] if e["code"] == "CNAS-0001")
    assert set(cnas["template"]) == {"life_events"}
    before = c.get("/api/v1/nomenclature", params={"as_of": "2025-12-31"})
    assert before.status_code == 404
    assert before.json()["error"]["field"] == "as_of"
    assert c.get("/api/v1/nomenclature/editions").json() == [BASE + "id/nomenclature/2026"]
    same = c.get("/api/v1/nomenclature/diff", params={
        "from": BASE + "id/nomenclature/2026", "to": BASE + "id/nomenclature/2026"})
    assert same.json() == []
    assert c.get("/api/v1/nomenclature/diff", params={
        "from": BASE + "id/nomenclature/1999", "to": BASE + "id/nomenclature/2026"}
    ).status_code == 404


def test_the_passport_page_shows_whether_each_legal_basis_is_in_force(
        client: TestClient) -> None:
    assert client.get("/api/v1/checks", params={"rule": "LB-MISSING"}).status_code == 200
    page = client.get("/id/service/ASP-0001", params={"lang": "en"},
                      headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "(in force; consolidated version of 2024-01-01)" in page.text
    ro = client.get("/id/service/ASP-0001", params={"lang": "ro"},
                    headers={"accept": "text/html"}).text
    assert "(în vigoare; versiunea consolidată din 2024-01-01)" in ro
