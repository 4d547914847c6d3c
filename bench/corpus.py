"""A deterministic corpus of service passports shaped like the demo nomenclature.

Each generated passport is a demo passport (its evidence, outputs, costs, channels, legal basis,
life events and one-stop-shop locations) under a new code and title, so every one validates
against the profile and refers only to reference data that exists.

    python -m bench.corpus --n 10000 --out corpus.jsonl
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from functools import cache

import pyoxigraph as ox

from catalog import paths
from catalog.records.passport import Passport, from_triples

BASE = "http://127.0.0.1:8000/"


@cache
def templates() -> tuple[Passport, ...]:
    data = (paths.DEMO_DIR / "nomenclature.trig").read_bytes()
    graphs: dict[str, list[ox.Triple]] = {}
    for q in ox.parse(data, format=ox.RdfFormat.TRIG, base_iri=BASE):
        if isinstance(q.graph_name, ox.NamedNode):
            graphs.setdefault(q.graph_name.value, []).append(q.triple)
    return tuple(from_triples(t, iri) for iri, t in sorted(graphs.items()))


def generate(n: int, seed: int = 42) -> list[Passport]:
    """``n`` passports (codes ``{INSTITUTION}-{number:06d}``), the same for the same seed."""
    return list(passports(n, seed))


def passports(n: int, seed: int = 42) -> Iterator[Passport]:
    """The passports of :func:`generate`, one at a time."""
    rng = random.Random(seed)
    pool = templates()
    for i in range(1, n + 1):
        t = pool[rng.randrange(len(pool))]
        inst = t.code.split("-")[0]
        code = f"{inst}-{i:06d}"
        p = t.model_copy(deep=True)
        p.code = code
        p.title = {lang: f"{text} ({i})" for lang, text in t.title.items()}
        for parts in (p.requirements, p.evidence, p.outputs, p.costs, p.channels):
            for part in parts:
                part.identifier = part.identifier.replace(t.code, code)
        yield p


def write_jsonl(path: str, n: int, seed: int = 42) -> None:
    """``n`` passports as JSON Lines, written one at a time (flat memory)."""
    with open(path, "w", encoding="utf-8") as f:
        for p in passports(n, seed):
            f.write(p.model_dump_json(exclude_none=True) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=688)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    write_jsonl(args.out, args.n, args.seed)


if __name__ == "__main__":
    main()
