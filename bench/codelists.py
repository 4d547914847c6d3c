"""Benchmark of code-list search: p50/p99 of ``CodeLists.search`` in a scheme of 10,000 concepts.

    python -m bench.codelists [--concepts 10000] [--no-sqlite]
                              [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]

A generated scheme (labels in ro/en/ru built from the words of the shipped code lists, a
three-level hierarchy, a definition per concept) is published the real way: parsed, validated
and written as one code-list record through the write path (an operator's import), then the
search index catches up with the ledger (timed). The queries are what people type, with and
without diacritics and with cedillas; each runs ``RUNS`` times after a warm-up. Results: a
Markdown table, and bench/out/codelists.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.search import _database

OUT = Path(__file__).parent / "out"
TARGET_P50_MS = 10.0
RUNS = 25
ROOTS = [("înregistrare", "registration", "регистрация"), ("certificat", "certificate", "справка"),
         ("pensie", "pension", "пенсия"), ("indemnizație", "allowance", "пособие"),
         ("autorizație", "permit", "разрешение"), ("școală", "school", "школа"),
         ("sănătate", "health", "здоровье"), ("proprietate", "property", "имущество"),
         ("vehicul", "vehicle", "транспорт"), ("căsătorie", "marriage", "брак"),
         ("naștere", "birth", "рождение"), ("deces", "death", "смерть"),
         ("impozit", "tax", "налог"), ("întreprindere", "enterprise", "предприятие"),
         ("țară", "country", "страна"), ("locuință", "dwelling", "жильё")]
QUALIFIERS = [("de stat", "state", "государственный"), ("locală", "local", "местный"),
              ("provizorie", "temporary", "временный"), ("specială", "special", "особый"),
              ("electronică", "electronic", "электронный"), ("anuală", "annual", "годовой")]
QUERIES: list[tuple[str, str | None]] = [
    ("certificat", None), ("certificat electronic", None), ("naştere", "ro"),
    ("ţară", None), ("tara", "ro"), ("scoala", None), ("pension", "en"), ("пенсия", "ru"),
    ("indemnizatie locala", None), ("c-1234", None), ("autoriz", None), ("proprietate spec", None),
]


def scheme_turtle(n: int, seed: int = 7) -> bytes:
    """A concept scheme of ``n`` concepts: 16 top concepts, each with narrower ones, each of
    those with narrower ones; labels in three languages."""
    rng = random.Random(seed)
    lines = ["@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
             "@prefix dct: <http://purl.org/dc/terms/> .",
             "@prefix owl: <http://www.w3.org/2002/07/owl#> .",
             "<codelist/bench> a skos:ConceptScheme ;",
             '  skos:prefLabel "Nomenclator de test"@ro , "Bench list"@en , "Тестовый"@ru ;',
             '  dct:title "Nomenclator de test"@ro , "Bench list"@en ;',
             '  dct:identifier "bench" ; owl:versionInfo "1.0.0" .']
    for i in range(n):
        root = ROOTS[i % len(ROOTS)]
        qual = QUALIFIERS[rng.randrange(len(QUALIFIERS))]
        key = f"c-{i:05d}"
        broader = "" if i < len(ROOTS) else \
            f"  skos:broader <codelist/bench/c-{rng.randrange(max(1, i // 8)):05d}> ;\n"
        top = "  skos:topConceptOf <codelist/bench> ;\n" if i < len(ROOTS) else ""
        lines.append(
            f"<codelist/bench/{key}> a skos:Concept ;\n  skos:inScheme <codelist/bench> ;\n"
            f"{top}{broader}  skos:notation \"C-{i}\" ;\n"
            f"  skos:prefLabel \"{root[0].capitalize()} {qual[0]} nr. {i}\"@ro , "
            f"\"{qual[1].capitalize()} {root[1]} no. {i}\"@en , "
            f"\"{root[2].capitalize()} {qual[2]} № {i}\"@ru ;\n"
            f"  skos:definition \"Concept de test pentru {root[0]} ({qual[0]}).\"@ro .")
    return "\n".join(lines).encode()


def _ms(samples: list[float]) -> dict[str, float]:
    s = sorted(samples)
    return {"p50": round(statistics.median(s) * 1000, 3),
            "p99": round(s[max(0, int(len(s) * 0.99) - 1)] * 1000, 3)}


def run(backend: str, n: int, pg_admin: str | None) -> dict[str, Any]:
    from catalog.codelists import CodeLists
    from catalog.core import Catalog
    from catalog.settings import Settings
    from catalog.workflow.access import Principal
    from catalog.workflow.publishing import Publishing

    with tempfile.TemporaryDirectory() as tmp, _database(backend, Path(tmp), pg_admin) as url:
        settings = Settings(env="test", data_dir=Path(tmp) / "data", database_url=url)
        catalog = Catalog(settings)
        try:
            t0 = time.perf_counter()
            drafts = catalog.parse(scheme_turtle(n), "bench.ttl")
            Publishing(catalog, "codelist").import_records(
                Principal.operator("bench"), drafts, atomic=True, publish=True)
            t1 = time.perf_counter()
            catalog.project()
            t2 = time.perf_counter()
            lists = CodeLists(catalog)
            assert len(lists.scheme("bench")[0].concepts) == n
            samples: list[float] = []
            cpu: list[float] = []
            per_query: dict[str, float] = {}
            for q, lang in QUERIES:
                lists.search("bench", q, lang=lang)  # warm-up
                mine = []
                for _ in range(RUNS):
                    s, c = time.perf_counter(), time.process_time()
                    page = lists.search("bench", q, lang=lang)
                    mine.append(time.perf_counter() - s)
                    cpu.append(time.process_time() - c)
                assert page.hits, q
                samples += mine
                per_query[f"{q} ({lang or 'any'})"] = _ms(mine)["p50"]
            return {"backend": backend, "concepts": n,
                    "publish_s": round(t1 - t0, 2), "index_s": round(t2 - t1, 2),
                    **_ms(samples), "cpu_p50": _ms(cpu)["p50"],
                    "load_average": round(os.getloadavg()[0], 1), "per_query_p50_ms": per_query}
        finally:
            catalog.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--concepts", type=int, default=10_000)
    ap.add_argument("--postgres", default=None, help="an admin URL: also run on PostgreSQL")
    ap.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    args = ap.parse_args()
    results = [] if args.no_sqlite else [run("sqlite", args.concepts, None)]
    if args.postgres:
        results.append(run("postgresql", args.concepts, args.postgres))
    OUT.mkdir(exist_ok=True)
    (OUT / "codelists.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print("| back end | concepts | publish (s) | search p50 (ms) | p99 (ms) | CPU p50 (ms) | "
          f"load average | target p50 <= {TARGET_P50_MS} ms |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        ok = "met" if r["p50"] <= TARGET_P50_MS else "MISSED"
        print(f"| {r['backend']} | {r['concepts']:,} | {r['publish_s']} | {r['p50']} | "
              f"{r['p99']} | {r['cpu_p50']} | {r['load_average']} | {ok} |")


if __name__ == "__main__":
    main()
