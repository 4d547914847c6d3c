"""The consistency rules at scale: the whole rule set, ONCE-ONLY-CATALOGUE alone, and the
incremental update of the check projection after one publish.

    python -m bench.checks [--sizes 688,10000] [--repeat 3]

The corpus is bench/corpus.py's (the demo passports under new codes and titles), with each
output titled after its service (a catalogue of distinct services, not 160 copies of each) and
one service in a hundred asking, as evidence, for the output of another (findings to find). The
reference data (code lists, organisations, locations, legal acts) is the shipped one, and the
nomenclature edition has an entry for every passport (one in fifty revised since). The
projection is filled from the records directly (no ledger): what is timed is what a check and a
publish cost the projection, not the import.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import time
from datetime import date, datetime

import pyoxigraph as ox

from bench.corpus import BASE, passports
from catalog import rdfio
from catalog.checks import CheckProjection, Checks
from catalog.checks.facts import facts
from catalog.demo import reference_files
from catalog.ledger import ChangeRow
from catalog.namespaces import DCT, SC, XSD
from catalog.records import split
from catalog.records.builtin import builtin_kinds
from catalog.records.passport import Evidence, Passport, to_triples

DIGITS = 6  # the corpus numbers services with six digits
PUBLISHED = datetime(2026, 1, 15, 9, 0)  # when every passport of the corpus was published


def corpus(n: int) -> list[Passport]:
    rng = random.Random(7)
    out = list(passports(n))
    for p in out:
        for o in p.outputs:
            o.title = {lang: f"{text} ({p.code})" for lang, text in o.title.items()}
    for p in out[::100]:  # a once-only defect: the output of another service asked for
        other = out[rng.randrange(len(out))]
        if other is not p and other.outputs:
            p.evidence.append(Evidence(key="evidence/99", identifier=f"{p.code}-E99",
                                       title=dict(other.outputs[0].title),
                                       obtained_by_authority=False))
    return out


def edition_triples(iri: str, demo: list[ox.Triple], ps: list[Passport]) -> list[ox.Triple]:
    """The demo's 2026 edition with an entry for every passport of the corpus (one in fifty
    revised after the passports were published: TEMPLATE-DRIFT findings)."""
    out = [t for t in demo if t.subject.value == iri and t.predicate.value != SC + "hasEntry"]
    for i, p in enumerate(ps):
        e = ox.NamedNode(f"{iri}/entry/{p.code}")
        revised = "2026-03-01" if i % 50 == 0 else "2025-11-20"
        out += [ox.Triple(ox.NamedNode(iri), ox.NamedNode(SC + "hasEntry"), e),
                ox.Triple(e, ox.NamedNode(DCT + "identifier"), ox.Literal(p.code)),
                ox.Triple(e, ox.NamedNode(DCT + "title"), ox.Literal(p.title["ro"],
                                                                      language="ro")),
                ox.Triple(e, ox.NamedNode(SC + "revised"),
                          ox.Literal(revised, datatype=ox.NamedNode(XSD + "date")))]
    return out


def build(n: int) -> tuple[Checks, CheckProjection, list[Passport], float]:
    kinds = builtin_kinds()
    projection = CheckProjection(kinds)
    ps = corpus(n)
    start = time.perf_counter()
    records: dict[str, list[ox.Triple]] = {}
    for f in reference_files():
        q = rdfio.parse(f.read_bytes(), f.name, base_iri=BASE, max_bytes=10**8, max_nesting=64)
        for d in split(q, kinds):
            records[d.iri] = facts(kinds.get(d.kind), d.iri, d.triples)
    service = kinds["service"]
    for p in ps:
        iri = BASE + "id/service/" + p.code
        records[iri] = facts(service, iri, to_triples(p, iri), PUBLISHED)
    edition = BASE + "id/nomenclature/2026"
    records[edition] = facts(kinds["edition"], edition,
                             edition_triples(edition, records[edition], ps))
    projection.load(records)
    built = time.perf_counter() - start
    codes = {q.subject.value: q.object.value for q in projection.store.quads_for_pattern(
        None, ox.NamedNode(SC + "institutionCode"), None)}
    return Checks(projection, BASE, lambda: codes, code_digits=DIGITS), projection, ps, built


def timed(fn: object, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def one_publish(projection: CheckProjection, p: Passport, seq: int) -> float:
    """Apply one published version (a changed title) as the Follower does; seconds."""
    iri = BASE + "id/service/" + p.code
    changed = p.model_copy(update={"title": {**p.title, "ro": p.title["ro"] + " (modificat)"}})
    content = rdfio.canonical_ntriples(to_triples(changed, iri))
    row = ChangeRow(seq=seq, iri=iri, kind="service", op="publish", version_number=2,
                    content=content, code=p.code, at=datetime.now())
    start = time.perf_counter()
    assert projection.apply([row], projection.watermark())
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="688,10000")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    on = date(2026, 6, 1)
    print("| services | facts | build | rule set (median) | ONCE-ONLY-CATALOGUE | one publish "
          "(median of 20) | findings | peak RSS |")
    print("|---|---|---|---|---|---|---|---|")
    for n in (int(s) for s in args.sizes.split(",")):
        checks, projection, ps, built = build(n)
        whole, run = timed(lambda c=checks: c.run(on), args.repeat)
        once, _ = timed(lambda c=checks: c.run(on, only=["ONCE-ONLY-CATALOGUE"]), args.repeat)
        rng = random.Random(1)
        publish = statistics.median(one_publish(projection, ps[rng.randrange(n)], 10 + i)
                                    for i in range(20))
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        findings = len(run.findings)  # type: ignore[attr-defined]
        print(f"| {n:,} | {projection.size():,} | {built:.2f} s | {whole:.3f} s | {once:.3f} s | "
              f"{publish * 1000:.1f} ms | {findings:,} | {rss:.0f} MB |", flush=True)


if __name__ == "__main__":
    main()
