"""`semcat import` of big files: a flat report, progress lines, Ctrl-C keeps what was
acknowledged, and a re-run finishes the import."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from api.cli import main
from api.cli_import import FileItems, Progress
from bench.corpus import generate
from catalog.core import Catalog
from catalog.demo import reference_files
from catalog.intake.readers import draft_of
from catalog.settings import Settings
from catalog.workflow.bulk import ImportReport
from tests.builders import import_records, service_draft
from tests.factories import assert_store_matches_ledger

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SEMCAT_DATA_DIR", str(tmp_path / "data"))
    assert main(["import", "--publish", *map(str, reference_files())]) == 0
    return tmp_path / "data"


def corpus(path: Path, n: int) -> dict[str, str]:
    """``n`` passports as JSON Lines at ``path``; IRI -> canonical content."""
    passports = generate(n)
    path.write_text("".join(p.model_dump_json(exclude_none=True) + "\n" for p in passports))
    base = Settings().base_uri
    return {d.iri: d.canonical() for d in (draft_of(p, base) for p in passports)}


def last_json(out: str) -> dict[str, object]:
    line = json.loads(out.strip().splitlines()[-1])
    assert isinstance(line, dict)
    return line


def test_a_flat_report_keeps_counts_rejections_and_the_first_others(
        sqlite_catalog: Catalog) -> None:
    bad = service_draft("ASP-9402")
    bad.triples = [t for t in bad.triples if "hasLegalResource" not in t.predicate.value]
    drafts = [service_draft(f"ASP-94{n:02d}") for n in (1, 3, 4, 5)]
    report = import_records(sqlite_catalog, [drafts[0], bad, *drafts[1:]], author="t",
                            atomic=False, batch_size=2, report=ImportReport.flat(keep=2))
    assert report.summary() == {"created": 4, "updated": 0, "unchanged": 0, "rejected": 1}
    assert report.total == 5
    assert [o.status for o in report.outcomes].count("created") == 2
    assert [o.iri for o in report.rejected] == [bad.iri]


def test_per_record_import_prints_plain_progress_lines_off_a_terminal(
        data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "c.jsonl"
    corpus(f, 30)
    with f.open("a") as out:
        out.write('{"code": "ASP-0001"}\n')  # missing fields: rejected, the rest is kept
    capsys.readouterr()
    assert main(["import", "--publish", "--per-record", "--batch-size", "10",
                 "--progress-every", "0", str(f)]) == 1
    captured = capsys.readouterr()
    assert last_json(captured.out) == {"created": 30, "updated": 0, "unchanged": 0,
                                       "rejected": 1}
    assert "rejected line 31" in captured.out
    assert re.search(r"^imported 31 records \(created 30, rejected 1\), \d+/s, 100% of the file$",
                     captured.err, re.MULTILINE), captured.err
    assert re.search(r"^imported 10 records \(created 10, rejected 0\)", captured.err,
                     re.MULTILINE), captured.err


def test_all_or_nothing_validates_the_stream_and_writes_nothing_when_one_is_refused(
        data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "c.jsonl"
    corpus(f, 12)
    with f.open("a") as out:
        out.write("{broken\n")
    assert main(["import", "--publish", str(f)]) == 2
    assert "1 of 13 records are refused; nothing was written" in capsys.readouterr().err
    cat = Catalog(Settings(), with_store=False)
    try:
        assert list(cat.ledger.published_iris("service")) == []
    finally:
        cat.close()


def child_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEMCAT_")}
    return env | {"PYTHONPATH": str(ROOT), "SEMCAT_ENV": "test", "SEMCAT_DATA_DIR": str(data_dir)}


def interrupt_after(args: list[str], data_dir: Path, pattern: str, at_least: int, *,
                    group: bool = False) -> tuple[int, str, str]:
    """Run ``semcat ARGS`` until a progress line ``pattern`` counts ``at_least``, then send
    SIGINT once (``group``: to its whole process group, as a terminal's Ctrl-C does); returns
    the exit code, stdout and stderr."""
    proc = subprocess.Popen([sys.executable, "-m", "api.cli", *args], cwd=ROOT,
                            env=child_env(data_dir), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=group)
    watchdog = threading.Timer(180, proc.kill)  # a hung child must not hang the suite
    watchdog.start()
    seen: list[str] = []
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            seen.append(line)
            m = re.match(pattern, line)
            if m and int(m.group(1)) >= at_least:
                if group:
                    os.killpg(proc.pid, signal.SIGINT)
                else:
                    proc.send_signal(signal.SIGINT)
                break
        out, err = proc.communicate(timeout=120)
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode, out, "".join(seen) + err


def test_ctrl_c_keeps_every_acknowledged_batch_and_a_rerun_finishes(
        data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "big.jsonl"
    n = 600
    wanted = corpus(f, n)
    code, out, err = interrupt_after(
        ["import", "--publish", "--per-record", "--batch-size", "25", "--progress-every", "0.1",
         str(f)],
        data_dir, r"imported (\d+) records", 75)
    assert code == 130, err[-3000:]
    summary = last_json(out)
    assert summary["interrupted"] is True
    acked = summary["created"]
    assert isinstance(acked, int)
    assert 75 <= acked < n, summary
    assert "run the same command again" in err
    cat = Catalog(Settings())
    try:  # every acknowledged record is in the ledger, whole, and nothing else
        stored = cat.ledger.published(kinds=["service"])
        assert len(stored) == acked
        for iri, content in stored.items():
            assert content == wanted[iri]
        assert_store_matches_ledger(cat.ledger, cat.store)  # type: ignore[arg-type]
    finally:
        cat.close()
    capsys.readouterr()
    assert main(["import", "--publish", "--per-record", str(f)]) == 0
    assert last_json(capsys.readouterr().out) == {"created": n - acked, "updated": 0,
                                                  "unchanged": acked, "rejected": 0}


@pytest.mark.parametrize("reader", ["auto", "process"])
def test_ctrl_c_before_an_all_or_nothing_commit_writes_nothing(data_dir: Path,
                                                                tmp_path: Path,
                                                                reader: str) -> None:
    f = tmp_path / "big.jsonl"
    corpus(f, 400)
    code, out, err = interrupt_after(["import", "--publish", "--progress-every", "0.1",
                                      "--reader", reader, str(f)],
                                     data_dir, r"validated (\d+) records", 30)
    assert code == 130, err[-3000:]
    assert "nothing was written" in err
    assert last_json(out)["interrupted"] is True
    cat = Catalog(Settings(), with_store=False)
    try:
        assert list(cat.ledger.published_iris("service")) == []
    finally:
        cat.close()


def test_ctrl_c_at_a_terminal_reaches_the_reading_process_too_and_keeps_every_acknowledged_batch(
        data_dir: Path, tmp_path: Path) -> None:
    """A terminal sends SIGINT to the whole process group: the reading process ignores it, the
    writer commits what it took, both end (none is left behind)."""
    f = tmp_path / "big.jsonl"
    wanted = corpus(f, 300)
    code, out, err = interrupt_after(
        ["import", "--publish", "--per-record", "--reader", "process", "--batch-size", "20",
         "--progress-every", "0.1", str(f)],
        data_dir, r"imported (\d+) records", 40, group=True)
    assert code == 130, err[-3000:]
    summary = last_json(out)
    acked = summary["created"]
    assert summary["interrupted"] is True
    assert isinstance(acked, int)
    assert 40 <= acked < 300
    cat = Catalog(Settings())
    try:
        stored = cat.ledger.published(kinds=["service"])
        assert {iri: wanted[iri] for iri in stored} == stored
        assert len(stored) == acked
        assert_store_matches_ledger(cat.ledger, cat.store)  # type: ignore[arg-type]
    finally:
        cat.close()


def _import_here_or_ahead(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                          capsys: pytest.CaptureFixture[str], reader: str, publish: bool,
                          f: Path) -> tuple[int, str, list[tuple[object, ...]]]:
    """``semcat import --reader READER`` of ``f`` into a fresh hub: exit code, stdout, and the
    ledger's versions, transitions and audit entries."""
    monkeypatch.setenv("SEMCAT_DATA_DIR", str(tmp_path / reader))
    assert main(["import", "--publish", *map(str, reference_files())]) == 0
    capsys.readouterr()
    code = main(["import", "--per-record", "--batch-size", "7", "--reader", reader,
                 "--author", "maria", *(["--publish"] if publish else []), str(f)])
    out = capsys.readouterr().out
    cat = Catalog(Settings(), with_store=False)
    try:
        with cat.engine.connect() as conn:
            rows = [tuple(r) for r in conn.execute(text(
                "SELECT r.iri, r.kind, r.code, v.number, v.status, v.content_hash, v.author, "
                "t.from_status, t.to_status, t.author FROM record r "
                "JOIN version v ON v.record_id = r.id LEFT JOIN transition t ON "
                "t.record_id = r.id AND t.version_number = v.number WHERE r.kind = 'service' "
                "ORDER BY r.iri, v.number"))]
            rows += [tuple(r) for r in conn.execute(text(
                "SELECT actor, action, target, role FROM audit WHERE action = 'import' "
                "AND actor = 'operator:maria' ORDER BY id"))]
    finally:
        cat.close()
    return code, out, rows


@pytest.mark.parametrize("publish", [True, False], ids=["published", "drafts"])
def test_reading_in_a_second_process_imports_what_reading_here_does(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        publish: bool) -> None:
    """The same outcomes in the same order, the same versions, transitions and audit entries,
    whether the records are read and validated in the writing process or ahead in another."""
    f = tmp_path / "mixed.jsonl"
    corpus(f, 30)
    lines = f.read_text().splitlines(keepends=True)
    bad = json.loads(lines[3])
    bad["legal_resources"] = []  # breaks the profile: rejected with its report
    f.write_text("".join([*lines[:10], '{"code": "ASP-0001"}\n', *lines[10:20], "{broken\n",
                          json.dumps(bad) + "\n", *lines[20:], lines[0]]))
    here = _import_here_or_ahead(tmp_path, monkeypatch, capsys, "inline", publish, f)
    ahead = _import_here_or_ahead(tmp_path, monkeypatch, capsys, "process", publish, f)
    assert ahead == here
    code, out, rows = ahead
    assert code == 1
    assert last_json(out) == {"created": 30, "updated": 0, "unchanged": 1, "rejected": 3}
    assert "rejected line 11" in out
    assert "rejected line 22" in out
    assert len(rows) == 30 * 2  # a version and its transition, an audit entry, for each


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_progress_is_a_bar_with_records_rate_and_eta(tmp_path: Path) -> None:
    f = tmp_path / "c.jsonl"
    corpus(f, 3)
    files = FileItems([f], Settings(env="test", data_dir=tmp_path), atomic=False)
    out = _Terminal()
    progress = Progress(files, ImportReport.flat(), atomic=False, out=out)
    assert len(list(files)) == 3
    progress.close()
    last = out.getvalue().split("\r")[-1]
    assert re.match(r"100%\|\S+\| imported 0 records \(rejected 0\), 0/s \[\d\d:\d\d<\d\d:\d\d\]",
                    last), last
