"""`semcat serve` with several workers (SEMCAT_WORKERS=2, a real `oxigraph serve` as the shared
store) on a fresh data folder with the demo: the ledger is migrated and the demo loaded once,
before the workers start, so no worker dies at start and no record is loaded twice."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import serve_oxigraph
from tests.servers import start_semcat


def test_two_workers_start_on_a_fresh_folder_with_the_demo_loaded_once(
        tmp_path: Path) -> None:
    for store in serve_oxigraph(tmp_path / "oxigraph"):
        env = {"SEMCAT_DATA_DIR": str(tmp_path / "hub"), "SEMCAT_LOAD_DEMO": "true",
               "SEMCAT_WORKERS": "2", "SEMCAT_SPARQL_URL": store + "/query",
               "SEMCAT_SPARQL_UPDATE_URL": store + "/update"}
        # the demo is loaded before the workers start: allow for a busy machine
        served = start_semcat(tmp_path / "serve.log", env, timeout_s=240)
        try:
            health: dict[str, object] = {}
            deadline = time.monotonic() + 180  # the store catches up with the demo
            while health.get("status") != "ok" and time.monotonic() < deadline:
                health = httpx.get(served.url + "/health", timeout=30).json()
                time.sleep(0.2)  # between polls of /health
            assert health.get("status") == "ok", health
            seen: set[str] = set()
            for _ in range(40):  # answers come from both workers
                health = httpx.get(served.url + "/health", timeout=30).json()
                assert health["status"] == "ok", health
                r = httpx.get(served.url + "/api/v1/services/ASP-0001/versions", timeout=30)
                assert r.status_code == 200, r.text
                seen.add(r.text)
            assert len(seen) == 1
            versions = r.json()["versions"]
            assert [v["version"] for v in versions] == [1]  # loaded once, not once per worker
        finally:
            served.stop()
        log = served.tail(20_000)
        assert "died" not in log, log
        assert log.count("Application startup complete") == 2, log
        return
    pytest.fail("oxigraph serve yielded no URL")
