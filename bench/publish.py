"""Publishing through HTTP: passports created and published per second, and PUT latency.

    python -m bench.publish [--backends sqlite,postgres] [--one 150] [--four 300] [--puts 600]
                            [--profile bench/out/put.txt]

Each back end gets a fresh data folder and a real server subprocess (uvicorn with httptools,
``SEMCAT_LOAD_DEMO=true``, the embedded store); the PostgreSQL run uses a fresh database on
``SEMCAT_BENCH_POSTGRES_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``,
whose server creates and drops it). Measured:

- **create+publish**: per passport ``POST /api/v1/services`` (publisher of its institution),
  ``POST .../submit`` (same), ``POST .../publish`` (a reviewer of AGE), with 1 and 4 clients;
  passports per second over the wall time, and each step's latency;
- **PUT**: a validated new draft version of a demo passport with ``If-Match`` (the ETag of the
  previous answer), one client, after a warm-up; p50/p95/p99.

Results are printed as a Markdown table and written to bench/out/publish.json.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from bench.corpus import generate, templates
from catalog.ledger.db import create_db_engine
from catalog.workflow.access import Tokens

OUT = Path(__file__).parent / "out"
TARGET_PUT_P50_MS = 30.0
REVIEWER = "AGE"
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _ms(samples: list[float]) -> dict[str, float]:
    s = sorted(samples)

    def rank(q: float) -> float:  # nearest rank
        return round(s[max(0, math.ceil(q * len(s)) - 1)] * 1000, 2)

    return {"n": len(s), "p50": rank(0.50), "p95": rank(0.95), "p99": rank(0.99),
            "mean": round(statistics.fmean(s) * 1000, 2), "max": round(s[-1] * 1000, 2)}


def server_cpu_s(pid: int) -> float:
    """User + system CPU seconds of the server process so far (all its threads; Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- the server ------------------------------------------------------------------------------
@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh database on the benchmark's PostgreSQL server, dropped afterwards."""
    import psycopg

    admin = os.environ.get("SEMCAT_BENCH_POSTGRES_URL", PG_ADMIN)
    plain = admin.replace("postgresql+psycopg://", "postgresql://")
    name = f"semcat_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(plain, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
        try:
            yield admin.rsplit("/", 1)[0] + "/" + name
        finally:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def server(data_dir: Path, database_url: str | None) -> Iterator[tuple[str, int, str]]:
    """uvicorn (httptools) on a free loopback port; yields (URL, pid, ledger URL)."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEMCAT_")}
    env |= {"SEMCAT_DATA_DIR": str(data_dir), "SEMCAT_LOAD_DEMO": "true"}
    ledger = database_url or f"sqlite:///{data_dir / 'ledger.sqlite3'}"
    if database_url:
        env["SEMCAT_DATABASE_URL"] = database_url
    log = data_dir.parent / "server.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory",
             "--host", "127.0.0.1", "--port", str(port), "--http", "httptools",
             "--no-access-log", "--log-level", "warning"],
            env=env, stdout=sink, stderr=subprocess.STDOUT, cwd=Path(__file__).parents[1])
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"the server exited: {log.read_text()[-3000:]}")
            try:
                if httpx.get(url + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"no answer from /health in 120 s: {log.read_text()[-3000:]}")
            time.sleep(0.05)  # between polls of /health
        yield url, proc.pid, ledger
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        text = log.read_text(errors="replace")
        if "Traceback" in text:
            print(f"the server logged an error:\n{text[-3000:]}", file=sys.stderr)


def tokens(ledger_url: str, institutions: set[str]) -> dict[str, dict[str, str]]:
    """A publisher token per institution and the reviewer's, as request headers."""
    engine = create_db_engine(ledger_url)
    try:
        t = Tokens(engine)
        out = {i: {"Authorization": f"Bearer {t.create(i, 'publisher', 'bench')[1]}"}
               for i in sorted(institutions)}
        out["reviewer"] = {"Authorization": f"Bearer {t.create(REVIEWER, 'reviewer')[1]}"}
        return out
    finally:
        engine.dispose()


# --- the measurements ------------------------------------------------------------------------
def _check(r: httpx.Response, status: int, what: str) -> httpx.Response:
    if r.status_code != status:
        raise SystemExit(f"{what}: {r.status_code} {r.text[:500]}")
    return r


def create_publish(url: str, pid: int, auth: dict[str, dict[str, str]],
                   bodies: list[tuple[str, bytes]], clients: int) -> dict[str, Any]:
    """Create, submit and publish every passport of ``bodies`` with ``clients`` threads."""
    steps: dict[str, list[float]] = {"create": [], "submit": [], "publish": []}
    lock = threading.Lock()
    errors: list[BaseException] = []
    shares = [bodies[i::clients] for i in range(clients)]

    def work(share: list[tuple[str, bytes]]) -> None:
        mine: dict[str, list[float]] = {k: [] for k in steps}
        try:
            with httpx.Client(base_url=url, timeout=60) as c:
                for code, body in share:
                    owner = auth[code.split("-")[0]]
                    t0 = time.perf_counter()
                    r = _check(c.post("/api/v1/services", content=body, headers={
                        **owner, "Content-Type": "application/json"}), 201, f"create {code}")
                    t1 = time.perf_counter()
                    r = _check(c.post(f"/api/v1/services/{code}/submit", headers={
                        **owner, "If-Match": r.headers["etag"]}), 200, f"submit {code}")
                    t2 = time.perf_counter()
                    _check(c.post(f"/api/v1/services/{code}/publish", headers={
                        **auth["reviewer"], "If-Match": r.headers["etag"]}), 200,
                        f"publish {code}")
                    t3 = time.perf_counter()
                    mine["create"].append(t1 - t0)
                    mine["submit"].append(t2 - t1)
                    mine["publish"].append(t3 - t2)
        except BaseException as exc:
            errors.append(exc)
        with lock:
            for k, v in mine.items():
                steps[k] += v

    threads = [threading.Thread(target=work, args=(s,)) for s in shares]
    cpu, started = server_cpu_s(pid), time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall, cpu = time.perf_counter() - started, server_cpu_s(pid) - cpu
    if errors:
        raise errors[0]
    return {"clients": clients, "passports": len(bodies), "seconds": round(wall, 2),
            "per_s": round(len(bodies) / wall, 1),
            "server_cpu_ms_per_passport": round(cpu * 1000 / len(bodies), 1),
            **{k: _ms(v) for k, v in steps.items()}}


def put_latency(url: str, pid: int, auth: dict[str, dict[str, str]], codes: list[str], n: int,
                warmup: int = 30) -> dict[str, Any]:
    """``n`` PUTs (after ``warmup``), round robin over ``codes``, one client."""
    with httpx.Client(base_url=url, timeout=60) as c:
        docs: dict[str, dict[str, Any]] = {}
        etags: dict[str, str] = {}
        for code in codes:
            owner = auth[code.split("-")[0]]
            r = _check(c.get(f"/api/v1/services/{code}", params={"version": "latest"},
                             headers=owner), 200, f"GET {code}")
            docs[code], etags[code] = r.json(), r.headers["etag"]
        samples: list[float] = []
        cpu = 0.0
        for i in range(warmup + n):
            if i == warmup:
                cpu = server_cpu_s(pid)
            code = codes[i % len(codes)]
            doc = docs[code]
            doc["title"] = {**doc["title"], "ro": f"{doc['title']['ro'].split(' #')[0]} #{i}"}
            body = json.dumps(doc, ensure_ascii=False).encode()
            t0 = time.perf_counter()
            r = c.put(f"/api/v1/services/{code}", content=body, headers={
                **auth[code.split("-")[0]], "Content-Type": "application/json",
                "If-Match": etags[code]})
            took = time.perf_counter() - t0
            _check(r, 200, f"PUT {code}")
            etags[code] = r.headers["etag"]
            if i >= warmup:
                samples.append(took)
        cpu = server_cpu_s(pid) - cpu
    return {**_ms(samples), "server_cpu_ms_per_put": round(cpu * 1000 / n, 1)}


@contextmanager
def profiled(pid: int, out: Path | None) -> Iterator[None]:
    """py-spy on the server while the block runs (when asked and installed)."""
    spy = Path(sys.executable).parent / "py-spy"
    if out is None or not spy.exists():
        yield
        return
    proc = subprocess.Popen([str(spy), "record", "--pid", str(pid), "--format", "raw",
                             "--rate", "200", "--output", str(out), "--nonblocking"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        proc.send_signal(2)  # SIGINT: py-spy writes its file and stops
        proc.wait(timeout=30)


def run_backend(name: str, args: argparse.Namespace) -> dict[str, Any]:
    total = args.one + args.four
    corpus = generate(total, seed=11)
    bodies = [(p.code, p.model_dump_json(exclude_none=True).encode()) for p in corpus]
    institutions = {code.split("-")[0] for code, _ in bodies}
    with tempfile.TemporaryDirectory(prefix=f"semcat-bench-publish-{name}-") as tmp:
        pg = postgres_database() if name == "postgres" else None
        with pg if pg is not None else _nothing() as database_url, \
                server(Path(tmp) / "data", database_url) as (url, pid, ledger):
            demo = sorted(t.code for t in templates())  # the demo passports, published
            auth = tokens(ledger, institutions | {c.split("-")[0] for c in demo})
            load = os.getloadavg()[0]
            one = create_publish(url, pid, auth, bodies[:args.one], 1)
            four = create_publish(url, pid, auth, bodies[args.one:], 4)
            prof = None
            if args.profile:
                prof = Path(args.profile)
                prof = prof.with_name(f"{prof.stem}-{name}{prof.suffix}")
            with profiled(pid, prof):
                put = put_latency(url, pid, auth, demo[:50], args.puts)
            health = httpx.get(url + "/health").json()
    return {"backend": name, "demo_passports": len(demo), "create_publish": [one, four],
            "put": put, "store_lag_at_end": health["store"]["lag"],
            "load_average_1min": [round(load, 2), round(os.getloadavg()[0], 2)]}


@contextmanager
def _nothing() -> Iterator[None]:
    yield None


def table(rows: list[dict[str, Any]]) -> str:
    lines = ["| ledger | create+publish, 1 client | 4 clients | create / submit / publish p50 "
             "(1 client) | server CPU per passport | PUT p50 / p95 / p99 | server CPU per PUT "
             "| PUTs | load avg before / after |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        one, four = r["create_publish"]
        p = r["put"]
        lines.append(
            f"| {r['backend']} | {one['per_s']}/s ({one['passports']} in {one['seconds']} s) | "
            f"{four['per_s']}/s ({four['passports']} in {four['seconds']} s) | "
            f"{one['create']['p50']} / {one['submit']['p50']} / {one['publish']['p50']} ms | "
            f"{one['server_cpu_ms_per_passport']} ms | {p['p50']} / {p['p95']} / {p['p99']} ms | "
            f"{p['server_cpu_ms_per_put']} ms | {p['n']} | "
            f"{r['load_average_1min'][0]} / {r['load_average_1min'][1]} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backends", default="sqlite,postgres")
    ap.add_argument("--one", type=int, default=150, help="passports with 1 client")
    ap.add_argument("--four", type=int, default=300, help="passports with 4 clients")
    ap.add_argument("--puts", type=int, default=600, help="measured PUTs (>= 500)")
    ap.add_argument("--profile", help="py-spy raw profile of the server during the PUTs, per "
                    "back end: e.g. bench/out/put.txt gives put-sqlite.txt, put-postgres.txt")
    args = ap.parse_args()
    rows = [run_backend(b, args) for b in args.backends.split(",")]
    OUT.mkdir(exist_ok=True)
    machine = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    (OUT / "publish.json").write_text(json.dumps({"machine": machine, "runs": rows}, indent=2))
    print(table(rows))
    for r in rows:
        met = "met" if r["put"]["p50"] < TARGET_PUT_P50_MS else "NOT met"
        print(f"{r['backend']}: PUT p50 {r['put']['p50']} ms (target < {TARGET_PUT_P50_MS} ms: "
              f"{met})")


if __name__ == "__main__":
    main()
