"""Issue 11: short codes a person types (``citizen``, ``EUR``, ``unemployment``, ``RON``) in a
passport's coded fields become the code list's concept IRIs, or a 422 naming the JSON field
and the allowed codes (they gave a 500); the dry run reports every problem of a draft at once,
each at its JSON field, in the language asked for."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.cli import main
from catalog.demo import load_reference, reference_files
from catalog.settings import Settings
from catalog.workflow.access import Tokens
from tests.builders import BASE, passport

EU = "http://publications.europa.eu/resource/authority/"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(env="test", data_dir=tmp_path / "data"))) as c:
        load_reference(c.app.state.catalog)  # type: ignore[attr-defined]
        yield c


def asp(c: TestClient) -> dict[str, str]:
    _, secret = Tokens(c.app.state.catalog.engine).create("ASP", "publisher")  # type: ignore[attr-defined]
    return {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}


def typed(code: str) -> dict[str, Any]:
    """A valid passport as a clerk would type it: short codes in every coded field."""
    doc: dict[str, Any] = json.loads(passport(code).model_dump_json(exclude_none=True))
    doc["audiences"] = ["citizen"]
    doc["life_events"] = ["unemployment", "Vehicle"]
    doc["languages"] = ["RON", "rus"]
    doc["costs"][0]["currency"] = "EUR"
    doc["channels"][0]["type"] = "online"
    return doc


def test_short_codes_become_concept_iris_through_the_api(client: TestClient) -> None:
    who = asp(client)
    r = client.post("/api/v1/services", content=json.dumps(typed("ASP-9801")), headers=who)
    assert r.status_code == 201, r.text
    r = client.put("/api/v1/services/ASP-9801", content=json.dumps(typed("ASP-9801")),
                   headers={**who, "If-Match": r.headers["etag"]})
    assert r.status_code == 200, r.text
    stored = client.get("/api/v1/services/ASP-9801", params={"version": "latest"},
                        headers=who).json()
    assert stored["audiences"] == [BASE + "codelist/audience/citizen"]
    assert stored["life_events"] == [BASE + "codelist/life-event/unemployment",
                                     BASE + "codelist/life-event/vehicle"]
    assert stored["languages"] == [EU + "language/RON", EU + "language/RUS"]
    assert {c["currency"] for c in stored["costs"]} >= {EU + "currency/EUR"}
    assert BASE + "codelist/channel-type/online" in {c["type"] for c in stored["channels"]}


def test_an_unknown_code_is_a_422_naming_the_field_and_the_codes(client: TestClient) -> None:
    doc = typed("ASP-9802")
    doc["costs"][0]["currency"] = "XYZ"
    doc["audiences"] = ["citizen", "martian"]
    r = client.post("/api/v1/services", content=json.dumps(doc), headers=asp(client))
    assert r.status_code == 422, r.text
    findings = {f["field"]: f for f in r.json()["error"]["report"]["findings"]}
    assert set(findings) == {"costs.0.currency", "audiences.1"}
    assert findings["costs.0.currency"]["message"]["en"] == (
        "costs.0.currency: unknown code 'XYZ'; expected one of EUR, MDL (or a concept IRI)")
    assert "citizen" in findings["audiences.1"]["message"]["ro"]
    assert client.app.state.catalog.ledger.record_iri("service", "ASP-9802") is None  # type: ignore[attr-defined]


def test_a_value_that_is_not_an_iri_is_a_422_not_a_500(client: TestClient) -> None:
    doc = typed("ASP-9803")
    doc["competent_authority"] = "asp"
    doc["channels"][0]["locations"] = ["the town hall"]
    r = client.post("/api/v1/services", content=json.dumps(doc), headers=asp(client))
    assert r.status_code == 422, r.text
    fields = [f["field"] for f in r.json()["error"]["report"]["findings"]]
    assert fields == ["competent_authority", "channels.0.locations.0"]


def test_a_merge_patch_takes_short_codes_too(client: TestClient) -> None:
    who = asp(client)
    r = client.post("/api/v1/services", content=json.dumps(typed("ASP-9804")), headers=who)
    r = client.patch("/api/v1/services/ASP-9804", content=json.dumps({"audiences": [
        "legal-entity"]}), headers={**who, "If-Match": r.headers["etag"],
                                    "Content-Type": "application/merge-patch+json"})
    assert r.status_code == 200, r.text


def test_the_dry_run_reports_every_problem_at_once(client: TestClient) -> None:
    doc = typed("ASP-9805")
    doc["title"] = {"ro": " ", "en": "Test"}
    doc["costs"][0]["value"] = "a lot"
    doc["costs"][0]["currency"] = "LEI"
    del doc["competent_authority"]
    r = client.post("/api/v1/validate", content=json.dumps(doc), params={"lang": "ru"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["conforms"] is False
    assert body["lang"] == "ru"
    found = {f["field"]: f["text"] for f in body["records"][0]["findings"]
             if f["severity"] == "violation"}
    assert found == {
        "title.ro": "title.ro: текст пуст; заполните его или уберите этот язык",
        "costs.0.value": "costs.0.value: должно быть числом",
        "costs.0.currency": "costs.0.currency: неизвестный код 'LEI'; ожидается один из EUR, "
                            "MDL (или IRI понятия)",
        "competent_authority": "competent_authority: обязательное поле отсутствует"}
    assert client.app.state.catalog.ledger.record_iri("service", "ASP-9805") is None  # type: ignore[attr-defined]


def test_the_dry_run_places_shacl_findings_at_their_fields(client: TestClient) -> None:
    doc = typed("ASP-9806")
    doc["audiences"] = []
    doc["title"] = {"en": "Only English"}
    doc["costs"][0]["value"] = "x"
    r = client.post("/api/v1/validate", content=json.dumps(doc),
                    headers={"Accept-Language": "en-GB,en;q=0.8"})
    found = {f["field"]: f for f in r.json()["records"][0]["findings"]
             if f["severity"] == "violation"}
    assert set(found) == {"audiences", "title.ro", "costs.0.value"}
    assert found["audiences"]["shape"].endswith("PublicService-audience")
    assert "Romanian" in found["title.ro"]["text"]
    r = client.post("/api/v1/validate?lang=ru", content=json.dumps(doc))
    in_russian = {f["field"]: f["text"] for f in r.json()["records"][0]["findings"]}
    assert in_russian["audiences"] == ("Укажите хотя бы одну категорию получателей "
                                       "(dct:audience) из справочника «Получатели» "
                                       "(skos:Concept).")


def test_the_command_line_reads_short_codes_and_names_bad_fields(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SEMCAT_DATA_DIR", str(tmp_path / "data"))
    assert main(["import", "--publish", *map(str, reference_files())]) == 0
    good, bad = tmp_path / "good.jsonl", tmp_path / "bad.json"
    good.write_text(json.dumps(typed("ASP-9807")) + "\n")
    doc = typed("ASP-9808")
    doc["costs"][0]["currency"] = "USD"
    bad.write_text(json.dumps(doc))
    assert main(["validate", str(good)]) == 0
    capsys.readouterr()
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "costs.0.currency: unknown code 'USD'; expected one of EUR, MDL" in err
    assert main(["import", str(good)]) == 0


def test_a_csv_row_takes_short_codes_and_names_bad_fields(client: TestClient) -> None:
    from catalog.records.csvformat import export_csv
    from catalog.records.passport import Passport

    who = {**asp(client), "Content-Type": "text/csv"}
    good = Passport.model_validate(typed("ASP-9809"))
    r = client.post("/api/v1/services", content=export_csv([good]), headers=who)
    assert r.status_code == 201, r.text
    doc = typed("ASP-9810")
    doc["costs"][0]["currency"] = "RUB"
    r = client.post("/api/v1/services", content=export_csv([Passport.model_validate(doc)]),
                    headers=who)
    assert r.status_code == 422, r.text
    [finding] = r.json()["error"]["report"]["findings"]
    assert finding["field"] == "costs.0.currency"
