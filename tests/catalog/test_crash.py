"""kill -9 during a bulk import: every acknowledged record survives, nothing is half-written,
and after a restart (which replays) the store holds exactly what the ledger publishes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from sqlalchemy import text

from catalog.core import Catalog
from catalog.settings import Settings
from tests.factories import assert_store_matches_ledger, sha256, table_counts

ROOT = Path(__file__).resolve().parents[2]
KILL_AFTER = 300
BATCH = 20


def kill_mid_import(tmp_path: Path, env_extra: dict[str, str]) -> dict[str, str]:
    """Run the child until it has acknowledged KILL_AFTER records, then SIGKILL it.
    Returns the acknowledged records (IRI -> code)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEMCAT_")}
    env |= {"PYTHONPATH": str(ROOT), "SEMCAT_ENV": "test", **env_extra}
    stderr_path = tmp_path / "child.stderr"
    acked: dict[str, str] = {}
    with stderr_path.open("wb") as stderr:
        proc = subprocess.Popen([sys.executable, "-m", "tests.catalog._crash_child"], cwd=ROOT,
                                env=env,
                                stdout=subprocess.PIPE, stderr=stderr, text=True)
    watchdog = threading.Timer(120, proc.kill)  # a hung child must not hang the suite
    watchdog.start()
    finished = False
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("ack "):
                _, code, iri = line.split()
                acked[iri] = code
                if len(acked) >= KILL_AFTER:
                    proc.send_signal(signal.SIGKILL)
                    break
            elif line.strip() == "done":
                finished = True
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()
    problem = stderr_path.read_text("utf-8", errors="replace")[-3000:]
    assert not finished, "the import finished before it could be killed"
    assert proc.returncode == -signal.SIGKILL, f"child exited {proc.returncode}:\n{problem}"
    assert len(acked) >= KILL_AFTER, f"child stopped early:\n{problem}"
    return acked


def check_after_restart(s: Settings, acked: dict[str, str]) -> None:
    cat = Catalog(s)  # restart: migrations, then replay into the store
    try:
        published = cat.ledger.published()
        for iri, code in acked.items():
            assert iri in published, f"acknowledged {code} is not published after the crash"
            v = cat.ledger.version(iri)
            assert (v.status, v.code) == ("published", code)
        with cat.engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT v.content, v.content_hash, v.triple_count, v.number, r.id "
                "FROM version v LEFT JOIN record r ON r.id = v.record_id")).all()
            bad_records = conn.execute(text(
                "SELECT r.iri FROM record r LEFT JOIN version v ON v.record_id = r.id "
                "AND v.number = r.published_version "
                "WHERE r.latest_version < 1 OR v.id IS NULL")).all()
            bad_changes = conn.execute(text(
                'SELECT c.seq FROM "change" c LEFT JOIN version v ON v.record_id = c.record_id '
                "AND v.number = c.version_number WHERE c.op = 'publish' AND v.id IS NULL"
            )).all()
        assert rows, "nothing reached the ledger"
        for content, content_hash, triple_count, number, record_id in rows:
            assert record_id is not None, "a version without its record"
            assert content, "a version with empty content"
            assert triple_count == content.count("\n")
            assert number == 1
            assert sha256(content) == content_hash, "a version whose content does not match"
        assert bad_records == [], "records without their published version"
        assert bad_changes == [], "publish changes without their version"
        # each batch of 20 is one transaction: whole batches only, one version and one change
        # per record
        counts = table_counts(cat.engine)
        services = cat.ledger.counts()["service"]
        assert services % BATCH == 0, counts
        assert counts["record"] == counts["version"] == counts["change"] == len(published)
        assert len(acked) <= services < 2000
        assert cat.store is not None
        assert_store_matches_ledger(cat.ledger, cat.store)
    finally:
        cat.close()


def test_kill_9_mid_import_on_sqlite(tmp_path: Path, settings: Settings) -> None:
    acked = kill_mid_import(tmp_path, {"SEMCAT_DATA_DIR": str(settings.data_dir)})
    check_after_restart(settings, acked)


def test_kill_9_mid_import_on_postgresql(tmp_path: Path, settings: Settings,
                                         postgres_url: str) -> None:
    acked = kill_mid_import(tmp_path, {"SEMCAT_DATA_DIR": str(settings.data_dir),
                             "SEMCAT_DATABASE_URL": postgres_url})
    check_after_restart(settings.model_copy(update={"database_url": postgres_url}), acked)
