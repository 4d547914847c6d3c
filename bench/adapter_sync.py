"""A sync of N registry records through an adapter mapping: dry run, then apply.

The records are N passports of :mod:`bench.corpus` owned by one institution, one passport-like
JSON object each. ``--source rest`` (the default): a REST registry on loopback
(:mod:`bench.rest_registry`, in a process of its own: JSON pages of ``--page`` records paged
by a cursor, behind a bearer token) read by a mapping of ``type: rest``; ``--source file``: the
same records as a JSON Lines file. The mapping reads them field by field (JMESPath).
Measured: the dry run (plan with diffs) and the apply (drafts through the one write path,
batches of 200): wall time, CPU time of this (the syncing) process, records per second, and its
RSS sampled every 50 ms during each phase (memory flat: the source is streamed and the report
keeps only counts in memory); with ``rest``, the registry's CPU time apart.

    python -m bench.adapter_sync --n 10000 [--source rest|file] [--page 500]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.corpus import passports

#: the mapping of a registry that gives passport-shaped JSON (every field read by JMESPath)
MAPPING = """semcat_mapping: 1
name: {name}
title: benchmark registry ({n} records)
institution: {institution}
source: {source}
record: {record}
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


#: the file source: the records as JSON Lines beside the mapping
FILE_SOURCE = "{type: file, path: registry.jsonl, format: jsonl}", "{key: code}"
#: the REST source: cursor pages of the loopback registry (``bench/rest_registry.py``)
REST_SOURCE = ("{{type: rest, base_url: '{url}', path: /rest/passports, params: {{active: true}},"
               " pagination: {{style: cursor, param: after, size_param: limit, size: {page},"
               " next: paging.next}}, auth: {{type: bearer, token: {{env: {env}}}}},"
               " timeout_s: 60, max_bytes: 16777216, retries: 4}}",
               "{iterator: results, key: code}")
#: where the REST mapping (and the registry) find the token
TOKEN_ENV = "SEMCAT_BENCH_REGISTRY_TOKEN"


def write_records(folder: Path, n: int, *, institution: str = "ASP",
                  base: str = "http://127.0.0.1:8000/") -> Path:
    """``n`` records as JSON Lines in ``folder``; the file's path."""
    folder.mkdir(parents=True, exist_ok=True)
    authority = f"{base}id/org/{institution.lower()}"
    path = folder / "registry.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for p in passports(n):
            p.competent_authority = authority
            f.write(p.model_dump_json(exclude_none=True) + "\n")
    return path


def write_mapping(folder: Path, n: int, *, name: str = "bench-registry",
                  institution: str = "ASP", url: str | None = None, page: int = 500) -> Path:
    """The mapping of the records: the file beside it, or the REST registry at ``url``."""
    source, record = FILE_SOURCE if url is None else \
        (REST_SOURCE[0].format(url=url, page=page, env=TOKEN_ENV), REST_SOURCE[1])
    path = folder / f"{name}.yaml"
    path.write_text(MAPPING.format(name=name, n=n, institution=institution, source=source,
                                   record=record), encoding="utf-8")
    return path


def write_registry(folder: Path, n: int, *, name: str = "bench-registry",
                   institution: str = "ASP", base: str = "http://127.0.0.1:8000/") -> Path:
    """``n`` records as JSON Lines and their (file) mapping in ``folder``; the mapping's path."""
    write_records(folder, n, institution=institution, base=base)
    return write_mapping(folder, n, name=name, institution=institution)


@contextmanager
def rest_registry(records: Path, token: str) -> Iterator[tuple[str, int]]:
    """:mod:`bench.rest_registry` serving ``records`` in a child process: its URL and pid."""
    child = subprocess.Popen([sys.executable, "-m", "bench.rest_registry", "--file",
                              str(records)], stdout=subprocess.PIPE,
                             cwd=Path(__file__).resolve().parents[1],
                             env={**os.environ, TOKEN_ENV: token})
    try:
        assert child.stdout is not None
        port = int(child.stdout.readline())
        yield f"http://127.0.0.1:{port}", child.pid
    finally:
        child.terminate()
        child.wait(timeout=30)


def cpu_of(pid: int) -> float:
    """CPU seconds (user + system) of process ``pid`` so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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


def measure(n: int, source: str = "rest", page: int = 500) -> dict[str, object]:
    from adapters.mapping.spec import load
    from adapters.sync.runner import Sync
    from catalog.core import Catalog
    from catalog.demo import load_reference
    from catalog.settings import Settings

    work = Path(tempfile.mkdtemp(prefix="semcat-adapter-bench-"))
    try:
        records = write_records(work / "src", n)
        catalog = Catalog(Settings(env="test", data_dir=work / "data"))
        load_reference(catalog)
        out: dict[str, object] = {"records": n, "source": source,
                                  "load_avg_before": os.getloadavg()}
        with _registry(source, records) as (url, server_pid):
            spec = load(write_mapping(work / "src", n, url=url, page=page))
            if source == "rest":
                out["page"] = page
            for phase in ("dry_run", "apply"):
                out[phase] = _phase(phase, Sync(catalog, spec), n, server_pid)
                out[f"load_avg_after_{phase}"] = os.getloadavg()
        catalog.close()
        return out
    finally:
        shutil.rmtree(work, ignore_errors=True)


@contextmanager
def _registry(source: str, records: Path) -> Iterator[tuple[str | None, int | None]]:
    """The REST registry serving ``records`` (its URL and pid), or nothing for a file."""
    if source == "file":
        yield None, None
        return
    token = secrets.token_urlsafe(24)
    os.environ[TOKEN_ENV] = token
    with rest_registry(records, token) as (url, pid):
        yield url, pid


def _phase(phase: str, sync: object, n: int, server_pid: int | None) -> dict[str, object]:
    from adapters.sync.runner import Sync

    assert isinstance(sync, Sync)
    rss = PeakRss()
    rss.start()
    s0 = cpu_of(server_pid) if server_pid else 0.0
    t0, c0 = time.perf_counter(), time.process_time()
    report = sync.plan() if phase == "dry_run" else sync.apply()
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - c0
    server_cpu = cpu_of(server_pid) - s0 if server_pid else None
    rss.stop()
    tenth = max(1, len(rss.samples) // 10)
    result: dict[str, object] = {
        "seconds": round(seconds, 2), "cpu_s": round(cpu, 2), "per_s": round(n / seconds, 1),
        "counts": report.counts, "peak_rss_mb": round(rss.peak, 1),
        "rss_first_tenth_mb": round(max(rss.samples[:tenth]), 1),
        "rss_last_tenth_mb": round(max(rss.samples[-tenth:]), 1)}
    if server_cpu is not None:
        result["registry_cpu_s"] = round(server_cpu, 2)
    report.records.clear()
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--source", choices=("rest", "file"), default="rest")
    ap.add_argument("--page", type=int, default=500, help="records a REST page holds")
    args = ap.parse_args()
    print(json.dumps(measure(args.n, args.source, args.page), indent=1))


if __name__ == "__main__":
    main()
