"""The pages under load, on a hub of 10,000 services: latency and throughput with wrk, the
JavaScript each page type loads and the home page's size.

    python -m bench.pages [--services 10000] [--keep DIR] [--duration 20]

The hub: a fresh SQLite data folder gets the demo data (`semcat import --publish` of the shipped
code lists, organisations, locations, legal acts and demo nomenclature), then N generated
passports (bench/corpus.py, `semcat import --publish --per-record`); with ``--keep DIR`` it is
built once and reused. `semcat serve` then runs on a free loopback port and wrk (Debian package
`wrk`) asks it for service pages (a Lua script picks one of 500 generated services at random
for every request) and for the home page: once with one connection (the latency a person
meets: p50, p99) and once with eight (the requests per second the hub sustains).

Measured besides, on the same hub, for every page type of tests/pages/catalogue.py: the
JavaScript it loads (the sum of its ``<script src>`` files, sized from
api/pages/static/lib/manifest.json or fetched), against 300 KB; and the home page's HTML in each
language, against 50 KB. Results: a Markdown summary, and bench/out/pages.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx

from bench.corpus import write_jsonl
from catalog.demo import demo_files
from tests.pages.catalogue import LANGUAGES, PAGES, prepare
from tests.pages.institutions import Hub
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(__file__).parent / "out"
MANIFEST = ROOT / "api" / "pages" / "static" / "lib" / "manifest.json"
TARGETS = {"service_p50_ms": 20.0, "js_kb": 300.0, "home_kb": 50.0}
#: how long a page of the JavaScript survey may take (one request, the ro page)
PAGE_TIMEOUT_S = 90.0
#: pages whose scripts are not held to the 300 KB (the API documentation: Swagger UI)
JS_EXEMPT = ("/docs",)
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEMCAT_")}
    return env | {"SEMCAT_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}


def build(n: int, work: Path) -> tuple[Path, list[str]]:
    """The data folder of a hub with the demo data and ``n`` generated services (built once
    per folder), and the codes of the generated services."""
    corpus = work / f"corpus-{n}.jsonl"
    if not corpus.exists():
        write_jsonl(str(corpus), n)
    codes = [json.loads(line)["code"] for line in corpus.read_text("utf-8").splitlines()]
    data_dir = work / f"data-{n}"
    stamp = data_dir / ".bench-built"
    if stamp.exists():
        return data_dir, codes
    shutil.rmtree(data_dir, ignore_errors=True)
    semcat = [sys.executable, "-m", "api.cli", "import", "--publish"]
    t0 = time.perf_counter()
    subprocess.run([*semcat, *map(str, demo_files())], env=_env(data_dir), cwd=ROOT,
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run([*semcat, "--per-record", str(corpus)], env=_env(data_dir), cwd=ROOT,
                   check=True, stdout=subprocess.DEVNULL)
    print(f"hub of {n:,} services built in {time.perf_counter() - t0:.0f} s", flush=True)
    stamp.touch()
    return data_dir, codes


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.src: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.src.append(a["src"] or "")
        if tag == "link" and a.get("rel") == "modulepreload" and a.get("href"):
            self.src.append(a["href"] or "")


def scripts_of(html: str) -> list[str]:
    parser = _Scripts()
    parser.feed(html)
    return parser.src


def javascript(client: httpx.Client, hub: str, data_dir: Path) -> list[dict[str, Any]]:
    """The scripts each page type loads, and their total size (after ``prepare``: one change
    awaits review, as on the demo hub the sweep and the screenshots use)."""
    built = json.loads(MANIFEST.read_text("utf-8"))["files"]
    running = Hub(hub, {"SEMCAT_DATA_DIR": str(data_dir)})
    prepared = data_dir / ".bench-prepared"
    if not prepared.exists():  # once per data folder (a kept hub already has the change)
        prepare(running)
        prepared.touch()
    signed_in: dict[tuple[str, str], httpx.Client] = {}
    rows = []
    for p in PAGES:
        who = client
        if p.role:
            key = (p.institution, p.role)
            if key not in signed_in:
                signed_in[key] = _signed_in(hub, running.token(p.institution, p.role))
            who = signed_in[key]
        t0 = time.perf_counter()
        try:
            page = who.get(p.url(hub, "ro"), headers={"Accept": "text/html"},
                           timeout=PAGE_TIMEOUT_S)
        except httpx.TimeoutException:
            rows.append({"page": p.name, "status": "timeout", "scripts": {}, "js_kb": 0.0,
                         "exempt": p.path.startswith(JS_EXEMPT), "html_kb": None,
                         "ms": round(PAGE_TIMEOUT_S * 1000)})
            continue
        ms = round((time.perf_counter() - t0) * 1000)
        sizes = {}
        for src in scripts_of(page.text):
            name = src.split("?")[0].removeprefix("/static/lib/")
            sizes[src] = built[name] if name in built else len(who.get(hub + src).content)
        total = sum(sizes.values())
        rows.append({"page": p.name, "status": page.status_code, "scripts": sizes,
                     "js_kb": round(total / 1024, 1), "exempt": p.path.startswith(JS_EXEMPT),
                     "html_kb": round(len(page.content) / 1024, 1), "ms": ms})
    for c in signed_in.values():
        c.close()
    return rows


def _signed_in(hub: str, token: str) -> httpx.Client:
    """A client signed in through /login as a person does (the form's hidden fields kept)."""
    client = httpx.Client(timeout=30, follow_redirects=True)
    form = client.get(f"{hub}/login").text
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    client.post(f"{hub}/login", data=fields | {"token": token})
    return client


def wrk(url: str, *, connections: int, seconds: int, lua: Path | None = None
        ) -> dict[str, Any]:
    """wrk's p50/p99 latency (ms) and requests per second against ``url``."""
    cmd = ["wrk", "-t1" if connections == 1 else "-t2", f"-c{connections}", f"-d{seconds}s",
           "--timeout", "30s", "--latency", "-H", "Accept: text/html"]
    if lua is not None:
        cmd += ["-s", str(lua)]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout

    def ms(pct: str) -> float:
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        assert m, out
        return round(float(m.group(1)) * _UNITS[m.group(2)], 2)

    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)$", out, re.M)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    assert rps, out
    return {"connections": connections, "p50_ms": ms("50"), "p99_ms": ms("99"),
            "rps": float(rps.group(1)), "non_2xx": int(bad.group(1)) if bad else 0,
            "socket_errors": errors.group(1) if errors else None}


