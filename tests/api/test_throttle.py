"""Rate limits per client address: SPARQL answers (cached ones count too) and failed
authentications; the address is the peer's, whatever X-Forwarded-For says, unless the proxy is
trusted."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from catalog.settings import Settings
from tests.servers import semcat_serving

QUERY = {"query": "ASK { ?s ?p ?o }"}


def test_cached_sparql_answers_count_toward_a_clients_rate(tmp_path: Path) -> None:
    settings = Settings(env="test", data_dir=tmp_path / "data", query_workers=1,
                        sparql_rate_per_client=1, sparql_burst_per_client=3)
    with TestClient(create_app(settings)) as client:
        answers = [client.get("/sparql", params=QUERY) for _ in range(6)]
    assert [r.status_code for r in answers[:3]] == [200, 200, 200]  # the burst, cached or not
    refused = [r for r in answers[3:] if r.status_code == 429]
    assert refused
    assert refused[0].headers["retry-after"]
    assert refused[0].json()["code"] == "too_many_requests"
    assert "at most 1 a second" in refused[0].json()["detail"]


@pytest.mark.slow
def test_failed_authentications_are_throttled_per_peer_whatever_x_forwarded_for_says(
        tmp_path: Path) -> None:
    env = {"SEMCAT_DATA_DIR": str(tmp_path / "data"), "SEMCAT_LOAD_DEMO": "true",
           "SEMCAT_AUTH_FAILURES_PER_MINUTE": "5"}
    with semcat_serving(tmp_path / "serve.log", env) as served, \
            httpx.Client(base_url=served.url) as c:
        statuses = [c.post("/api/v1/services", json={},
                           headers={"Authorization": f"Bearer sc_guess{n}",
                                    "X-Forwarded-For": f"203.0.113.{n}"}).status_code
                    for n in range(8)]
        assert statuses[:5] == [401] * 5
        assert statuses[5:] == [429] * 3  # the peer is the same, whatever the header says
        throttled = c.get("/api/v1/services/ASP-0001?version=latest",
                          headers={"Authorization": "Bearer sc_guess9"})
        assert throttled.status_code == 429
        assert throttled.json()["code"] == "too_many_requests"
        assert c.get("/api/v1/services/ASP-0001").status_code == 200  # anonymous reads go on
