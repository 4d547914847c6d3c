"""Benchmark of the read answers stock clients ask for (issue 9, point 8 and 7): latency of one
passport's IRI in Turtle and in compacted JSON-LD (PyLD), of ``/graph-store?graph=`` and
``?default`` (the union), and of ``GET /catalog`` (DCAT-AP), on the demo catalogue (SQLite,
embedded store), through the in-process ASGI client. No targets are set by the issue: the
figures say what compaction costs.

    python -m bench.clients [--repeat 30]

Answers are built each time (``If-None-Match`` is not sent; the ETag would give 304).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from catalog.settings import Settings

BASE = "http://127.0.0.1:8000/"
CASES = [
    ("passport IRI, Turtle", "/id/service/CNAS-0001", "text/turtle"),
    ("passport IRI, JSON-LD compacted", "/id/service/CNAS-0001", "application/ld+json"),
    ("passport IRI, JSON-LD expanded", "/id/service/CNAS-0001",
     'application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"'),
    ("graph store, one record, Turtle", f"/graph-store?graph={BASE}id/service/CNAS-0001",
     "text/turtle"),
    ("graph store, ?default (union), N-Triples", "/graph-store?default",
     "application/n-triples"),
    ("graph store, ?default (union), JSON-LD (expanded: over the cap)", "/graph-store?default",
     "application/ld+json"),
    ("/catalog (DCAT-AP), Turtle", "/catalog", "text/turtle"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    for key in [k for k in os.environ if k.startswith("SEMCAT_")]:
        del os.environ[key]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(env="test", data_dir=Path(tmp) / "data", load_demo=True,
                            query_workers=1)
        with TestClient(create_app(settings)) as client:
            print("| answer | bytes | p50 ms | max ms |")
            print("|---|---:|---:|---:|")
            for name, path, accept in CASES:
                times, size = [], 0
                repeat = args.repeat if "default" not in path else max(3, args.repeat // 10)
                for _ in range(repeat):
                    start = time.perf_counter()
                    r = client.get(path, headers={"Accept": accept})
                    times.append((time.perf_counter() - start) * 1000)
                    assert r.status_code == 200, (path, r.status_code)
                    size = len(r.content)
                print(f"| {name} | {size:,} | {statistics.median(times):.1f} | "
                      f"{max(times):.1f} |")


if __name__ == "__main__":
    main()
