"""A sync of N registry records through an adapter mapping: dry run, then apply.

The REST source is not merged on this branch yet, so the records come as a JSON Lines file
(the shape a REST registry's pages hold: one passport-like JSON object per record), N passports
of :mod:`bench.corpus` owned by one institution; the mapping reads them field by field
(JMESPath). Measured: the dry run (plan with diffs) and the apply (drafts through the one
write path, batches of 200), wall time, records per second, and the peak RSS of the process
sampled during each phase (memory flat: the source is streamed and the report keeps only
counts in memory).

    python -m bench.adapter_sync --n 10000
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import tempfile
import threading
import time
from pathlib import Path

from bench.corpus import passports

#: the mapping of a registry that gives passport-shaped JSON (every field read by JMESPath)
MAPPING = """semcat_mapping: 1
name: {name}
title: benchmark registry ({n} records)
institution: {institution}
source: {{type: file, path: registry.jsonl, format: jsonl}}
record: {{key: code}}
fields:
  code: code
  title: title
  description: description
  keywords: keywords
  competent_authority: competent_authority
  legal_resources: {{reference: legal_resources, list: true}}
  audiences: {{reference: audiences, list: true}}
  life_events: {{reference: life_events, list: true}}
  thematic_areas: {{reference: thematic_areas, list: true}}
  languages: {{reference: languages, list: true}}
  spatial: {{reference: spatial, list: true}}
  processing_time: processing_time
  requirements: requirements
  evidence: evidence
  outputs: outputs
  costs: costs
  channels: channels
"""


def write_registry(folder: Path, n: int, *, name: str = "bench-registry",
                   institution: str = "ASP", base: str = "http://127.0.0.1:8000/") -> Path:
    """``n`` records as JSON Lines and their mapping in ``folder``; the mapping's path."""
    folder.mkdir(parents=True, exist_ok=True)
    authority = f"{base}id/org/{institution.lower()}"
    with (folder / "registry.jsonl").open("w", encoding="utf-8") as f:
        for p in passports(n):
            p.competent_authority = authority
            f.write(p.model_dump_json(exclude_none=True) + "\n")
    path = folder / f"{name}.yaml"
    path.write_text(MAPPING.format(name=name, n=n, institution=institution),
                    encoding="utf-8")
    return path


class PeakRss(threading.Thread):
    """Samples this process's resident set every 50 ms (MB)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0.0
        self.samples: list[float] = []
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(0.05):
            with open("/proc/self/statm") as f:
                rss = int(f.read().split()[1]) * resource.getpagesize() / 2**20
            self.samples.append(rss)
            self.peak = max(self.peak, rss)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def measure(n: int) -> dict[str, object]:
    from adapters.mapping.spec import load
    from adapters.sync.runner import Sync
    from catalog.core import Catalog
    from catalog.demo import load_reference
    from catalog.settings import Settings

    work = Path(tempfile.mkdtemp(prefix="semcat-adapter-bench-"))
    try:
        mapping = write_registry(work / "src", n)
        catalog = Catalog(Settings(env="test", data_dir=work / "data"))
        load_reference(catalog)
        spec = load(mapping)
        out: dict[str, object] = {"records": n}
        for phase in ("dry_run", "apply"):
            rss = PeakRss()
            rss.start()
            t0, c0 = time.perf_counter(), time.process_time()
            sync = Sync(catalog, spec)
            report = sync.plan() if phase == "dry_run" else sync.apply()
            seconds = time.perf_counter() - t0
            cpu = time.process_time() - c0
            rss.stop()
            tenth = max(1, len(rss.samples) // 10)
            out[phase] = {"seconds": round(seconds, 2), "cpu_s": round(cpu, 2),
                          "per_s": round(n / seconds, 1),
                          "counts": report.counts, "peak_rss_mb": round(rss.peak, 1),
                          "rss_first_tenth_mb": round(max(rss.samples[:tenth]), 1),
                          "rss_last_tenth_mb": round(max(rss.samples[-tenth:]), 1)}
            report.records.clear()
        catalog.close()
        return out
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=10_000)
    args = ap.parse_args()
    print(json.dumps(measure(args.n), indent=1))


if __name__ == "__main__":
    main()
