"""Where a record written by an adapter came from: in its RDF (``dct:source``, a PROV-O entity
with the item's key, the source it is part of and the adapter), in SPARQL once published, and
with its version in the history and the audit log (the run, the key, the location, the time;
for a harvest also the catalogue, the harvest time and the original IRI). A re-run of an
unchanged source writes nothing, provenance included."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from adapters.mapping.spec import load
from adapters.sync.runner import Sync
from api.app import create_app
from catalog.core import Catalog
from catalog.demo import load_reference
from catalog.settings import Settings
from catalog.workflow.access import Principal, Tokens
from catalog.workflow.history import History
from tests.adapters.conftest import MAPPING, provenance_of, registry_rows, write_jsonl

LAVORO = "datasets/trento-cpsv-ap-2/trento_servizi_lavoro.rdf"
QUERY = """PREFIX dct: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?service ?key ?part ?agent WHERE {
  ?service dct:source ?s . ?s a prov:Entity ; dct:identifier ?key ; dct:isPartOf ?part ;
    prov:wasAttributedTo/rdfs:label ?agent }
ORDER BY ?key"""


@dataclass
class Hub:
    client: TestClient
    catalog: Catalog
    codes: list[str]
    run: int


def _admin(client: TestClient) -> dict[str, str]:
    return {"Authorization": f"Bearer {client.headers['X-Admin']}"}


def _run(client: TestClient) -> dict[str, Any]:
    r = client.post("/api/v1/adapters/asp-registry/runs", headers=_admin(client))
    assert r.status_code == 202, r.text
    for _ in range(1200):
        body: dict[str, Any] = client.get(r.headers["Location"], headers=_admin(client)).json()
        if body["run"]["status"] != "running":
            return body
        time.sleep(0.05)
    raise AssertionError("the run did not finish")


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    root = tmp_path_factory.mktemp("provenance")
    folder = root / "adapters"
    folder.mkdir()
    settings = Settings(env="test", data_dir=root / "data", adapters_dir=folder)
    with TestClient(create_app(settings)) as client:
        catalog: Catalog = client.app.state.catalog  # type: ignore[attr-defined]
        load_reference(catalog)
        rows = registry_rows(catalog)[:3]
        write_jsonl(folder / "asp.jsonl", rows)
        (folder / "asp-registry.yaml").write_text(MAPPING, encoding="utf-8")
        client.headers["X-Admin"] = Tokens(catalog.engine).create("AGE", "admin")[1]
        assert client.put("/api/v1/adapters/asp-registry/trust", json={"trusted": True},
                          headers=_admin(client)).status_code == 200
        report = _run(client)
        assert report["counts"]["created"] == 3
        catalog.project()
        yield Hub(client, catalog, [r["id"] for r in rows], report["run"]["id"])


def test_the_rdf_of_a_record_names_its_source_key_and_adapter(hub: Hub) -> None:
    base = hub.catalog.settings.base_uri
    for code in hub.codes:
        iri = hub.catalog.kinds["service"].iri(base, code)
        assert provenance_of(iri, hub.catalog.ledger.version(iri, 1).content) == {
            "key": code, "part_of": '"asp.jsonl"', "agent": '"source:asp-registry"'}
    r = hub.client.get("/sparql", params={"query": QUERY},
                       headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    rows = [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]
    assert [(b["key"], b["part"], b["agent"]) for b in rows] == \
        [(c, "asp.jsonl", "source:asp-registry") for c in sorted(hub.codes)]


def test_the_history_and_the_audit_log_show_the_run_key_location_and_time(hub: Hub) -> None:
    code = hub.codes[0]
    versions = hub.client.get(f"/api/v1/services/{code}/versions").json()["versions"]
    [v1] = versions
    assert v1["author"] == "source:asp-registry"
    prov = v1["provenance"]
    assert {k: prov[k] for k in ("source", "run", "key", "location")} == {
        "source": "source:asp-registry", "run": str(hub.run), "key": code,
        "location": "asp.jsonl"}
    assert datetime.fromisoformat(prov["read_at"]).utcoffset() == timedelta(0)
    audit = hub.client.get("/api/v1/audit", params={"target": code, "action": "import"},
                           headers=_admin(hub.client)).json()
    [entry] = audit["entries"]
    assert entry["actor"] == "source:asp-registry"
    assert entry["detail"]["provenance"] == prov


def test_a_rerun_of_an_unchanged_source_writes_nothing(hub: Hub) -> None:
    again = _run(hub.client)
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 3, "rejected": 0}
    code = hub.codes[0]
    assert len(hub.client.get(f"/api/v1/services/{code}/versions").json()["versions"]) == 1


def test_a_harvested_record_keeps_its_catalogue_harvest_time_and_original_iri(
        shared: Path, tmp_path: Path) -> None:
    catalog = Catalog(Settings(env="test", data_dir=tmp_path / "data"))
    try:
        load_reference(catalog)
        mapping = tmp_path / "trento.yaml"
        mapping.write_text(
            "name: trento\ninstitution: AGE\n"
            f"source: {{type: rdf, file: {shared / LAVORO}, cpsv_ap: '2.2.1',\n"
            "         catalogue: 'https://dati.trentino.it/dataset/servizi-lavoro'}\n",
            encoding="utf-8")
        report = Sync(catalog, load(mapping)).apply()
        assert report.counts["created"] == 40
        iri = report.records[0].key
        assert provenance_of(iri, catalog.ledger.version(iri, 1).content) == {
            "key": iri, "part_of": "<https://dati.trentino.it/dataset/servizi-lavoro>",
            "agent": '"source:trento"'}
        [view] = History(catalog, kind="harvested-service").versions(
            iri, Principal.operator("t"))
        assert view.provenance is not None
        assert view.provenance["catalogue"] == "https://dati.trentino.it/dataset/servizi-lavoro"
        assert view.provenance["original_iri"] == iri
        assert view.provenance["cpsv_ap"] == "2.2.1"
        assert datetime.fromisoformat(view.provenance["harvested_at"]).tzinfo is not None
        assert view.provenance["run"] == str(report.run.id)
        # a second harvest of the same file: nothing changed, nothing written
        again = Sync(catalog, load(mapping)).apply()
        assert again.counts == {"created": 0, "updated": 0, "unchanged": 40, "rejected": 0}
    finally:
        catalog.close()
