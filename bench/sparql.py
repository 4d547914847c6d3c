"""SPARQL serving side by side: semcat's ``/sparql`` against ``oxigraph serve`` and rdflib-endpoint,
on the same catalogue, in one run.

    python -m bench.sparql [--n 10000] [--duration 10] [--connections 32] [--skip-rdflib]

The corpus (``bench/corpus.py``, seeded) is loaded straight into each store, one named graph per
passport (no ledger, no validation: this measures query serving). Load is ``wrk`` (Debian package
``wrk``) over loopback, GET requests rotating through a query set:

- **lookup**: a service by its code with its titles (1,000 random codes);
- **life event**: the first 20 services (by code) grouped by a life event (every life event).

Targets: ``semcat serve`` as shipped (``/sparql`` handed over before the API's routing, no
access log; answers cache on, and off: the worker path), ``oxigraph serve
--union-default-graph`` on the same quads, and rdflib-endpoint (needs the ``bench`` extra) on an
rdflib ``Dataset`` with a union default graph. Each query set is first sent once, in turn (the
warm-up; its median is "one query alone"; rdflib-endpoint: 3 of them). Results: a Markdown table
on stdout and ``bench/out/sparql.json``.
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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pyoxigraph as ox

from bench.corpus import generate
from catalog.records.passport import to_triples

BASE = "http://127.0.0.1:8000/"
OUT = Path(__file__).parent / "out"
DCT = "http://purl.org/dc/terms/"
CV = "http://data.europa.eu/m8g/"
ACCEPT = "application/sparql-results+json"


def corpus_quads(n: int, *, codes: list[str] | None = None) -> list[ox.Quad]:
    """The quads of ``n`` generated passports, each in its named graph (codes appended to
    ``codes`` when given)."""
    quads: list[ox.Quad] = []
    for p in generate(n):
        iri = f"{BASE}id/service/{p.code}"
        graph = ox.NamedNode(iri)
        quads += [ox.Quad(t.subject, t.predicate, t.object, graph) for t in to_triples(p, iri)]
        if codes is not None:
            codes.append(p.code)
    return quads


def lookup_query(code: str) -> str:
    return (f'SELECT ?service ?title WHERE {{ ?service <{DCT}identifier> "{code}" ; '
            f"<{DCT}title> ?title }}")


def life_event_query(event: str) -> str:
    return (f"SELECT ?service ?code WHERE {{ ?service <{CV}isGroupedBy> <{event}> ; "
            f"<{DCT}identifier> ?code }} ORDER BY ?code LIMIT 20")


# --- servers ------------------------------------------------------------------------------
def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _server(cmd: list[str], url: str, log: Path, env: dict[str, str] | None = None,
            ready_s: float = 600) -> Iterator[str]:
    with log.open("wb") as sink:
        proc = subprocess.Popen(cmd, stdout=sink, stderr=subprocess.STDOUT,
                                env={**os.environ, **(env or {})})
    try:
        deadline = time.monotonic() + ready_s
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{cmd[0]} exited: {log.read_text()[-2000:]}")
            try:
                r = httpx.get(url, params={"query": "ASK {}"},
                              headers={"Accept": ACCEPT}, timeout=5)
                if r.status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{cmd[0]} did not start")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def semcat_server(data: Path, log: Path, **env: str) -> Any:
    port = _free_port()
    exe = str(Path(sys.executable).parent / "semcat")
    settings = {"SEMCAT_DATA_DIR": str(data), "SEMCAT_PORT": str(port),
                "SEMCAT_QUERY_MAX_PER_CLIENT": "256",  # wrk is one client with many connections
                "SEMCAT_SPARQL_RATE_PER_CLIENT": "1000000",  # and measures throughput, not limits
                "SEMCAT_SPARQL_BURST_PER_CLIENT": "1000000"}
    return _server([exe, "serve"], f"http://127.0.0.1:{port}/sparql", log, settings | env)


def oxigraph_server(data: Path, log: Path) -> Any:
    port = _free_port()
    exe = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    return _server([exe, "serve", "--location", str(data), "--bind", f"127.0.0.1:{port}",
                    "--union-default-graph"], f"http://127.0.0.1:{port}/query", log)


def rdflib_server(nquads: Path, log: Path) -> Any:
    port = _free_port()
    return _server([sys.executable, "-m", "bench.sparql", "--serve-rdflib", str(nquads),
                    "--port", str(port)], f"http://127.0.0.1:{port}/sparql", log)


def _serve_rdflib(nquads: Path, port: int) -> None:
    import uvicorn
    from rdflib import Dataset
    from rdflib_endpoint import SparqlEndpoint

    ds = Dataset(default_union=True)
    ds.parse(str(nquads), format="nquads")
    app = SparqlEndpoint(graph=ds, path="/sparql", cors_enabled=False)
    uvicorn.run(app, host="127.0.0.1", port=port, http="httptools", access_log=False,
                log_level="warning")


# --- load ---------------------------------------------------------------------------------
_LUA = """
local paths = {%s}
local i = math.random(#paths)
wrk.headers["Accept"] = "%s"
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
"""


def _seconds(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    assert m, text
    return float(m.group(1)) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[m.group(2)]


def wrk(url: str, queries: list[str], *, duration: int, connections: int, threads: int,
        work: Path) -> dict[str, float]:
    path = url.split("/", 3)[3]
    paths = ",".join(f'"/{path}?query={quote(q, safe="")}"' for q in queries)
    script = work / "paths.lua"
    script.write_text(_LUA % (paths, ACCEPT))
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s",
                          "--latency", "--timeout", "60s", "-s", str(script), url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       out)
    done = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    return {"rps": rps, "requests": done,
            "p50_ms": _seconds(lat["50"]) * 1000 if "50" in lat else None,
            "p99_ms": _seconds(lat["99"]) * 1000 if "99" in lat else None,
            "non_2xx": int(bad.group(1)) if bad else 0,
            "socket_errors": sum(int(g) for g in errors.groups()) if errors else 0}


def _check(url: str, queries: list[str], expect: Callable[[int], bool]) -> float:
    """Each query once, in turn (the warm-up), its answer checked; the median seconds."""
    seconds = []
    with httpx.Client(timeout=600) as c:
        for q in queries:
            t0 = time.perf_counter()
            r = c.get(url, params={"query": q}, headers={"Accept": ACCEPT})
            seconds.append(time.perf_counter() - t0)
            r.raise_for_status()
            assert expect(len(r.json()["results"]["bindings"])), (url, q, r.text[:300])
    return sorted(seconds)[len(seconds) // 2]


# --- the run ------------------------------------------------------------------------------
def run(n: int, duration: int, connections: int, threads: int, skip_rdflib: bool
        ) -> list[dict[str, Any]]:
    rng = random.Random(11)
    with tempfile.TemporaryDirectory(prefix="semcat-sparql-bench-") as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        codes: list[str] = []
        quads = corpus_quads(n, codes=codes)
        events = sorted({q.object.value for q in quads
                         if q.predicate.value == CV + "isGroupedBy"
                         and "/life-event/" in q.object.value})
        print(f"corpus: {n} services, {len(quads)} quads, {len(events)} life events "
              f"({time.perf_counter() - t0:.1f} s)", file=sys.stderr)
        nquads = work / "corpus.nq"
        ox.serialize(quads, str(nquads), format=ox.RdfFormat.N_QUADS)
        semcat_data, oxi_data = work / "semcat", work / "oxigraph"
        for location in (semcat_data / "store", oxi_data):
            location.mkdir(parents=True)
            store = ox.Store(str(location))
            store.bulk_extend(quads)
            store.flush()
            del store
        del quads
        sets = {"lookup": ([lookup_query(c) for c in rng.sample(codes, 1000)],
                           lambda rows: rows >= 2),
                "life event": ([life_event_query(e) for e in events], lambda rows: rows > 0)}
        targets: list[tuple[str, Callable[[], Any]]] = [
            ("semcat serve: answers cache",
             lambda: semcat_server(semcat_data, work / "semcat.log")),
            ("semcat serve: no cache (worker path)",
             lambda: semcat_server(semcat_data, work / "semcat-nocache.log",
                                   SEMCAT_QUERY_CACHE_ENTRIES="0")),
            ("oxigraph serve", lambda: oxigraph_server(oxi_data, work / "oxigraph.log")),
        ]
        if not skip_rdflib:
            targets.append(("rdflib-endpoint", lambda: rdflib_server(nquads, work / "rdf.log")))
        results: list[dict[str, Any]] = []
        for name, start in targets:
            t0 = time.perf_counter()
            with start() as url:
                print(f"{name}: up in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
                for label, (queries, expect) in sets.items():
                    slow = name == "rdflib-endpoint"  # a sample: one of its answers can take s
                    single = _check(url, queries[:3] if slow else queries, expect)
                    figures = wrk(url, queries, duration=duration, connections=connections,
                                  threads=threads, work=work)
                    results.append({"target": name, "queries": label, "single_ms":
                                    single * 1000, **figures})
                    print(f"  {label}: {figures}", file=sys.stderr)
        return results


def table(results: list[dict[str, Any]]) -> str:
    base = {r["queries"]: r["rps"] for r in results if r["target"] == "oxigraph serve"}
    rdf = {r["queries"]: r["rps"] for r in results if r["target"] == "rdflib-endpoint"}
    lines = ["| target | queries | req/s | p50 | p99 | errors | one query alone "
             "| vs oxigraph serve | vs rdflib-endpoint |", "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        q = r["queries"]
        vs_oxi = f"{r['rps'] / base[q]:.2f}x" if base.get(q) else ""
        vs_rdf = f"{r['rps'] / rdf[q]:.1f}x" if rdf.get(q) else ""
        p50, p99 = (f"{r[k]:.2f} ms" if r[k] is not None else "–" for k in ("p50_ms", "p99_ms"))
        rps = f"{r['rps']:,.0f}" if r["rps"] >= 10 else f"{r['rps']:.2f}"
        lines.append(f"| {r['target']} | {q} | {rps} | {p50} | {p99} | "
                     f"{r['non_2xx'] + r['socket_errors']} | {r['single_ms']:.1f} ms | "
                     f"{vs_oxi} | {vs_rdf} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2, help="wrk threads")
    ap.add_argument("--skip-rdflib", action="store_true")
    ap.add_argument("--serve-rdflib", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve_rdflib:
        _serve_rdflib(args.serve_rdflib, args.port)
        return
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    results = run(args.n, args.duration, args.connections, args.threads, args.skip_rdflib)
    OUT.mkdir(exist_ok=True)
    (OUT / "sparql.json").write_text(json.dumps(results, indent=2))
    print(table(results))


if __name__ == "__main__":
    main()
