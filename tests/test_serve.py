"""`semcat serve` as `make run` starts it: a real process, demo data, real HTTP on loopback."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from tests.servers import semcat_serving


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = {"SEMCAT_DATA_DIR": str(tmp_path_factory.mktemp("hub")), "SEMCAT_LOAD_DEMO": "true",
           "SEMCAT_QUERY_TIMEOUT_S": "2"}
    with semcat_serving(tmp_path_factory.mktemp("log") / "serve.log", env) as served:
        yield served.url


def test_health_reports_ledger_and_store_in_step(hub: str) -> None:
    body = httpx.get(hub + "/health").json()
    assert body["status"] == "ok"
    assert body["ledger"]["records"]["service"] >= 40
    assert body["store"]["lag"] == 0
    assert body["store"]["watermark"] == body["ledger"]["last_seq"]


def test_demo_passport_as_json_and_turtle(hub: str) -> None:
    r = httpx.get(hub + "/api/v1/services/ASP-0001")
    assert r.status_code == 200
    doc = r.json()
    assert doc["code"] == "ASP-0001"
    assert doc["title"]["ro"]
    assert doc["title"]["en"]
    assert doc["competent_authority"].endswith("/id/org/asp")
    t = httpx.get(hub + "/api/v1/services/ASP-0001", headers={"Accept": "text/turtle"})
    assert t.headers["content-type"].startswith("text/turtle")
    assert "cpsv:PublicService" in t.text
    assert t.headers["vary"] == "Accept, Authorization"


def test_sparql_counts_life_events(hub: str) -> None:
    q = ("PREFIX cv: <http://data.europa.eu/m8g/> "
         "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a cv:LifeEvent }")
    r = httpx.get(hub + "/sparql", params={"query": q})
    assert r.status_code == 200
    assert r.json()["results"]["bindings"][0]["n"]["value"] == "18"


def test_a_runaway_query_is_cut_while_others_answer(hub: str) -> None:
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    import threading

    result: dict[str, httpx.Response] = {}
    t = threading.Thread(target=lambda: result.update(
        heavy=httpx.get(hub + "/sparql", params={"query": heavy}, timeout=30)))
    t.start()
    time.sleep(0.3)  # let the heavy query start; what follows must not wait for it
    started = time.monotonic()
    light = httpx.get(hub + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
    light_s = time.monotonic() - started
    t.join()
    assert light.status_code == 200
    assert light_s < 1.5
    assert result["heavy"].status_code == 503
    assert result["heavy"].json()["error"]["code"] == "query_timeout"
    assert "Retry-After" in result["heavy"].headers
