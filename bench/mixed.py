"""The hub under a mixed load while one client is hostile (issue 12).

    python -m bench.mixed [--clients 50] [--seconds 60] [--baseline 20] [--extra 1000]
                          [--think 0.5] [--loris 100] [--slow-bodies 20]

A real `semcat serve` (``python -m api.cli serve``: uvicorn with the deadline protocol, the
embedded store, SQLite ledger) on a fresh data folder: the shipped reference data, ``--extra``
generated passports (``bench.corpus``, published) and the demo nomenclature. Then:

- ``--clients`` normal clients (httpx, asyncio, each from its own loopback address 127.0.1.N so
  that per-address limits apply per client), each waiting an exponential think time of mean
  ``--think`` s between requests: readers (a passport as JSON, one in five as Turtle),
  searchers (``/api/v1/search``), SPARQL clients (three small queries over the catalogue), and
  3 writers (a validated new draft of one of their institution's passports, ``If-Match``);
- first ``--baseline`` s with the normal clients alone, then ``--seconds`` s with the hostile
  client of ``bench.hostile`` (its own process and addresses) beside them.

Measured per phase and class: requests, p50/p99/max, errors (an unexpected status or a transport
error); the hostile client's answers by status; the server's RSS every second (the main process
and its query workers, ``/proc/PID/status``) and its CPU time; the client process's CPU; the load
average. Written to bench/out/mixed.json and printed as Markdown.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AsyncExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench import hostile
from bench.corpus import templates, write_jsonl
from bench.publish import _free_port, _ms
from catalog.demo import reference_files
from tests.servers import Served

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(__file__).parent / "out"
TARGET_P99_MS = 200.0
WRITERS = 3
SEARCH_WORDS = ["pensie", "certificat", "permis", "indemnizatie", "alocatie", "inregistrare",
                "licenta", "pasaport", "autorizatie", "copil", "pension", "certificate"]
SPARQL = [
    "PREFIX cv: <http://data.europa.eu/m8g/> "
    "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a cv:LifeEvent }",
    "PREFIX cpsv: <http://purl.org/vocab/cpsv#> PREFIX dct: <http://purl.org/dc/terms/> "
    "SELECT ?s ?t WHERE { ?s a cpsv:PublicService ; dct:title ?t FILTER(lang(?t) = 'ro') } "
    "ORDER BY ?s LIMIT 20 OFFSET {offset}",
    "PREFIX dct: <http://purl.org/dc/terms/> "
    "SELECT ?p ?o WHERE { ?s dct:identifier \"{code}\" ; ?p ?o } LIMIT 100",
]


# --- the hub ---------------------------------------------------------------------------------
HUB_ENV: dict[str, str] = {}  # --set SEMCAT_NAME=VALUE


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEMCAT_")}
    return env | HUB_ENV | {"SEMCAT_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT), **extra}


def _semcat(*args: str) -> list[str]:
    return [sys.executable, "-m", "api.cli", *args]


def prepare(data_dir: Path, extra: int, institutions: set[str]) -> dict[str, str]:
    """Reference data and ``extra`` published passports in ``data_dir``; a publisher token per
    institution."""
    env = _env(data_dir)
    subprocess.run(_semcat("import", "--publish", *map(str, reference_files())), env=env,
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    if extra:
        corpus = data_dir.parent / "corpus.jsonl"
        write_jsonl(str(corpus), extra, seed=12)
        subprocess.run(_semcat("import", "--publish", "--per-record", str(corpus)), env=env,
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    tokens = {}
    for inst in sorted(institutions):
        out = subprocess.run(_semcat("token", "create", "--institution", inst, "--role",
                                     "publisher", "--label", "bench-mixed"), env=env, cwd=ROOT,
                             check=True, capture_output=True, text=True)
        tokens[inst] = out.stdout.strip().splitlines()[-1]
    return tokens


@contextmanager
def serving(data_dir: Path) -> Iterator[tuple[str, int]]:
    """`semcat serve` with the demo nomenclature on a free port; yields (URL, pid)."""
    port = _free_port()
    log = data_dir.parent / "serve.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen(_semcat("serve", "--port", str(port)),
                                env=_env(data_dir, SEMCAT_LOAD_DEMO="true"), cwd=ROOT,
                                stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"no hub: {log.read_text(errors='replace')[-3000:]}")
            try:
                if httpx.get(url + "/health", timeout=1).json()["store"]["lag"] == 0:
                    break
            except (httpx.HTTPError, KeyError, ValueError):
                pass
            time.sleep(0.2)  # between polls of /health
        yield url, proc.pid
    finally:
        Served(url, proc, log).stop()
        text = log.read_text(errors="replace")
        errors = [ln for ln in text.splitlines() if "Traceback" in ln or " 500 " in ln]
        print(f"server log: {len(errors)} tracebacks / 500s ({log})", file=sys.stderr)


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (the query workers)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            with suppress(OSError):
                todo += [int(c) for c in (task / "children").read_text().split()]
    return out


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _run_delay_s(pids: list[int]) -> float:
    """Seconds the threads of ``pids`` waited, runnable, for a CPU (``schedstat``): what a
    shared machine adds to every latency."""
    total = 0
    for p in pids:
        for task in Path(f"/proc/{p}/task").glob("*"):
            with suppress(OSError):
                total += int((task / "schedstat").read_text().split()[1])
    return total / 1e9


def _cpu_s(pids: list[int]) -> float:
    """User + system CPU seconds of ``pids`` and of the children they have reaped (query
    workers killed at a deadline are reaped by the fork server)."""
    total = 0.0
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(map(int, fields[11:15])) / os.sysconf("SC_CLK_TCK")
    return total


@dataclass
class Sampler:
    """The server's RSS every second, in a thread: (seconds, main MB, with workers MB)."""

    pid: int
    samples: list[tuple[float, float, float]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._t0 = time.monotonic()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            tree = _tree(self.pid)
            self.samples.append((round(time.monotonic() - self._t0, 1), _rss_mb(self.pid),
                                 sum(_rss_mb(p) for p in tree)))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


# --- the normal clients ----------------------------------------------------------------------
@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, kind: str, seconds: float, error: str | None) -> None:
        self.latencies.setdefault(kind, []).append(seconds)
        if error:
            self.errors.setdefault(kind, Counter())[error] += 1

    def summary(self) -> dict[str, Any]:
        return {k: {**_ms(v), "errors": dict(self.errors.get(k, {}))}
                for k, v in sorted(self.latencies.items())}


