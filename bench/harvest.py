"""Harvest of a CPSV-AP 2.x catalogue: read, upgrade, cut by links, validate every record
against the official CPSV-AP 3.2.0 shapes.

    python -m bench.harvest [--copies 1,10] [--shared ../shared/external]

The document is the three Trento files (136 service descriptions, 6,964 triples) as one
N-Triples document, repeated ``copies`` times with the IRIs of each copy renamed in memory
(``http://www.provincia.tn.it/`` -> ``.../cN/``), so ×10 is 1,360 services and ~70,000 triples.
Measured: the whole harvest (parse to report) wall time, records per second, the validation
of one record (median, p99), and the peak RSS of the process. Nothing is written.
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from adapters.sources.rdf import standalone_validate
from catalog.intake.harvest import HarvestOptions, read_harvest
from catalog.records.builtin import HARVESTED_SERVICE
from catalog.records.split import RecordDraft
from catalog.settings import Settings
from catalog.validation import ValidationReport

TRENTO = "datasets/trento-cpsv-ap-2"
_BASE = "http://www.provincia.tn.it/"


def document(shared: Path, copies: int) -> bytes:
    triples: list[ox.Triple] = []
    for f in sorted((shared / TRENTO).glob("*.rdf")):
        triples += [q.triple for q in ox.parse(path=str(f), format=ox.RdfFormat.RDF_XML)]
    out = []
    for n in range(copies):
        def rename(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, n: int = n
                   ) -> ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple:
            if isinstance(term, ox.NamedNode) and term.value.startswith(_BASE):
                return ox.NamedNode(f"{_BASE}c{n}/{term.value[len(_BASE):]}")
            if isinstance(term, ox.BlankNode):
                return ox.BlankNode(f"c{n}{term.value}")
            return term
        out += [ox.Triple(rename(t.subject), t.predicate, rename(t.object))  # type: ignore[arg-type]
                for t in triples]
    return ox.serialize(out, format=ox.RdfFormat.N_TRIPLES) or b""


def run(shared: Path, copies: int, settings: Settings) -> dict[str, float]:
    data = document(shared, copies)
    validate = standalone_validate(settings)
    times: list[float] = []

    def timed(draft: RecordDraft) -> ValidationReport:
        start = time.perf_counter()
        report = validate(draft)
        times.append(time.perf_counter() - start)
        return report

    validate(RecordDraft("urn:x:warm", HARVESTED_SERVICE.name, declared=HARVESTED_SERVICE))
    gc.collect()
    start = time.perf_counter()
    harvest = read_harvest(data, HarvestOptions("bench", "2.2.1", "ntriples",
                                                datetime.now(UTC)),
                           HARVESTED_SERVICE, settings, timed)
    wall = time.perf_counter() - start
    times.sort()
    return {"copies": copies, "services": harvest.counts["records"],
            "accepted": harvest.counts["accepted"], "bytes": len(data), "wall_s": wall,
            "per_s": harvest.counts["records"] / wall,
            "validate_median_ms": statistics.median(times) * 1000,
            "validate_p99_ms": times[int(len(times) * 0.99) - 1] * 1000,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.harvest")
    parser.add_argument("--copies", default="1,10")
    parser.add_argument("--shared", type=Path,
                        default=Path(__file__).resolve().parents[1].parent / "shared" / "external")
    args = parser.parse_args()
    settings = Settings(env="test")
    print("| copies | services | accepted | MB | harvest | services/s | validate median / p99 "
          "| peak RSS |")
    print("|---|---|---|---|---|---|---|---|")
    for copies in (int(c) for c in args.copies.split(",")):
        r = run(args.shared, copies, settings)
        print(f"| {copies} | {r['services']:.0f} | {r['accepted']:.0f} | "
              f"{r['bytes'] / 2**20:.1f} | {r['wall_s']:.2f} s | {r['per_s']:.0f} | "
              f"{r['validate_median_ms']:.2f} / {r['validate_p99_ms']:.2f} ms | "
              f"{r['peak_rss_mb']:.0f} MB |")


if __name__ == "__main__":
    main()
