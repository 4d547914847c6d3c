"""Benchmark of full-text search: p50/p99 latency of SearchIndex.search at 10k and 100k services.

    python -m bench.search [--sizes 10000,100000] [--import-up-to 10000]
                           [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]

Each size runs in a fresh data folder (SQLite) or a fresh database (PostgreSQL). Up to
``--import-up-to`` services the index is filled the real way: `Catalog.import_records` of the
generated passports (validation, ledger, store), then a full `catch_up` from the ledger, timed
on its own. Larger sizes are filled directly from the generated passports with
`SearchIndex.load` (the same documents and rows, without the ledger), because the full import
of 100k passports takes many minutes. Results: a Markdown table, and bench/out/search.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from bench.corpus import BASE, generate
from catalog.ledger.db import create_db_engine, migrate
from catalog.projections.search import SearchDocument, SearchIndex

OUT = Path(__file__).parent / "out"
TARGET_P50_MS = 10.0
#: What people type: with and without diacritics, whole words and words being typed.
QUERIES: list[tuple[str, str | None]] = [
    ("permis de conducere", None),
    ("permis de cond", None),
    ("certificat de naștere", None),
    ("certificat de nastere", None),
    ("căsătoriei", None),
    ("casatorie", "ro"),
    ("pensie", None),
    ("pensie pentru limita de varsta", None),
    ("înregistrarea", "ro"),
    ("ajutor social", None),
    ("duplicat", None),
    ("cert", None),
    ("indemnizatie somaj", None),
    ("выдача", "ru"),
]
RUNS = 25


def _ms(samples: list[float]) -> dict[str, float]:
    s = sorted(samples)
    return {"p50": round(statistics.median(s) * 1000, 3),
            "p99": round(s[max(0, int(len(s) * 0.99) - 1)] * 1000, 3)}


@contextmanager
def _database(backend: str, tmp: Path, pg_admin: str | None) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp / 'ledger.sqlite3'}"
        return
    import psycopg

    assert pg_admin is not None
    admin = pg_admin.replace("postgresql+psycopg://", "postgresql://")
    name = f"semcat_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield pg_admin.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _fill_by_import(url: str, tmp: Path, n: int) -> tuple[Engine, dict[str, float]]:
    from catalog.core import Catalog
    from catalog.demo import load_reference
    from catalog.intake.readers import drafts_from_passports
    from catalog.settings import Settings

    settings = Settings(env="test", data_dir=tmp, database_url=url)
    cat = Catalog(settings)
    load_reference(cat)
    drafts = drafts_from_passports(generate(n), settings.base_uri)
    t0 = time.perf_counter()
    report = cat.import_records(drafts, author="bench", atomic=False, batch_size=500)
    import_s = time.perf_counter() - t0
    assert report.count("created") == n, report.summary()
    with cat.engine.begin() as conn:  # time the index's own catch-up from the ledger
        conn.execute(text("UPDATE search_state SET watermark = 0"))
    t0 = time.perf_counter()
    cat.search_index.catch_up(cat.ledger)
    catch_up_s = time.perf_counter() - t0
    if cat.store is not None:
        cat.store.close()
    return cat.engine, {"import_s": round(import_s, 1), "catch_up_s": round(catch_up_s, 1)}


def _fill_directly(url: str, n: int) -> tuple[Engine, dict[str, float]]:
    engine = create_db_engine(url)
    migrate(engine)
    t0 = time.perf_counter()
    passports = generate(n)
    gen_s = time.perf_counter() - t0
    docs = [SearchDocument.of(p, f"{BASE}id/service/{p.code}") for p in passports]
    del passports
    t0 = time.perf_counter()
    SearchIndex(engine).load(docs)
    return engine, {"generate_s": round(gen_s, 1), "load_s": round(time.perf_counter() - t0, 1)}


PG_TABLES = ("search_doc", "search_key", "search_title", "search_key_lang",
             "search_title_lang")


def _size(engine: Engine) -> float:
    """The index's size in MB; on PostgreSQL after ANALYZE of its tables (as autovacuum
    would have done on a server that was filled this fast)."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            pages = conn.execute(text("SELECT sum(pgsize) FROM dbstat WHERE name LIKE "
                                      "'search%'")).scalar_one()
        else:
            for table in PG_TABLES:
                conn.execute(text(f"ANALYZE {table}"))
            pages = sum(conn.execute(text(f"SELECT pg_total_relation_size('{t}')")
                                     ).scalar_one() for t in PG_TABLES)
        conn.commit()
    return round(int(pages or 0) / 1e6, 1)


