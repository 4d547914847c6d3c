"""kill -9 during an import: every acknowledged version survives, nothing is half-written, and
after restart the store agrees with the ledger."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from catalog.core import Catalog
from catalog.settings import Settings
from tests.catalog.test_projection import assert_store_matches_ledger

ROOT = Path(__file__).resolve().parents[2]


def _kill_mid_import(env_extra: dict[str, str]) -> set[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEMCAT_")} | env_extra
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.Popen([sys.executable, "-m", "tests.catalog._kill9_child"], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    acked: set[str] = set()
    assert proc.stdout is not None
    try:
        for line in proc.stdout:
            if line.startswith("ack "):
                acked.add(line.split()[1])
                if len(acked) >= 300:
                    proc.send_signal(signal.SIGKILL)
                    break
            assert line.strip() != "done", "the import finished before it could be killed"
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    return acked


def _check_after_restart(settings: Settings, acked: set[str]) -> None:
    cat = Catalog(settings)  # restart: migrations, then replay into the store
    try:
        for code in acked:
            iri = cat.ledger.record_iri("service", code)
            assert iri is not None, f"acknowledged {code} is missing from the ledger"
            assert cat.ledger.version(iri).status == "published"
        with cat.engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT v.content, v.content_hash, v.number, r.latest_version "
                "FROM version v JOIN record r ON r.id = v.record_id")).all()
            orphans = conn.execute(text(
                "SELECT COUNT(*) FROM change c LEFT JOIN version v ON v.record_id = c.record_id "
                "AND v.number = c.version_number WHERE c.op = 'publish' AND v.id IS NULL"
            )).scalar()
        for content, digest, number, latest in rows:
            assert content, "a version with empty content"
            assert hashlib.sha256(content.encode()).hexdigest() == digest
            assert number <= latest
        assert orphans == 0
        services = cat.ledger.counts().get("service", 0)
        assert len(acked) <= services < 2000
        assert_store_matches_ledger(cat)
    finally:
        cat.close()


@pytest.mark.slow
def test_kill9_during_import_on_sqlite(tmp_path: Path) -> None:
    data = tmp_path / "data"
    acked = _kill_mid_import({"SEMCAT_DATA_DIR": str(data)})
    _check_after_restart(Settings(env="test", data_dir=data), acked)


@pytest.mark.slow
def test_kill9_during_import_on_postgres(tmp_path: Path, postgres_url: str) -> None:
    data = tmp_path / "data"
    acked = _kill_mid_import({"SEMCAT_DATA_DIR": str(data), "SEMCAT_DATABASE_URL": postgres_url})
    _check_after_restart(Settings(env="test", data_dir=data, database_url=postgres_url), acked)
