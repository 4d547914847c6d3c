"""Reads of published records under load, side by side in one run: a service's passport (JSON),
its HTML page, searches and the cached SPARQL lookup, on a hub of 10,000 services.

    python -m bench.reads [--services 10000] [--keep DIR] [--duration 15] [--codes 2000]
                          [--uncached]

The hub is built as :mod:`bench.pages` builds it (``--keep DIR``: once, then reused; the same
folder as ``bench.pages --keep``). One ``semcat serve`` worker (no access log, the SPARQL rate
limits lifted: wrk is one client), then for each target ``wrk -t2 -c16`` with a Lua script that
picks one of ``--codes`` random services for every request:

- **passport**: ``GET /api/v1/services/{code}`` (``Accept: application/json``);
- **page**: ``GET /id/service/{code}`` (``Accept: text/html``);
- **search**: ``GET /api/v1/search?q=permis``; **search-mix**: one of a few queries at random;
- **sparql**: the lookup of a service by its code (``bench.sparql.lookup_query``), from the
  SPARQL answer cache.

Every target is warmed first (each path asked once), so the figures are of a warm hub. Besides
wrk's requests per second, p50 and p99: the server's CPU time over each run (from
``/proc/PID/stat``; CPU µs per request) and the load average before and after, since the
machine is shared. ``--uncached`` measures the same with ``SEMCAT_READ_CACHE_BYTES=0`` after
(the answers made for every request). Results: a Markdown table on stdout and
``bench/out/reads.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from bench.pages import _env, _ready, build
from bench.sparql import lookup_query
from tests.servers import Served, free_port

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(__file__).parent / "out"
#: issue 12, point 12 (wrk -c16, one worker, 10,000 services)
TARGETS = {"passport": (2000.0, 50.0), "page": (2000.0, 50.0), "search": (500.0, None)}
QUERIES = ("permis", "certificat", "pensie", "indemnizatie", "autorizatie", "extras",
           "cazier judiciar", "alocatie copil", "licenta", "transport")
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
_TICK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Target:
    name: str
    accept: str
    paths: list[str]


def targets(codes: list[str]) -> list[Target]:
    sparql = [f"/sparql?query={quote(lookup_query(c), safe='')}" for c in codes]
    return [
        Target("passport", "application/json", [f"/api/v1/services/{c}" for c in codes]),
        Target("page", "text/html", [f"/id/service/{c}" for c in codes]),
        Target("search", "application/json", ["/api/v1/search?q=permis"]),
        Target("search-mix", "application/json",
               [f"/api/v1/search?q={quote(q)}" for q in QUERIES]),
        Target("sparql", "application/sparql-results+json", sparql),
    ]


def _lua(target: Target, work: Path) -> Path:
    script = work / f"reads-{target.name}.lua"
    paths = ",".join(json.dumps(p) for p in target.paths)
    script.write_text(
        f"local paths = {{{paths}}}\n"
        f'wrk.headers["Accept"] = "{target.accept}"\n'
        "math.randomseed(tonumber(tostring({}):match('0x(%x+)') or '1', 16))\n"
        "request = function()\n"
        "  return wrk.format('GET', paths[math.random(#paths)])\nend\n", "utf-8")
    return script


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


def wrk(url: str, script: Path, *, seconds: int, connections: int) -> dict[str, Any]:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "--latency",
           "-s", str(script), url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout

    def ms(pct: str) -> float:
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        assert m, out
        return round(float(m.group(1)) * _UNITS[m.group(2)], 2)

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    done = re.search(r"(\d+) requests in", out)
    assert rps, out
    assert done, out
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)$", out, re.M)
    return {"rps": float(rps.group(1)), "requests": int(done.group(1)), "p50_ms": ms("50"),
            "p99_ms": ms("99"), "non_2xx": int(bad.group(1)) if bad else 0,
            "socket_errors": errors.group(1) if errors else None}


def warm(hub: str, target: Target) -> None:
    """Each path asked once (a few at a time), every answer a 200."""
    def one(path: str) -> int:
        with httpx.Client(timeout=120) as c:
            return c.get(hub + path, headers={"Accept": target.accept}).status_code

    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(one, target.paths))
    assert set(statuses) == {200}, (target.name, sorted(set(statuses)))


@contextmanager
def serving(data_dir: Path, work: Path, **env: str) -> Iterator[tuple[str, int]]:
    port = free_port()
    settings = {"SEMCAT_ACCESS_LOG": "false", "SEMCAT_SPARQL_RATE_PER_CLIENT": "1000000",
                "SEMCAT_SPARQL_BURST_PER_CLIENT": "1000000", "SEMCAT_QUERY_MAX_PER_CLIENT": "256"}
    log = work / "reads-serve.log"
    with log.open("ab") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
                                env=_env(data_dir) | settings | env, cwd=ROOT, stdout=sink,
                                stderr=subprocess.STDOUT)
    served = Served(f"http://127.0.0.1:{port}", proc, log)
    try:
        yield served.url, proc.pid
    finally:
        served.stop()


def measure(data_dir: Path, codes: list[str], work: Path, seconds: int, connections: int,
            probe: str, **env: str) -> dict[str, Any]:
    """Each target warmed, then loaded; ``probe``: a service with legal bases (the hub is
    ready when its page shows their status)."""
    runs: dict[str, Any] = {}
    with serving(data_dir, work, **env) as (hub, pid), httpx.Client(timeout=60) as client:
        _ready(client, hub, probe)
        for target in targets(codes):
            warm(hub, target)
            load = os.getloadavg()
            cpu, t0 = _cpu_s(pid), time.perf_counter()
            run = wrk(hub, _lua(target, work), seconds=seconds, connections=connections)
            wall = time.perf_counter() - t0
            used = _cpu_s(pid) - cpu
            run |= {"server_cpu_s": round(used, 2), "server_cpu_pct": round(100 * used / wall),
                    "cpu_us_per_request": round(1e6 * used / max(1, run["requests"])),
                    "load_before": round(load[0], 2), "load_after": round(os.getloadavg()[0], 2)}
            runs[target.name] = run
            print(target.name, run, flush=True)
    return runs


def summary(result: dict[str, Any]) -> str:
    lines = [f"{result['services']:,} services, {result['codes']:,} of them asked for at random, "
             f"wrk -t2 -c{result['connections']} for {result['seconds']} s each, one worker",
             "", "| read | cache | requests/s | p50 | p99 | non-2xx | server CPU | CPU per "
             "request | load average before → after |", "|---|---|---|---|---|---|---|---|---|"]
    for mode, runs in result["runs"].items():
        for name, r in runs.items():
            lines.append(f"| {name} | {mode} | {r['rps']:,.0f} | {r['p50_ms']} ms | "
                         f"{r['p99_ms']} ms | {r['non_2xx']} | {r['server_cpu_pct']} % | "
                         f"{r['cpu_us_per_request']} µs | {r['load_before']} → "
                         f"{r['load_after']} |")
    return "\n".join(lines)


def verdicts(runs: dict[str, Any]) -> list[str]:
    out = []
    for name, (rps, p99) in TARGETS.items():
        r = runs[name]
        met = r["rps"] >= rps and (p99 is None or r["p99_ms"] <= p99)
        want = f">= {rps:,.0f} req/s" + (f", p99 <= {p99:g} ms" if p99 else "")
        out.append(f"{name}: {r['rps']:,.0f} req/s, p99 {r['p99_ms']} ms (target {want}): "
                   f"{'met' if met else 'MISSED'}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--services", type=int, default=10_000)
    ap.add_argument("--keep", help="a folder for the corpus and the hub's data, reused")
    ap.add_argument("--duration", type=int, default=15, help="seconds of each wrk run")
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--codes", type=int, default=2000, help="services asked for (at random)")
    ap.add_argument("--uncached", action="store_true",
                    help="also measure with the answer cache off (SEMCAT_READ_CACHE_BYTES=0)")
    ap.add_argument("--json", default=str(OUT / "reads.json"), help="where results go")
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    with tempfile.TemporaryDirectory(prefix="semcat-reads-bench-") as tmp:
        work = Path(args.keep or tmp)
        work.mkdir(parents=True, exist_ok=True)
        data_dir, all_codes = build(args.services, work)
        codes = random.Random(12).sample(all_codes, min(args.codes, len(all_codes)))
        load = (data_dir, codes, work, args.duration, args.connections, all_codes[0])
        runs = {"on": measure(*load)}
        if args.uncached:
            runs["off"] = measure(*load, SEMCAT_READ_CACHE_BYTES="0")
    result = {"services": args.services, "codes": len(codes), "seconds": args.duration,
              "connections": args.connections, "runs": runs,
              "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}}
    Path(args.json).parent.mkdir(exist_ok=True)
    Path(args.json).write_text(json.dumps(result, indent=2))
    print(summary(result))
    print("\n".join(verdicts(runs["on"])))


if __name__ == "__main__":
    main()
