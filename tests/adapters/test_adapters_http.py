"""The admin API of adapters and the published mapping schema."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from adapters.mapping.spec import schema
from api.app import create_app
from catalog.core import Catalog
from catalog.demo import load_reference
from catalog.settings import Settings
from catalog.workflow.access import Tokens
from tests.adapters.conftest import MAPPING, registry_rows, write_jsonl


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("http")
    folder = root / "adapters"
    folder.mkdir()
    settings = Settings(env="test", data_dir=root / "data", adapters_dir=folder)
    with TestClient(create_app(settings)) as c:
        catalog: Catalog = c.app.state.catalog  # type: ignore[attr-defined]
        load_reference(catalog)
        rows = registry_rows(catalog)[:3]
        write_jsonl(folder / "asp.jsonl", [*rows, "{broken"])
        (folder / "asp-registry.yaml").write_text(MAPPING, encoding="utf-8")
        (folder / "broken.yaml").write_text("name: broken\n", encoding="utf-8")
        tokens = Tokens(catalog.engine)
        c.headers["X-Admin"] = tokens.create("AGE", "admin")[1]
        c.headers["X-Publisher"] = tokens.create("ASP", "publisher")[1]
        yield c


def _as(client: TestClient, who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {client.headers[f'X-{who}']}"}


def _finished(client: TestClient, location: str) -> dict[str, Any]:
    for _ in range(500):
        body: dict[str, Any] = client.get(location, headers=_as(client, "Admin")).json()
        if body["run"]["status"] != "running":
            return body
        time.sleep(0.05)
    raise AssertionError("the run did not finish")


def test_the_mapping_schema_is_published(client: TestClient) -> None:
    r = client.get("/api/v1/schema/mapping.json")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/schema+json")
    assert r.json() == schema()


def test_only_an_admin_reads_the_adapters(client: TestClient) -> None:
    assert client.get("/api/v1/adapters").status_code == 401
    assert client.get("/api/v1/adapters", headers=_as(client, "Publisher")).status_code == 403
    body = client.get("/api/v1/adapters", headers=_as(client, "Admin")).json()
    by_name = {a["name"]: a for a in body}
    assert by_name["asp-registry"]["source"] == "file"
    assert by_name["asp-registry"]["trusted"] is False
    assert by_name["broken"]["error"]["field"] == "(top)"


def test_a_run_is_started_and_its_report_read(client: TestClient) -> None:
    r = client.post("/api/v1/adapters/asp-registry/runs?dry_run=true",
                    headers=_as(client, "Admin"))
    assert r.status_code == 202
    plan = _finished(client, r.headers["Location"])
    assert plan["dry_run"] is True
    assert plan["counts"] == {"created": 3, "updated": 0, "unchanged": 0, "rejected": 1}
    r = client.post("/api/v1/adapters/asp-registry/runs", headers=_as(client, "Admin"))
    applied = _finished(client, r.json()["location"])
    assert applied["run"]["status"] == "done"
    assert applied["counts"]["created"] == 3
    rejected = client.get(r.json()["location"] + "?status=rejected",
                          headers=_as(client, "Admin")).json()["records"]
    assert [o["where"] for o in rejected] == ["line 4"]
    runs = client.get("/api/v1/adapters/asp-registry/runs", headers=_as(client, "Admin"))
    assert [(x["dry_run"], x["status"]) for x in runs.json()][:2] == [(False, "done"),
                                                                      (True, "done")]
    versions = client.get("/api/v1/services/ASP-0001/versions",
                          headers=_as(client, "Publisher"))
    assert versions.status_code == 200, versions.text
    assert "source:asp-registry" in versions.text


def test_an_unknown_adapter_or_run_is_404(client: TestClient) -> None:
    r = client.post("/api/v1/adapters/nope/runs", headers=_as(client, "Admin"))
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"
    r = client.get("/api/v1/adapters/asp-registry/runs/9999", headers=_as(client, "Admin"))
    assert r.status_code == 404


def test_an_admin_trusts_an_adapter(client: TestClient) -> None:
    r = client.put("/api/v1/adapters/asp-registry/trust", json={"trusted": True},
                   headers=_as(client, "Publisher"))
    assert r.status_code == 403
    r = client.put("/api/v1/adapters/asp-registry/trust", json={"trusted": True},
                   headers=_as(client, "Admin"))
    assert r.status_code == 200
    assert r.json()["trusted"] is True




def test_a_run_of_an_adapter_already_running_elsewhere_is_409(client: TestClient) -> None:
    from catalog.ledger.leases import Lease

    catalog: Catalog = client.app.state.catalog  # type: ignore[attr-defined]
    other = Lease(catalog.engine, "adapter:asp-registry", holder="otherhost:1:x")
    assert other.acquire()
    try:
        r = client.post("/api/v1/adapters/asp-registry/runs", headers=_as(client, "Admin"))
        assert r.status_code == 409
        assert r.headers["content-type"].startswith("application/problem+json")
        assert "already running in otherhost:1:x" in r.json()["detail"]
    finally:
        other.release()
