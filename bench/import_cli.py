"""`semcat import --per-record FILE` of N generated passports, as users run it.

    python -m bench.import_cli [--sizes 10000,30000,100000] [--keep DIR]

For each size: the corpus (bench/corpus.py) is written as JSON Lines, a fresh SQLite data folder
gets the shipped reference data (a first `semcat import`, not measured), then
`semcat import --per-record FILE` runs as a child process. Measured: wall time, records per
second, the child's CPU time (user + system, all its threads and its reading process's:
steadier than wall time on a shared machine), its peak RSS (``os.wait4``: the larger of the
child and its reading process), and every second the RSS and PSS of the child and of its
reading process (``/proc/PID/status``, ``/proc/PID/smaps_rollup``; summed: what the import
holds, pages shared between them counted once in the PSS) and each one's CPU time so far
(``/proc/PID/stat``: how the work is split between the writer and the reader). Results go to
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


def _kb(path: str, key: str) -> float | None:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _cpu_s(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _threads_cpu(pid: int) -> dict[str, float]:
    """CPU seconds of a process's threads by name, digits dropped (``rocksdb:low``, the
    interpreter's ``python``...): what the store's own threads cost beside the Python code."""
    out: dict[str, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            stat = Path(f"/proc/{pid}/task/{tid}/stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")].rstrip("0123456789")
        fields = stat.rsplit(")", 1)[1].split()
        out[name] = out.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return out


def _tree(pid: int) -> list[int]:
    """The process and its children (the import's reading process)."""
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return [pid]
    return [pid, *map(int, kids)]


def _role(root: int, pid: int) -> str:
    if pid == root:
        return "writer"
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "gone"
    return "tracker" if b"resource_tracker" in cmd else "reader"


def _sample(pid: int) -> dict[str, Any] | None:
    """RSS and PSS summed over the process tree (MB); each process's RSS and CPU seconds by
    its role (the writer, its reading process, multiprocessing's resource tracker)."""
    pids = _tree(pid)
    rss = [_kb(f"/proc/{p}/status", "VmRSS:") for p in pids]
    pss = [_kb(f"/proc/{p}/smaps_rollup", "Pss:") for p in pids]
    if rss[0] is None:
        return None
    roles = [_role(pid, p) for p in pids]
    return {"rss": sum(r or 0 for r in rss), "pss": sum(r or 0 for r in pss),
            "threads": _threads_cpu(pid),
            "rss_each": {k: round(r or 0, 1) for k, r in zip(roles, rss, strict=True)},
            "cpu_each": {k: _cpu_s(p) for k, p in zip(roles, pids, strict=True)}}


def run_size(n: int, work: Path, reader: str = "inline") -> dict[str, Any]:
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
    samples: list[tuple[float, dict[str, Any]]] = []
    with log.open("w") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen([*semcat, "--per-record", "--reader", reader, str(corpus)],
                                env=_env(data_dir),
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=err, text=True)

        def sample() -> None:
            while proc.poll() is None:
                got = _sample(proc.pid)
                if got is not None:
                    samples.append((time.perf_counter() - t0, got))
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
    quarter = [r["rss"] for t, r in samples if t <= wall / 4]
    # how the CPU time was split between the processes (the last seen of each)
    split: dict[str, float] = {}
    for _t, r in samples:
        split |= {k: v for k, v in r["cpu_each"].items() if v is not None}
    return {
        "services": n,
        "reader": reader,
        "load_avg_after": [round(x, 2) for x in os.getloadavg()],
        "file_mb": round(corpus.stat().st_size / 1e6, 1),
        "wall_s": round(wall, 1),
        "per_s": round(n / wall, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),  # all its threads (RocksDB's too)
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # the larger process alone
        "peak_rss_sum_mb": round(max((r["rss"] for _t, r in samples), default=0), 1),
        "peak_pss_sum_mb": round(max((r["pss"] for _t, r in samples), default=0), 1),
        "rss_at_quarter_mb": round(max(quarter), 1) if quarter else None,
        "cpu_writer_reader_s": split,
        # the writer's CPU by thread (the last sample): Python's, RocksDB's background work
        "writer_threads_cpu_s": {k: round(v, 1) for k, v in
                                 (samples[-1][1]["threads"] if samples else {}).items()},
        "rss_samples": [(round(t, 1), round(r["rss"], 1), r["rss_each"])
                        for t, r in samples[::10]],
        "summary": summary,
    }


def table(rows: list[dict[str, Any]]) -> str:
    lines = ["| services | reader | file | wall | per s | CPU | peak RSS, one process | "
             "peak RSS, both (PSS) | RSS, first quarter of the run |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['services']:,} | {r['reader']} | {r['file_mb']} MB | "
                     f"{r['wall_s']} s | {r['per_s']} | {r['cpu_s']} s | {r['peak_rss_mb']} MB | "
                     f"{r['peak_rss_sum_mb']} MB ({r['peak_pss_sum_mb']} MB) | "
                     f"{r['rss_at_quarter_mb']} MB |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="10000,30000,100000")
    ap.add_argument("--keep", help="a folder for corpora and data (default: a temporary one)")
    ap.add_argument("--json", default=str(OUT / "import_cli.json"), help="where results go")
    ap.add_argument("--reader", default="inline", choices=["auto", "process", "inline"],
                    help="semcat import --reader (default inline, as semcat import's own)")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="semcat-import-bench-") as tmp:
        work = Path(args.keep or tmp)
        work.mkdir(parents=True, exist_ok=True)
        for size in args.sizes.split(","):
            rows.append(run_size(int(size), work, args.reader))
            print(table(rows[-1:]).splitlines()[-1], flush=True)
            if not args.keep:
                shutil.rmtree(work / f"data-{size}", ignore_errors=True)
    machine = {"cpus": os.cpu_count(), "python": sys.version.split()[0],
               "load_avg": os.getloadavg()}
    Path(args.json).parent.mkdir(exist_ok=True)
    Path(args.json).write_text(json.dumps({"machine": machine, "runs": rows}, indent=2))
    print(table(rows))
    for r in rows:
        print(f"{r['services']}: peak RSS {r['peak_rss_sum_mb']} MB (both processes) "
              f"(target < {TARGETS['peak_rss_mb']} MB), {r['wall_s']} s")


if __name__ == "__main__":
    main()
