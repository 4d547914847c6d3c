"""Benchmark of the nomenclature's SOAP service: GetService latency at 10,000 services.

    python -m bench.soap_out [--services 10000] [--calls 1000]

A fresh SQLite data folder gets the reference data and ``--services`` passports made from the
demo ones (:func:`corpus`), appended to the ledger as published versions (no validation: the
bench is about reading), then projected (quad store, search index). The hub then runs under
uvicorn on a loopback port and is called the way a legacy system calls it: a SOAP 1.1 POST of
``GetService`` for a random code, over one keep-alive connection (httpx), and through zeep built
from the served WSDL. Also timed: the operation in process (parse, read, answer; no HTTP).
Target: p50 <= 5 ms over HTTP. Results: a Markdown table, and bench/out/soap_out.json.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import uvicorn
import zeep

from api.app import create_app
from api.soap.envelope import NS, SOAP_ENV, parse_request
from api.soap.operations import dispatch
from bench.corpus import templates
from catalog import rdfio
from catalog.core import Catalog
from catalog.demo import load_reference
from catalog.intake.readers import drafts_from_passports
from catalog.ledger import NewVersion
from catalog.settings import Settings

OUT = Path(__file__).parent / "out"
TARGET_P50_MS = 5.0


def _ms(samples: list[float]) -> dict[str, float]:
    s = sorted(samples)
    return {"p50": round(statistics.median(s) * 1000, 3),
            "p99": round(s[max(0, int(len(s) * 0.99) - 1)] * 1000, 3),
            "mean": round(statistics.fmean(s) * 1000, 3)}


def envelope(code: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv='
            f'"{SOAP_ENV}" xmlns:n="{NS}"><soapenv:Body><n:GetService><n:code>{code}</n:code>'
            "</n:GetService></soapenv:Body></soapenv:Envelope>").encode()


def corpus(n: int, base: str) -> Iterator[NewVersion]:
    """``n`` published passports: the demo passports under new codes (``ASP-000017``), made
    by renaming each template's code in its canonical N-Triples (its IRI, its parts' IRIs and
    identifiers), which is what bench/corpus.py does through the model, minus the cost."""
    canon = {t.code: d.canonical()
             for t, d in zip(templates(), drafts_from_passports(templates(), base), strict=True)}
    rng = random.Random(11)
    codes = sorted(canon)
    for i in range(1, n + 1):
        old = codes[rng.randrange(len(codes))]
        inst = old.split("-")[0]
        code = f"{inst}-{i:06d}"
        lines = re.sub(rf"{re.escape(old)}(?![0-9])", code, canon[old]).splitlines(keepends=True)
        content = "".join(sorted(lines))
        yield NewVersion(iri=f"{base}id/service/{code}", kind="service", code=code,
                         institution_code=inst, content=content,
                         content_hash=rdfio.content_hash(content),
                         triple_count=len(lines), author="bench")


def fill(settings: Settings, n: int) -> tuple[list[str], dict[str, float]]:
    """The reference data and ``n`` published passports; their codes and the timings."""
    took: dict[str, float] = {}
    t = time.perf_counter()
    cat = Catalog(settings)
    load_reference(cat)
    took["reference_s"] = time.perf_counter() - t
    t = time.perf_counter()
    codes: list[str] = []
    batch: list[NewVersion] = []
    for version in corpus(n, settings.base_uri):
        assert version.code is not None
        codes.append(version.code)
        batch.append(version)
        if len(batch) == 1000:
            cat.ledger.append(batch)
            batch = []
    if batch:
        cat.ledger.append(batch)
    took["ledger_s"] = time.perf_counter() - t
    t = time.perf_counter()
    cat.project()
    took["project_s"] = time.perf_counter() - t
    cat.close()
    return codes, took


def serve(settings: Settings) -> tuple[uvicorn.Server, threading.Thread, str]:
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, http="httptools",
                            log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the hub did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    return server, thread, f"http://127.0.0.1:{port}"


def measure(url: str, settings: Settings, codes: list[str], calls: int) -> dict[str, Any]:
    rng = random.Random(5)
    picks = [rng.choice(codes) for _ in range(calls)]
    out: dict[str, Any] = {}
    with httpx.Client(timeout=30) as client:
        endpoint = url + "/soap/nomenclature"
        for code in picks[:50]:  # warm-up: connection, caches, page cache
            client.post(endpoint, content=envelope(code), headers={"Content-Type": "text/xml"})
        samples = []
        for code in picks:
            t = time.perf_counter()
            r = client.post(endpoint, content=envelope(code),
                            headers={"Content-Type": "text/xml"})
            samples.append(time.perf_counter() - t)
            assert r.status_code == 200, r.text[:300]
            assert code.encode() in r.content
        out["http"] = _ms(samples)
    service = zeep.Client(url + "/soap/nomenclature?wsdl").create_service(
        f"{{{NS}}}NomenclatureBinding", url + "/soap/nomenclature")
    samples = []
    for code in picks[: calls // 4]:
        t = time.perf_counter()
        got = service.GetService(code=code)
        samples.append(time.perf_counter() - t)
        assert got.body.service.code == code
    out["zeep"] = _ms(samples)
    cat = Catalog(settings, with_store=False)
    try:
        samples = []
        for code in picks[: calls // 2]:
            t = time.perf_counter()
            dispatch(cat, parse_request(envelope(code), max_bytes=65536))
            samples.append(time.perf_counter() - t)
        out["in_process"] = _ms(samples)
    finally:
        cat.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="semcat-soap-") as tmp:
        settings = Settings(env="test", data_dir=Path(tmp), query_workers=1)
        codes, took = fill(settings, args.services)
        print(f"filled: {took}", flush=True)
        server, thread, url = serve(settings)
        try:
            result = measure(url, settings, codes, args.calls)
        finally:
            server.should_exit = True
            thread.join(timeout=30)
    result |= {"services": args.services, "calls": args.calls,
               "fill": {k: round(v, 1) for k, v in took.items()},
               "target_p50_ms": TARGET_P50_MS,
               "met": result["http"]["p50"] <= TARGET_P50_MS}
    OUT.mkdir(exist_ok=True)
    (OUT / "soap_out.json").write_text(json.dumps(result, indent=2))
    print(f"GetService at {args.services:,} services, {args.calls} calls "
          f"(filled in {took['ledger_s']:.0f} s, projected in {took['project_s']:.0f} s)")
    print("| path | p50 ms | p99 ms | mean ms |\n|---|---|---|---|")
    for path in ("http", "zeep", "in_process"):
        m = result[path]
        print(f"| {path} | {m['p50']} | {m['p99']} | {m['mean']} |")
    print(f"target p50 <= {TARGET_P50_MS} ms over HTTP: {'met' if result['met'] else 'MISSED'}")


if __name__ == "__main__":
    main()