Op = Callable[[httpx.AsyncClient, random.Random], Awaitable[tuple[str, httpx.Response, int]]]


async def _read(c: httpx.AsyncClient, rng: random.Random, codes: list[str]
                ) -> tuple[str, httpx.Response, int]:
    turtle = rng.random() < 0.2
    headers = {"Accept": "text/turtle"} if turtle else {}
    return "read", await c.get(f"/api/v1/services/{rng.choice(codes)}", headers=headers), 200


async def _search(c: httpx.AsyncClient, rng: random.Random) -> tuple[str, httpx.Response, int]:
    return "search", await c.get("/api/v1/search", params={"q": rng.choice(SEARCH_WORDS)}), 200


async def _sparql(c: httpx.AsyncClient, rng: random.Random, codes: list[str]
                  ) -> tuple[str, httpx.Response, int]:
    q = rng.choice(SPARQL).replace("{offset}", str(rng.randrange(0, 500, 20))) \
        .replace("{code}", rng.choice(codes))
    return "sparql", await c.get("/sparql", params={"query": q},
                                 headers={"Accept": "application/sparql-results+json"}), 200


class Writer:
    """New draft versions of one passport, each with the ETag of the previous answer."""

    def __init__(self, code: str, token: str) -> None:
        self.code, self.auth = code, {"Authorization": f"Bearer {token}"}
        self.doc: dict[str, Any] | None = None
        self.etag = ""
        self.n = 0

    async def __call__(self, c: httpx.AsyncClient, rng: random.Random
                       ) -> tuple[str, httpx.Response, int]:
        if self.doc is None:
            r = await c.get(f"/api/v1/services/{self.code}", params={"version": "latest"},
                            headers=self.auth)
            if r.status_code != 200:
                return "write", r, 200
            self.doc, self.etag = r.json(), r.headers["etag"]
        self.n += 1
        title = self.doc["title"]
        self.doc["title"] = {**title, "ro": f"{title['ro'].split(' #')[0]} #{self.n}"}
        r = await c.put(f"/api/v1/services/{self.code}", headers={
            **self.auth, "Content-Type": "application/json", "If-Match": self.etag},
            content=json.dumps(self.doc, ensure_ascii=False).encode())
        if r.status_code == 200:
            self.etag = r.headers["etag"]
        else:
            self.doc = None  # read it again
        return "write", r, 200


async def _client(c: httpx.AsyncClient, n: int, kind: str, op: Op, think: float,
                  count_from: float, stop_at: float, tally: Tally, warm: Tally) -> None:
    rng = random.Random(n)
    while True:
        await asyncio.sleep(rng.expovariate(1 / think))
        started = time.monotonic()
        if started >= stop_at:
            return
        t0 = time.perf_counter()
        try:
            _, r, expected = await op(c, rng)
            error = None if r.status_code == expected else str(r.status_code)
        except httpx.HTTPError as exc:
            error = type(exc).__name__
        (tally if started >= count_from else warm).add(kind, time.perf_counter() - t0, error)


