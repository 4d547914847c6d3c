"""The institutions' API: writes with tokens, ETags, review, and refusals that change nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from catalog.demo import load_reference
from catalog.settings import Settings
from catalog.workflow.access import Tokens
from tests.builders import passport, service_ttl


@pytest.fixture
def client(ledger_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(ledger_settings)) as c:
        load_reference(c.app.state.catalog)  # type: ignore[attr-defined]
        yield c


def bearer(c: TestClient, institution: str, role: str = "publisher") -> dict[str, str]:
    _, secret = Tokens(c.app.state.catalog.engine).create(institution, role)  # type: ignore[attr-defined]
    return {"Authorization": f"Bearer {secret}"}


def test_publish_a_passport_end_to_end(client: TestClient) -> None:
    asp, age = bearer(client, "ASP"), bearer(client, "AGE", "reviewer")
    r = client.post("/api/v1/services", content=passport("ASP-9501").model_dump_json(),
                    headers={**asp, "Content-Type": "application/json"})
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "draft"
    assert r.headers["location"] == "/api/v1/services/ASP-9501"
    etag = r.headers["etag"]
    assert client.get("/api/v1/services/ASP-9501").status_code == 404  # not published yet

    r = client.put("/api/v1/services/ASP-9501", content=service_ttl("ASP-9501", title_ro="Nou"),
                   headers={**asp, "Content-Type": "text/turtle", "If-Match": etag})
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2
    etag = r.headers["etag"]
    r = client.post("/api/v1/services/ASP-9501/submit", json={"reason": "gata"},
                    headers={**asp, "If-Match": etag})
    assert r.json()["status"] == "submitted"
    r = client.post("/api/v1/services/ASP-9501/publish", json={"reason": "verificat"},
                    headers={**age, "If-Match": r.headers["etag"]})
    assert r.status_code == 200, r.text
    got = client.get("/api/v1/services/ASP-9501")
    assert got.status_code == 200
    assert got.json()["title"]["ro"] == "Nou"
    hist = client.get("/api/v1/services/ASP-9501/versions", headers=asp).json()
    assert [v["status"] for v in hist["versions"]] == ["superseded", "published"]
    assert [t["to"] for t in hist["transitions"]] == ["draft", "draft", "submitted", "published"]
    assert hist["transitions"][-1]["reason"] == "verificat"
    # the public sees the published version only, and its history
    public = client.get("/api/v1/services/ASP-9501/versions").json()
    assert [v["version"] for v in public["versions"]] == [2]
    assert [t["to"] for t in public["transitions"]] == ["draft", "submitted", "published"]


def test_writes_need_a_valid_token(client: TestClient) -> None:
    body = passport("ASP-9502").model_dump_json()
    r = client.post("/api/v1/services", content=body)
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Bearer")
    r = client.post("/api/v1/services", content=body, headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401
    assert client.app.state.catalog.ledger.record_iri("service", "ASP-9502") is None  # type: ignore[attr-defined]


def test_another_institution_gets_403_on_every_write_and_nothing_changes(
        client: TestClient) -> None:
    asp, cnas = bearer(client, "ASP"), bearer(client, "CNAS")
    r = client.post("/api/v1/services", content=passport("ASP-9503").model_dump_json(),
                    headers=asp)
    etag = r.headers["etag"]
    cat = client.app.state.catalog  # type: ignore[attr-defined]
    before = [v.content_hash for v in cat.ledger.versions(cat.service_iri("ASP-9503"))]
    attempts = [
        client.post("/api/v1/services", content=passport("ASP-9504").model_dump_json(),
                    headers=cnas),
        client.put("/api/v1/services/ASP-9503", content=passport(
            "ASP-9503", title_ro="Altul").model_dump_json(), headers={**cnas, "If-Match": etag}),
        client.post("/api/v1/services/ASP-9503/submit", headers={**cnas, "If-Match": etag}),
        client.post("/api/v1/services/ASP-9503/publish", headers={**cnas, "If-Match": etag}),
        client.post("/api/v1/services/ASP-9503/withdraw", headers={**cnas, "If-Match": etag}),
    ]
    assert [a.status_code for a in attempts] == [403] * 5
    assert all(a.json()["error"]["code"] == "forbidden" for a in attempts)
    assert [v.content_hash for v in cat.ledger.versions(cat.service_iri("ASP-9503"))] == before
    assert cat.ledger.record_iri("service", "ASP-9504") is None


def test_if_match_missing_428_stale_412(client: TestClient) -> None:
    asp = bearer(client, "ASP")
    r = client.post("/api/v1/services", content=passport("ASP-9505").model_dump_json(),
                    headers=asp)
    old = r.headers["etag"]
    new = passport("ASP-9505", title_ro="Doi").model_dump_json()
    assert client.put("/api/v1/services/ASP-9505", content=new, headers=asp).status_code == 428
    assert client.put("/api/v1/services/ASP-9505", content=new,
                      headers={**asp, "If-Match": old}).status_code == 200
    stale = client.put("/api/v1/services/ASP-9505", content=passport(
        "ASP-9505", title_ro="Trei").model_dump_json(), headers={**asp, "If-Match": old})
    assert stale.status_code == 412
    assert stale.json()["error"]["expected"].startswith('"ASP-9505.2.')


def test_invalid_passport_422_with_every_problem_and_nothing_stored(client: TestClient) -> None:
    bad = passport("ASP-9506").model_copy(update={"legal_resources": [], "audiences": []})
    r = client.post("/api/v1/services", content=bad.model_dump_json(),
                    headers=bearer(client, "ASP"))
    assert r.status_code == 422
    findings = r.json()["error"]["report"]["findings"]
    paths = {f["path"].rsplit("/", 1)[-1] for f in findings if f["severity"] == "violation"}
    assert {"hasLegalResource", "audience"} <= paths
    assert all(f["message"]["ro"] and f["message"]["en"] for f in findings)
    assert client.app.state.catalog.ledger.record_iri("service", "ASP-9506") is None  # type: ignore[attr-defined]


@pytest.mark.parametrize(("body", "field"), [
    ('{"code": "ASP-9507", "title": {"ro": "x\\u0000y"}}', "$.title.ro"),
    ('{"code": "ASP-9507", "title": {"ro": "x\\ud800"}}', "$.title.ro"),
])
def test_nul_and_lone_surrogates_are_refused(client: TestClient, body: str, field: str) -> None:
    r = client.post("/api/v1/services", content=body, headers=bearer(client, "ASP"))
    assert r.status_code == 400
    assert r.json()["error"]["field"] == field


def test_unknown_fields_are_refused(client: TestClient) -> None:
    doc = json.loads(passport("ASP-9508").model_dump_json())
    doc["status"] = "published"  # set by the server only
    doc["colour"] = "blue"
    r = client.post("/api/v1/services", content=json.dumps(doc), headers=bearer(client, "ASP"))
    assert r.status_code == 422
    findings = {f["path"]: f["message"] for f in r.json()["error"]["report"]["findings"]}
    assert findings["status"]["en"] == "status: status is set by the server, not by the request"
    assert findings["status"]["ro"] == "status: status este stabilit de server, nu de cerere"
    assert "colour" in findings
    assert client.app.state.catalog.ledger.record_iri("service", "ASP-9508") is None  # type: ignore[attr-defined]


def test_bodies_over_the_limit_get_413(ledger_settings: Settings) -> None:
    small = ledger_settings.model_copy(update={"max_record_bytes": 4096})
    with TestClient(create_app(small)) as c:
        load_reference(c.app.state.catalog)  # type: ignore[attr-defined]
        r = c.post("/api/v1/services", content=b"x" * 5000, headers=bearer(c, "ASP"))
        assert r.status_code == 413


def test_malformed_turtle_names_line_and_column(client: TestClient) -> None:
    r = client.post("/api/v1/services", content='<a> <b> "x .\n',
                    headers={**bearer(client, "ASP"), "Content-Type": "text/turtle"})
    assert r.status_code == 400
    assert r.json()["error"]["line"] == 1


def test_a_graph_about_another_service_is_refused(client: TestClient) -> None:
    two = service_ttl("ASP-9509") + "\n" + service_ttl("ASP-9510")
    r = client.post("/api/v1/services", content=two,
                    headers={**bearer(client, "ASP"), "Content-Type": "text/turtle"})
    assert r.status_code == 422
    [finding] = r.json()["error"]["report"]["findings"]
    assert finding["value"] == "<http://127.0.0.1:8000/id/service/ASP-9510>"
    assert "another service" in finding["message"]["en"]
    assert "alt serviciu" in finding["message"]["ro"]


def test_validate_is_a_dry_run(client: TestClient) -> None:
    r = client.post("/api/v1/validate", content=passport("ASP-9511").model_dump_json())
    assert r.status_code == 200
    assert r.json()["conforms"] is True
    assert client.app.state.catalog.ledger.record_iri("service", "ASP-9511") is None  # type: ignore[attr-defined]


def test_the_passport_json_schema_is_published(client: TestClient) -> None:
    import jsonschema

    schema = client.get("/api/v1/schema/passport.json").json()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.loads(passport("ASP-9512").model_dump_json()), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"code": "bad"}, schema)
