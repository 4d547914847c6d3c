"""`make run` restarted after edits keeps them: the demo loads only the records that are missing
and never writes over an edited, withdrawn or draft demo passport (a real `semcat serve` with
`SEMCAT_LOAD_DEMO=true`, as `make run` starts it)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from catalog.ledger.db import create_db_engine
from catalog.workflow.access import Tokens
from tests.servers import semcat_serving

API = "/api/v1/services"


def _ok(r: httpx.Response) -> httpx.Response:
    assert r.status_code in (200, 201), r.text
    return r


@pytest.mark.slow
def test_a_restart_with_the_demo_keeps_acknowledged_edits_and_withdrawals(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {"SEMCAT_DATA_DIR": str(data), "SEMCAT_LOAD_DEMO": "true"}
    engine = create_db_engine(f"sqlite:///{data / 'ledger.sqlite3'}")
    with semcat_serving(tmp_path / "first.log", env) as served, httpx.Client() as c:
        tokens = Tokens(engine)
        asp = {"Authorization": f"Bearer {tokens.create('ASP', 'publisher')[1]}"}
        age = {"Authorization": f"Bearer {tokens.create('AGE', 'reviewer')[1]}"}
        url = served.url + API
        # an acknowledged version 2 of ASP-0002, published
        doc = _ok(c.get(f"{url}/ASP-0002")).json()
        doc["title"]["ro"] = "Titlu nou, editat de instituție"
        etag = _ok(c.get(f"{url}/ASP-0002?version=latest", headers=asp)).headers["etag"]
        r = _ok(c.put(f"{url}/ASP-0002", json=doc, headers={**asp, "If-Match": etag}))
        r = _ok(c.post(f"{url}/ASP-0002/submit", headers={**asp, "If-Match": r.headers["etag"]}))
        _ok(c.post(f"{url}/ASP-0002/publish", headers={**age, "If-Match": r.headers["etag"]}))
        # ASP-0004 withdrawn, ASP-0003 with a draft under work
        etag = _ok(c.get(f"{url}/ASP-0004")).headers["etag"]
        _ok(c.post(f"{url}/ASP-0004/withdraw", headers={**age, "If-Match": etag}))
        draft = _ok(c.get(f"{url}/ASP-0003")).json()
        draft["title"]["en"] = "A draft under work"
        etag = _ok(c.get(f"{url}/ASP-0003?version=latest", headers=asp)).headers["etag"]
        _ok(c.put(f"{url}/ASP-0003", json=draft, headers={**asp, "If-Match": etag}))
    with engine.connect() as conn:
        before = [tuple(r) for r in conn.execute(text(
            "SELECT (SELECT count(*) FROM version), (SELECT count(*) FROM transition), "
            "(SELECT count(*) FROM audit), (SELECT max(seq) FROM change)"))]
    with semcat_serving(tmp_path / "second.log", env) as served, httpx.Client() as c:
        url = served.url + API
        kept = _ok(c.get(f"{url}/ASP-0002")).json()
        assert kept["title"]["ro"] == "Titlu nou, editat de instituție"
        assert c.get(f"{url}/ASP-0002").headers["x-version"] == "2"
        assert c.get(f"{url}/ASP-0004").status_code == 410  # still withdrawn (issue 9: Gone)
        assert c.get(f"{url}/ASP-0003").json()["title"]["en"] != "A draft under work"
        versions = _ok(c.get(f"{url}/ASP-0003/versions", headers=asp)).json()
        assert [v["status"] for v in versions["versions"]] == ["published", "draft"]
    with engine.connect() as conn:
        after = [tuple(r) for r in conn.execute(text(
            "SELECT (SELECT count(*) FROM version), (SELECT count(*) FROM transition), "
            "(SELECT count(*) FROM audit), (SELECT max(seq) FROM change)"))]
    engine.dispose()
    assert after == before  # the restart wrote nothing