def _ops(clients: int, codes: list[str], writers: list[Writer]) -> list[tuple[str, Op]]:
    """Half the clients read, a quarter search, a quarter ask SPARQL; the writers write."""
    ops: list[tuple[str, Op]] = [("write", w) for w in writers]
    rest = clients - len(writers)
    for i in range(rest):
        share = i / rest
        if share < 0.5:
            ops.append(("read", lambda c, rng: _read(c, rng, codes)))
        elif share < 0.75:
            ops.append(("search", _search))
        else:
            ops.append(("sparql", lambda c, rng: _sparql(c, rng, codes)))
    return ops


async def _phase(url: str, ops: list[tuple[str, Op]], think: float, warmup: float,
                 seconds: float) -> tuple[Tally, Tally]:
    """The clients for ``warmup`` + ``seconds``, counted from when all of them are ready (on a
    busy machine making 50 clients takes seconds): the requests started in the first
    ``warmup`` seconds (new connections, each client's first request, answers not yet kept)
    in the second tally, the rest in the first."""
    tally, warm = Tally(), Tally()
    async with AsyncExitStack() as stack:
        clients = [await stack.enter_async_context(httpx.AsyncClient(
            base_url=url, timeout=30, transport=httpx.AsyncHTTPTransport(
                local_address=f"127.0.1.{n + 1}", verify=False)))  # plain HTTP on loopback
            for n in range(len(ops))]
        count_from = time.monotonic() + warmup
        stop_at = count_from + seconds
        await asyncio.gather(*(_client(c, n, kind, op, think, count_from, stop_at, tally, warm)
                               for n, (c, (kind, op)) in enumerate(zip(clients, ops,
                                                                       strict=True))))
    return tally, warm


