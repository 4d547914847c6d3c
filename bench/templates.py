"""Benchmark of the effective passport (docs/templates.md): what validating and reading a
passport with a nomenclature entry costs beyond the stored passport.

    python -m bench.templates [--n 2000]

In process, no catalogue: the demo passport ASP-0001 and its demo entry. Timed per passport:
:func:`effective_triples` (what ``Catalog.validate`` adds before SHACL) on the full passport
(it inherits nothing) and on a lean one (description, legal basis, audiences, evidence and
outputs left to the entry), and :func:`effective` on the JSON model (what a read adds).
Wall and CPU time, with the load average.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

import pyoxigraph as ox

from catalog import paths
from catalog.records.passport import from_triples, to_triples
from catalog.records.template import effective, effective_triples, entries

BASE = "http://127.0.0.1:8000/"


def _timed(n: int, work: Callable[[], object]) -> tuple[float, float]:
    """Microseconds per call: wall, CPU."""
    c0, w0 = time.process_time(), time.perf_counter()
    for _ in range(n):
        work()
    return (time.perf_counter() - w0) / n * 1e6, (time.process_time() - c0) / n * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000)
    n = parser.parse_args().n
    iri = BASE + "id/service/ASP-0001"
    data = (paths.DEMO_DIR / "nomenclature.trig").read_bytes()
    full = [q.triple for q in ox.parse(data, format=ox.RdfFormat.TRIG, base_iri=BASE)
            if q.graph_name == ox.NamedNode(iri)]
    edition = list(ox.parse((paths.DEMO_DIR / "nomenclature-edition.ttl").read_bytes(),
                            format=ox.RdfFormat.TURTLE, base_iri=BASE))
    template = entries(BASE + "id/nomenclature/2026", edition)[1]["ASP-0001"].template
    own = from_triples(full, iri)
    lean = own.model_copy(update={"description": {}, "legal_resources": [], "audiences": [],
                                  "evidence": [], "outputs": []})
    lean_triples = to_triples(lean, iri)
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    print("| work | triples | µs wall | µs CPU |\n|---|---|---|---|")
    for name, triples in (("validate: full passport", full),
                          ("validate: lean passport", lean_triples)):
        wall, cpu = _timed(n, lambda t=triples: effective_triples(t, iri, template))  # type: ignore[misc]
        print(f"| {name} | {len(triples)} | {wall:.0f} | {cpu:.0f} |")
    wall, cpu = _timed(n, lambda: effective(lean, template))
    print(f"| read: effective() of the lean passport | — | {wall:.0f} | {cpu:.0f} |")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
