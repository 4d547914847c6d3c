"""A sync killed with SIGKILL in the middle of 5,000 records: the re-run resumes the same run
from its cursor; nothing lost, nothing written or counted twice, and the store matches the
ledger."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from bench.adapter_sync import write_registry
from catalog.core import Catalog
from catalog.ledger import syncs
from catalog.settings import Settings
from tests.factories import assert_store_matches_ledger

ROOT = Path(__file__).resolve().parents[2]
N = 5000


def _semcat(data: Path, *args: str, quiet: bool = False) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SEMCAT_ENV": "test",
           "SEMCAT_DATA_DIR": str(data)}
    out = subprocess.DEVNULL if quiet else subprocess.PIPE
    return subprocess.Popen([sys.executable, "-m", "api.cli", *args], env=env, cwd=ROOT,
                            stdout=out, stderr=out)


def _cursor(ledger: Path) -> int:
    try:
        with sqlite3.connect(ledger, timeout=1) as db:
            row = db.execute("SELECT cursor FROM sync_run WHERE dry_run = 0 "
                             "ORDER BY id DESC LIMIT 1").fetchone()
    except sqlite3.OperationalError:
        return 0
    return int(row[0]) if row and row[0] else 0


@pytest.mark.slow
def test_a_killed_sync_resumes_from_its_cursor_with_nothing_lost_or_twice(
        tmp_path: Path) -> None:
    data = tmp_path / "data"
    mapping = write_registry(tmp_path / "src", N)
    for args in (["demo", "load"], ["adapter", "trust", str(mapping)]):
        done = _semcat(data, *args)
        _out, err = done.communicate(timeout=300)
        assert done.returncode == 0, err.decode()
    run = _semcat(data, "adapter", "run", str(mapping), "--no-progress", quiet=True)
    ledger = data / "ledger.sqlite3"
    deadline = time.monotonic() + 600
    while _cursor(ledger) < 600 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert run.poll() is None, "the run ended before it could be killed"
    run.send_signal(signal.SIGKILL)
    run.wait()
    killed_at = _cursor(ledger)
    assert 600 <= killed_at < N

    again = _semcat(data, "adapter", "run", str(mapping), "--no-progress", "--format", "json")
    out, err = again.communicate(timeout=900)
    assert again.returncode == 0, err.decode()
    assert json.loads(out)["counts"] == {"created": N, "updated": 0, "unchanged": 0,
                                         "rejected": 0}

    catalog = Catalog(Settings(env="test", data_dir=data))
    try:
        [latest, *_] = syncs.runs(catalog.engine, "bench-registry")
        assert latest.status == "done"
        assert latest.counts == {"created": N, "updated": 0, "unchanged": 0, "rejected": 0}
        assert len(syncs.runs(catalog.engine, "bench-registry")) == 1  # resumed, not restarted
        keys = [o.key for o in syncs.outcomes(catalog.engine, latest.id, limit=2 * N)]
        assert len(keys) == N
        assert len(set(keys)) == N  # nothing reported twice
        with catalog.engine.connect() as c:
            records = c.execute(text(
                "SELECT count(*), count(DISTINCT code) FROM record WHERE code LIKE '%-0%' "
                "AND kind = 'service' AND iri IN (SELECT r.iri FROM record r JOIN version v "
                "ON v.record_id = r.id WHERE v.author = 'source:bench-registry')")).one()
            versions = c.execute(text("SELECT count(*) FROM version WHERE author = "
                                      "'source:bench-registry'")).scalar_one()
        assert tuple(records) == (N, N)
        assert versions == N  # nothing written twice
        catalog.project()
        assert catalog.store is not None
        assert_store_matches_ledger(catalog.ledger, catalog.store)
    finally:
        catalog.close()
