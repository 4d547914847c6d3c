"""Benchmarks of the foundation: import, single-record validation, lookup by code.

    python -m bench.run [--sizes 688,10000]

Each size runs in a fresh data folder (SQLite ledger + embedded Oxigraph, the defaults).
Results are printed as a Markdown table and written to bench/out/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.corpus import generate
from catalog import paths
from catalog.core import Catalog
from catalog.demo import load_reference
from catalog.intake.readers import drafts_from_passports
from catalog.settings import Settings
from catalog.validation import Validator

OUT = Path(__file__).parent / "out"
TARGETS = {"import_10k_s": 60.0, "validate_median_ms": 5.0, "lookup_median_ms": 2.0}


def _ms(samples: list[float]) -> dict[str, float]:
    s = sorted(samples)
    return {"median": round(statistics.median(s) * 1000, 3),
            "p95": round(s[int(len(s) * 0.95) - 1] * 1000, 3),
            "p99": round(s[int(len(s) * 0.99) - 1] * 1000, 3)}


def run_size(n: int) -> dict[str, Any]:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="semcat-bench-") as tmp:
        settings = Settings(env="test", data_dir=Path(tmp))
        cat = Catalog(settings)
        load_reference(cat)
        t0 = time.perf_counter()
        passports = generate(n)
        drafts = drafts_from_passports(passports, settings.base_uri)
        gen_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        report = cat.import_records(drafts, author="bench", atomic=False, batch_size=500)
        import_s = time.perf_counter() - t0
        assert report.count("created") == n, report.summary()

        sample = rng.sample(drafts, min(300, n))
        for d in sample[:20]:  # warm-up
            cat.validate(d)
        turbo = []
        for d in sample:
            t = time.perf_counter()
            assert cat.validate(d).conforms
            turbo.append(time.perf_counter() - t)
        reference = Validator.from_files(sorted(paths.SHAPES_DIR.glob("*.ttl")), "pyshacl")
        py = []
        for d in sample[:100]:
            t = time.perf_counter()
            assert reference.validate(d.iri, d.triples, cat.references).conforms
            py.append(time.perf_counter() - t)

        codes = [p.code for p in passports]
        for c in codes[:50]:
            cat.service_graph(c)
        lookups = []
        for c in (rng.choice(codes) for _ in range(2000)):
            t = time.perf_counter()
            cat.service_graph(c)
            lookups.append(time.perf_counter() - t)
        store_mb = sum(f.stat().st_size for f in settings.resolved_store_path.rglob("*")
                       if f.is_file()) / 1e6
        triples = cat.store.triple_count() if cat.store else 0
        cat.close()
    return {
        "services": n,
        "triples_in_store": triples,
        "corpus_generation_s": round(gen_s, 2),
        "import_s": round(import_s, 2),
        "import_per_s": round(n / import_s, 1),
        "validate_turbo_ms": _ms(turbo),
        "validate_pyshacl_ms": _ms(py),
        "lookup_ms": _ms(lookups),
        "store_mb": round(store_mb, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def table(rows: list[dict[str, Any]]) -> str:
    lines = ["| services | triples | import | per s | validate median / p99 (turbo) | "
             "validate median (pySHACL) | lookup median / p99 | peak RSS |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(
            f"| {r['services']:,} | {r['triples_in_store']:,} | {r['import_s']} s | "
            f"{r['import_per_s']} | {r['validate_turbo_ms']['median']} / "
            f"{r['validate_turbo_ms']['p99']} ms | {r['validate_pyshacl_ms']['median']} ms | "
            f"{r['lookup_ms']['median']} / {r['lookup_ms']['p99']} ms | {r['peak_rss_mb']} MB |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="688,10000")
    args = ap.parse_args()
    rows = [run_size(int(s)) for s in args.sizes.split(",")]
    OUT.mkdir(exist_ok=True)
    machine = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    (OUT / "results.json").write_text(json.dumps({"machine": machine, "runs": rows}, indent=2))
    print(table(rows))
    for r in rows:
        if r["services"] == 10_000:
            print(f"import 10k: {r['import_s']} s (target < {TARGETS['import_10k_s']} s)")
        print(f"{r['services']}: validate median {r['validate_turbo_ms']['median']} ms "
              f"(target < {TARGETS['validate_median_ms']}), lookup median "
              f"{r['lookup_ms']['median']} ms (target < {TARGETS['lookup_median_ms']})")


if __name__ == "__main__":
    main()