def _service_lua(codes: list[str], work: Path) -> Path:
    picked = codes[:: max(1, len(codes) // 500)][:500]
    lua = work / "services.lua"
    lua.write_text(
        "local codes = {" + ",".join(f'"{c}"' for c in picked) + "}\n"
        "request = function()\n"
        '  local path = "/id/service/" .. codes[math.random(#codes)]\n'
        '  return wrk.format("GET", path)\nend\n', "utf-8")
    return lua


def _ready(client: httpx.Client, hub: str, code: str, timeout_s: float = 600) -> None:
    """Until the hub answers and its check projection is built (a service page shows its
    legal bases' status once it is: built in the background after the first view)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            page = client.get(f"{hub}/id/service/{code}", headers={"Accept": "text/html"})
            if page.status_code == 200 and 'class="in-force"' in page.text:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise RuntimeError("the hub was not ready (service page without legal status)")


def measure(n: int, work: Path, seconds: int) -> dict[str, Any]:
    data_dir, codes = build(n, work)
    lua = _service_lua(codes, work)
    port = free_port()
    log = work / "serve.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
                                env=_env(data_dir) | {"SEMCAT_ACCESS_LOG": "false"}, cwd=ROOT,
                                stdout=sink, stderr=subprocess.STDOUT)
    hub = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(timeout=60) as client:
            _ready(client, hub, codes[0])
            load_before = os.getloadavg()
            runs = {}
            for name, url, script in (("service", hub, lua), ("home", f"{hub}/", None)):
                for connections in (1, 8):
                    runs[f"{name}_{connections}"] = wrk(url, connections=connections,
                                                        seconds=seconds, lua=script)
                    print(name, runs[f"{name}_{connections}"], flush=True)
            load_after = os.getloadavg()
            home = {lang: round(len(client.get(f"{hub}/?lang={lang}").content) / 1024, 1)
                    for lang in LANGUAGES}
            scripts = javascript(client, hub, data_dir)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:  # still rendering a slow page: not worth waiting
            proc.kill()
            proc.wait(timeout=30)
    return {"services": n, "wrk_seconds": seconds, "wrk": runs, "home_html_kb": home,
            "javascript": scripts, "load_avg_before": load_before, "load_avg_after": load_after}


def summary(r: dict[str, Any]) -> str:
    lines = [f"{r['services']:,} services; load average {r['load_avg_before'][0]:.2f} before, "
             f"{r['load_avg_after'][0]:.2f} after (2 shared cores)", "",
             "| page | connections | p50 | p99 | requests/s | non-2xx | socket errors |",
             "|---|---|---|---|---|---|---|"]
    for name, w in r["wrk"].items():
        lines.append(f"| {name.split('_')[0]} | {w['connections']} | {w['p50_ms']} ms | "
                     f"{w['p99_ms']} ms | {w['rps']} | {w['non_2xx']} | "
                     f"{w['socket_errors'] or 0} |")
    lines += ["", "| page type | status | JavaScript | HTML (ro) | one request |",
              "|---|---|---|---|---|"]
    for s in r["javascript"]:
        html = "–" if s["html_kb"] is None else f"{s['html_kb']} KB"
        lines.append(f"| {s['page']} | {s['status']} | {s['js_kb']} KB"
                     f"{' (exempt)' if s['exempt'] else ''} | {html} | {s['ms']:,} ms |")
    home = ", ".join(f"{lang} {kb} KB" for lang, kb in r["home_html_kb"].items())
    lines += ["", f"home page HTML: {home}"]
    return "\n".join(lines)


def verdicts(r: dict[str, Any]) -> list[str]:
    p50 = r["wrk"]["service_1"]["p50_ms"]
    worst_js = max((s for s in r["javascript"] if not s["exempt"]), key=lambda s: s["js_kb"])
    home = max(r["home_html_kb"].values())
    met = {True: "met", False: "MISSED"}
    return [f"service page p50 {p50} ms (target <= {TARGETS['service_p50_ms']:g} ms): "
            f"{met[p50 <= TARGETS['service_p50_ms']]}",
            f"most JavaScript on a page: {worst_js['js_kb']} KB ({worst_js['page']}; target "
            f"< {TARGETS['js_kb']:g} KB): {met[worst_js['js_kb'] < TARGETS['js_kb']]}",
            f"home page HTML {home} KB (target < {TARGETS['home_kb']:g} KB): "
            f"{met[home < TARGETS['home_kb']]}"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--services", type=int, default=10_000)
    ap.add_argument("--keep", help="a folder for the corpus and the hub's data, reused")
    ap.add_argument("--duration", type=int, default=20, help="seconds of each wrk run")
    ap.add_argument("--json", default=str(OUT / "pages.json"), help="where results go")
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    with tempfile.TemporaryDirectory(prefix="semcat-pages-bench-") as tmp:
        work = Path(args.keep or tmp)
        work.mkdir(parents=True, exist_ok=True)
        result = measure(args.services, work, args.duration)
    result["machine"] = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    Path(args.json).parent.mkdir(exist_ok=True)
    Path(args.json).write_text(json.dumps(result, indent=2))
    print(summary(result))
    print("\n".join(verdicts(result)))


if __name__ == "__main__":
    main()