# --- the run ---------------------------------------------------------------------------------
def run(args: argparse.Namespace) -> dict[str, Any]:
    demo = sorted(t.code for t in templates())
    writer_codes = [demo[i * len(demo) // WRITERS] for i in range(WRITERS)]
    institutions = {c.split("-")[0] for c in writer_codes} | {"ASP"}
    with tempfile.TemporaryDirectory(prefix="semcat-bench-mixed-") as tmp:
        data = Path(tmp) / "data"
        t0 = time.monotonic()
        tokens = prepare(data, args.extra, institutions)
        print(f"prepared in {time.monotonic() - t0:.0f} s", file=sys.stderr)
        with serving(data) as (url, pid):
            codes = demo + [f"{p}-{i:06d}" for i, p in _corpus_codes(args.extra)]
            writers = [Writer(c, tokens[c.split("-")[0]]) for c in writer_codes]
            ops = _ops(args.clients, codes, writers)
            sampler = Sampler(pid)
            result: dict[str, Any] = {"load_average_before": os.getloadavg()}
            for name, seconds, with_hostile in (("baseline", args.baseline, False),
                                                ("hostile", args.seconds, True)):
                if seconds <= 0:
                    continue
                cpu0, me0, w0 = _cpu_s(_tree(pid)), _own_cpu(), time.monotonic()
                wait0, mewait0 = _run_delay_s(_tree(pid)), _run_delay_s([os.getpid()])
                proc = queue = None
                if with_hostile:
                    queue = multiprocessing.get_context("spawn").Queue()
                    proc = multiprocessing.get_context("spawn").Process(
                        target=hostile.run, args=(url, tokens["ASP"], args.warmup + seconds,
                                                  2 * 1024 * 1024,
                                                  args.loris, args.slow_bodies, queue))
                    proc.start()
                prof = Path(f"{args.profile}.{name}") if args.profile else None
                with _profiled(pid, prof):
                    tally, warm = asyncio.run(_phase(url, ops, args.think, args.warmup,
                                                     seconds))
                phase: dict[str, Any] = {
                    "seconds": seconds, "warmup_s": args.warmup,
                    "wall_s": round(time.monotonic() - w0, 1),
                    "classes": tally.summary(), "warmup": warm.summary(),
                    "server_cpu_s": round(_cpu_s(_tree(pid)) - cpu0, 1),
                    "client_cpu_s": round(_own_cpu() - me0, 1),
                    "server_run_delay_s": round(_run_delay_s(_tree(pid)) - wait0, 1),
                    "client_run_delay_s": round(_run_delay_s([os.getpid()]) - mewait0, 1),
                    "load_average_after": os.getloadavg()}
                if proc is not None and queue is not None:
                    phase["hostile"] = queue.get(timeout=args.warmup + seconds + 120)
                    proc.join(timeout=60)
                result[name] = phase
            sampler.stop()
            result["rss"] = sampler.samples
            result["health_after"] = httpx.get(url + "/health", timeout=30).json()["status"]
    return result


@contextmanager
def _profiled(pid: int, out: Path | None) -> Iterator[None]:
    """py-spy on the server and its query workers, per thread (the event loop's is
    ``MainThread``), while the block runs (when asked and installed)."""
    spy = Path(sys.executable).parent / "py-spy"
    if out is None or not spy.exists():
        yield
        return
    proc = subprocess.Popen([str(spy), "record", "--pid", str(pid), "--format", "raw",
                             "--rate", "100", "--threads", "--output", str(out), "--nonblocking"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        proc.send_signal(2)  # SIGINT: py-spy writes its file and stops
        proc.wait(timeout=60)


def _corpus_codes(n: int) -> Iterator[tuple[int, str]]:
    from bench.corpus import passports

    for i, p in enumerate(passports(n, seed=12), start=1):
        yield i, p.code.split("-")[0]


def _own_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def report(r: dict[str, Any], args: argparse.Namespace) -> str:
    lines = [f"{args.clients} clients (think {args.think} s), {args.extra} generated passports "
             f"+ demo; load average before {r['load_average_before'][0]:.2f}", "",
             "| phase | class | requests | p50 ms | p99 ms | max ms | errors |",
             "|---|---|---|---|---|---|---|"]
    for name in ("baseline", "hostile"):
        if name not in r:
            continue
        for label, part in ((f"{name} warm-up", "warmup"), (name, "classes")):
            for kind, s in r[name].get(part, {}).items():
                errs = sum(s["errors"].values())
                lines.append(f"| {label} | {kind} | {s['n']} | {s['p50']} | {s['p99']} | "
                             f"{s['max']} | {errs} {s['errors'] or ''} |")
    for name in ("baseline", "hostile"):
        if name in r:
            p = r[name]
            lines.append(f"\n{name}: {p['wall_s']} s wall, server CPU {p['server_cpu_s']} s, "
                         f"client CPU {p['client_cpu_s']} s; waiting for a CPU: server "
                         f"{p['server_run_delay_s']} s, client {p['client_run_delay_s']} s; "
                         "load average after "
                         f"{p['load_average_after'][0]:.2f}")
    if "hostile" in r:
        lines.append("\nhostile client: " + json.dumps(r["hostile"]["hostile"]))
    rss = r["rss"]
    if rss:
        lines.append(f"\nserver RSS (main / with query workers): start {rss[0][1]:.0f} / "
                     f"{rss[0][2]:.0f} MB, end {rss[-1][1]:.0f} / {rss[-1][2]:.0f} MB, peak "
                     f"{max(s[1] for s in rss):.0f} / {max(s[2] for s in rss):.0f} MB "
                     f"({len(rss)} samples)")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--baseline", type=float, default=20)
    ap.add_argument("--extra", type=int, default=1000, help="generated passports")
    ap.add_argument("--think", type=float, default=0.5, help="mean think time, seconds")
    ap.add_argument("--warmup", type=float, default=5,
                    help="seconds at the start of each phase whose requests are counted apart")
    ap.add_argument("--loris", type=int, default=100, help="hostile slow connections")
    ap.add_argument("--slow-bodies", type=int, default=20)
    ap.add_argument("--profile", help="py-spy raw profiles of the server, one per phase "
                    "(FILE.baseline, FILE.hostile), when py-spy is installed")
    ap.add_argument("--set", action="append", default=[], metavar="SEMCAT_NAME=VALUE",
                    help="a setting of the hub (repeatable)")
    ap.add_argument("--out", default=str(OUT / "mixed.json"))
    args = ap.parse_args()
    HUB_ENV.update(kv.split("=", 1) for kv in args.set)
    result = run(args)
    Path(args.out).parent.mkdir(exist_ok=True)
    Path(args.out).write_text(json.dumps({"args": vars(args), **result}, indent=1))
    print(report(result, args))
    reads = {k: v for k, v in result.get("hostile", {}).get("classes", {}).items()
             if k != "write"}
    worst = max((v["p99"] for v in reads.values()), default=0.0)
    errors = sum(sum(v["errors"].values()) for v in reads.values())
    measured = sum(v["n"] for v in reads.values())
    met = measured > 0 and worst < TARGET_P99_MS and errors == 0
    print(f"target: p99 of the normal reads < {TARGET_P99_MS:g} ms with 0 errors: worst p99 "
          f"{worst} ms, {errors} errors in {measured} reads: {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