def run(backend: str, n: int, import_up_to: int, pg_admin: str | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="semcat-bench-search-") as tmp, \
            _database(backend, Path(tmp), pg_admin) as url:
        how = "import" if n <= import_up_to else "direct"
        engine, fill = (_fill_by_import(url, Path(tmp), n) if how == "import"
                        else _fill_directly(url, n))
        index = SearchIndex(engine)
        size_mb = _size(engine)
        per_query: dict[str, Any] = {}
        samples: list[float] = []
        rng = random.Random(3)
        order = [q for q in QUERIES for _ in range(RUNS)]
        rng.shuffle(order)
        for q, lang in QUERIES:  # warm-up
            index.search(q, lang=lang)
        timings: dict[tuple[str, str | None], list[float]] = {q: [] for q in QUERIES}
        cpu: list[float] = []  # this thread's CPU time: SQLite's work without the waits
        for q, lang in order:
            t0, c0 = time.perf_counter(), time.thread_time()
            page = index.search(q, lang=lang)
            timings[(q, lang)].append(time.perf_counter() - t0)
            cpu.append(time.thread_time() - c0)
        for (q, lang), ts in timings.items():
            page = index.search(q, lang=lang)
            key = f"{q} [{lang}]" if lang else q
            per_query[key] = {**_ms(ts), "total": page.total,
                              "lower_bound": page.total_is_lower_bound}
            samples += ts
        cursor = index.search("cert", limit=20).next_cursor
        deep: list[float] = []
        for _ in range(RUNS):
            t0 = time.perf_counter()
            index.search("cert", limit=20, cursor=cursor)
            deep.append(time.perf_counter() - t0)
        plan = index.explain("certificat de naștere")
        engine.dispose()
        return {"backend": backend, "services": n, "fill": how, **fill, "index_mb": size_mb,
                "load_average": [round(x, 1) for x in os.getloadavg()],
                "all": _ms(samples), "cpu": _ms(cpu) if backend == "sqlite" else None,
                "page_2_cert": _ms(deep), "queries": per_query,
                "plan": plan}


def _table(results: list[dict[str, Any]]) -> str:
    lines = ["| back end | services | filled by | p50 | p99 | CPU p50 | page 2 of `cert` p50 "
             "| index | load average |", "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        cpu = f"{r['cpu']['p50']} ms" if r["cpu"] else "n/a"
        lines.append(f"| {r['backend']} | {r['services']:,} | {r['fill']} | "
                     f"{r['all']['p50']} ms | {r['all']['p99']} ms | {cpu} | "
                     f"{r['page_2_cert']['p50']} ms | {r['index_mb']} MB | "
                     f"{r['load_average'][0]} |")
    lines += ["", "| query | " + " | ".join(f"{r['backend']} {r['services']:,}"
                                           for r in results) + " |",
              "|---|" + "---|" * len(results)]
    for key in results[0]["queries"]:
        cells = []
        for r in results:
            q = r["queries"][key]
            more = "+" if q["lower_bound"] else ""
            cells.append(f"{q['p50']} / {q['p99']} ms, {q['total']:,}{more}")
        lines.append(f"| `{key}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--import-up-to", type=int, default=10000)
    ap.add_argument("--postgres", default=None, help="admin URL; adds the PostgreSQL runs")
    ap.add_argument("--pg-import-up-to", type=int, default=0)
    args = ap.parse_args()
    results = []
    for n in (int(s) for s in args.sizes.split(",")):
        results.append(run("sqlite", n, args.import_up_to, None))
        print(json.dumps({k: v for k, v in results[-1].items() if k != "queries"}), flush=True)
        if args.postgres:
            results.append(run("postgres", n, args.pg_import_up_to, args.postgres))
            print(json.dumps({k: v for k, v in results[-1].items() if k != "queries"}),
                  flush=True)
    OUT.mkdir(exist_ok=True)
    (OUT / "search.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(_table(results))
    for r in results:
        met = "met" if r["all"]["p50"] < TARGET_P50_MS else "NOT met"
        print(f"{r['backend']} {r['services']:,}: p50 {r['all']['p50']} ms, target "
              f"{TARGET_P50_MS} ms {met}")


if __name__ == "__main__":
    main()
