"""``/api/v1/mappings``: suggestions for elements sent, a reviewer's decisions (token of the
owning institution; another institution's refused), the set in JSON and SSSOM TSV, coverage."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from catalog.demo import load_reference
from catalog.settings import Settings
from catalog.workflow.access import Tokens

BASE = "https://registry.example.md/asset/rsp/element/"
FOAF = "http://xmlns.com/foaf/0.1/"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(env="test", data_dir=tmp_path_factory.mktemp("mappings") / "data")
    with TestClient(create_app(settings)) as c:
        load_reference(c.app.state.catalog)  # type: ignore[attr-defined]
        yield c


def token(client: TestClient, institution: str, role: str = "reviewer") -> dict[str, str]:
    _, secret = Tokens(client.app.state.catalog.engine).create(  # type: ignore[attr-defined]
        institution, role)
    return {"Authorization": f"Bearer {secret}"}


def org(client: TestClient, code: str) -> str:
    found = client.app.state.catalog.institutions()  # type: ignore[attr-defined]
    return next(iri for iri, c in found.items() if c == code)


ELEMENTS = [{"iri": BASE + "Prenume", "name": "Prenume", "datatype": "xs:string"},
            {"iri": BASE + "DataNasterii", "name": "DataNasterii", "datatype": "xs:date"},
            {"iri": BASE + "seed", "name": "seed", "datatype": "xs:decimal"}]


def test_suggest_review_and_export(client: TestClient) -> None:
    r = client.post("/api/v1/mappings/suggest", json={"asset": "rsp", "elements": ELEMENTS})
    assert r.status_code == 200, r.text
    body = r.json()
    by_element = {e["element"]: e for e in body["elements"]}
    given = by_element[BASE + "Prenume"]["suggestions"][0]
    assert given["term"]["iri"] == FOAF + "givenName"
    assert given["term"]["vocabulary"].startswith("Core Person")
    assert by_element[BASE + "seed"]["suggestions"] == []
    assert body["coverage"] == {"elements": 3, "mapped": 0, "reviewed": 0, "ratio": 0.0}

    decision = {"publisher": org(client, "ASP"), "decisions": [
        {"element": BASE + "Prenume", "element_label": "Prenume", "term": FOAF + "givenName",
         "relation": given["relation"], "decision": "confirm", "score": given["score"]}]}
    anonymous = client.post("/api/v1/mappings/rsp/decisions", json=decision)
    assert anonymous.status_code == 401
    other = next(c for c in client.app.state.catalog.institutions().values()  # type: ignore[attr-defined]
                 if c != "ASP")
    refused = client.post("/api/v1/mappings/rsp/decisions", json=decision,
                          headers=token(client, other))
    assert refused.status_code == 403
    assert client.get("/api/v1/mappings/rsp").json() == []  # nothing was written
    ok = client.post("/api/v1/mappings/rsp/decisions", json=decision,
                     headers=token(client, "ASP"))
    assert ok.status_code == 200, ok.text
    assert [(d["term"], d["confirmed"]) for d in ok.json()] == [(FOAF + "givenName", True)]

    again = client.post("/api/v1/mappings/suggest", json={"asset": "rsp", "elements": ELEMENTS})
    assert again.json()["coverage"]["mapped"] == 1
    tsv = client.get("/api/v1/mappings/rsp/sssom")
    assert tsv.headers["content-type"].startswith("text/tab-separated-values")
    rows = list(csv.DictReader(io.StringIO("\n".join(
        line for line in tsv.text.splitlines() if not line.startswith("#"))), delimiter="\t"))
    assert [(r["subject_label"], r["object_id"]) for r in rows] == [("Prenume",
                                                                      "foaf:givenName")]


@pytest.mark.parametrize(("body", "field"), [
    ({"elements": []}, "elements"),
    ({"elements": [{"iri": "javascript:x", "name": "a"}]}, "elements.0.iri"),
    ({"elements": [{"iri": BASE + "a", "name": "a", "extra": 1}]}, "elements.0.extra"),
    ({"elements": [{"iri": BASE + "a", "name": "x" * 300}]}, "elements.0.name"),
])
def test_bad_suggestion_requests_name_the_field(client: TestClient, body: dict[str, object],
                                                field: str) -> None:
    r = client.post("/api/v1/mappings/suggest", json=body)
    assert r.status_code == 400, r.text
    assert r.json()["field"] == field


def test_a_decision_on_an_unknown_term_is_refused(client: TestClient) -> None:
    r = client.post("/api/v1/mappings/rsp/decisions", headers=token(client, "ASP"), json={
        "publisher": org(client, "ASP"), "decisions": [
            {"element": BASE + "Nume", "element_label": "Nume",
             "term": "https://evil.example/term", "decision": "confirm"}]})
    assert r.status_code == 404
    assert r.json()["field"] == "term"
