"""`semcat import --per-record FILE` of N generated passports, as users run it.

    python -m bench.import_cli [--sizes 10000,30000,100000] [--keep DIR]

For each size: the corpus (bench/corpus.py) is written as JSON Lines, a fresh SQLite data folder
gets the shipped reference data (a first `semcat import`, not measured), then
`semcat import --per-record FILE` runs as a child process. Measured: wall time, records per
second, the child's CPU time (user + system, all its threads: steadier than wall time on a
shared machine), its peak RSS (``os.wait4``: that child alone) and its RSS sampled every second
(``/proc/PID/status``), to show whether memory grows with the file. Results go to
bench/out/import_cli.json and are printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.corpus import write_jsonl
from catalog.demo import reference_files

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(__file__).parent / "out"
TARGETS = {"peak_rss_mb": 500.0, "import_100k_s": 600.0}


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEMCAT_")}
    return env | {"SEMCAT_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}


def _rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def run_size(n: int, work: Path) -> dict[str, Any]:
    corpus = work / f"corpus-{n}.jsonl"
    if not corpus.exists():
        t0 = time.perf_counter()
        write_jsonl(str(corpus), n)
        print(f"{n}: corpus written in {time.perf_counter() - t0:.1f} s "
              f"({corpus.stat().st_size / 1e6:.0f} MB)", flush=True)
    data_dir = work / f"data-{n}"
    shutil.rmtree(data_dir, ignore_errors=True)
    # published at once, as an operator loads a catalogue (drafts would leave the reference
    # data unpublished and every passport refused)
    semcat = [sys.executable, "-m", "api.cli", "import", "--publish"]
    subprocess.run([*semcat, *map(str, reference_files())], env=_env(data_dir), cwd=ROOT,
                   check=True, stdout=subprocess.DEVNULL)
    log = work / f"import-{n}.log"
    samples: list[tuple[float, float]] = []
    with log.open("w") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen([*semcat, "--per-record", str(corpus)], env=_env(data_dir),
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=err, text=True)

        def sample() -> None:
            while proc.poll() is None:
                rss = _rss_mb(proc.pid)
                if rss is not None:
                    samples.append((time.perf_counter() - t0, rss))
                time.sleep(1.0)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        assert proc.stdout is not None
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        sampler.join(timeout=5)
    summary = json.loads(out.strip().splitlines()[-1])
    assert proc.returncode == 0, (proc.returncode, summary)
    assert summary["created"] == n, summary
    quarter = [r for t, r in samples if t <= wall / 4]
    return {
        "services": n,
        "file_mb": round(corpus.stat().st_size / 1e6, 1),
        "wall_s": round(wall, 1),
        "per_s": round(n / wall, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),  # all its threads (RocksDB's too)
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "rss_at_quarter_mb": round(max(quarter), 1) if quarter else None,
        "rss_samples": [(round(t, 1), round(r, 1)) for t, r in samples[::10]],
        "summary": summary,
    }


def table(rows: list[dict[str, Any]]) -> str:
    lines = ["| services | file | wall | per s | CPU | peak RSS | RSS, first quarter of the run |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['services']:,} | {r['file_mb']} MB | {r['wall_s']} s | "
                     f"{r['per_s']} | {r['cpu_s']} s | {r['peak_rss_mb']} MB | "
                     f"{r['rss_at_quarter_mb']} MB |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="10000,30000,100000")
    ap.add_argument("--keep", help="a folder for corpora and data (default: a temporary one)")
    ap.add_argument("--json", default=str(OUT / "import_cli.json"), help="where results go")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="semcat-import-bench-") as tmp:
        work = Path(args.keep or tmp)
        work.mkdir(parents=True, exist_ok=True)
        for size in args.sizes.split(","):
            rows.append(run_size(int(size), work))
            print(table(rows[-1:]).splitlines()[-1], flush=True)
            if not args.keep:
                shutil.rmtree(work / f"data-{size}", ignore_errors=True)
    machine = {"cpus": os.cpu_count(), "python": sys.version.split()[0],
               "load_avg": os.getloadavg()}
    Path(args.json).parent.mkdir(exist_ok=True)
    Path(args.json).write_text(json.dumps({"machine": machine, "runs": rows}, indent=2))
    print(table(rows))
    for r in rows:
        print(f"{r['services']}: peak RSS {r['peak_rss_mb']} MB "
              f"(target < {TARGETS['peak_rss_mb']} MB), {r['wall_s']} s")


if __name__ == "__main__":
    main()
