"""The count after a crash run (``bench.crash``): acknowledged writes lost, store graphs that
differ from the ledger, and the search index against the ledger.

It reads the ledger, the store and the search index directly (never through
:class:`catalog.core.Catalog`, which would project on opening and hide what a restart left).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import text

from bench.crash_rig import STEPS, Acks
from catalog import rdfio
from catalog.ledger import Ledger
from catalog.ledger.db import create_db_engine
from catalog.projections.search import SearchIndex
from catalog.records.builtin import builtin_kinds
from catalog.store import QuadStore
from catalog.store.embedded import EmbeddedStore
from catalog.store.remote import RemoteStore


@dataclass
class Count:
    acknowledged: int = 0
    lost: list[str] = field(default_factory=list)  # "CODE step" acknowledged, not in the ledger
    divergent: list[str] = field(default_factory=list)  # graphs that differ from the ledger
    search: list[str] = field(default_factory=list)  # search index vs the ledger
    anomalies: list[str] = field(default_factory=list)  # the ledger's own integrity, leases
    graphs: int = 0  # graphs compared
    last_seq: int = 0


def open_store(sparql_url: str | None, store_path: str | None) -> QuadStore:
    if sparql_url:
        base = sparql_url.removesuffix("/query")
        return RemoteStore(sparql_url, base + "/update", base + "/store")
    assert store_path is not None
    from pathlib import Path

    return EmbeddedStore(Path(store_path))


def position(state: tuple[int, int | None, str] | None) -> int:
    """How far along :data:`STEPS` a passport in ``state`` (latest version, published version,
    status of the latest) is: 0 for none, 1 for a draft, ... 7 for withdrawn."""
    if state is None:
        return 0
    latest, published, status = state
    if status == "withdrawn":
        return 7
    if published is not None and published >= 2:
        return 6
    if latest >= 2:
        return 5 if status == "submitted" else 4
    if published is not None:
        return 3
    return 2 if status == "submitted" else 1


def _reached(state: tuple[int, int | None, str] | None, step: str) -> bool:
    """A passport in ``state`` shows the effect of an acknowledged ``step`` (or of a later
    step, which may have committed without its answer reaching the client)."""
    return position(state) >= STEPS.index(step) + 1


def count(database_url: str, store: QuadStore, acks: dict[str, str], writes: int) -> Count:
    """Compare what was acknowledged with the ledger, and the store and the search index with
    the ledger's published versions (triple for triple)."""
    assert all(step in STEPS for step in acks.values())
    engine = create_db_engine(database_url)
    out = Count(acknowledged=writes)
    try:
        ledger = Ledger(engine)
        with engine.connect() as conn:
            states = {str(code): (int(latest), published, str(status))
                      for code, latest, published, status in conn.execute(text(
                          "SELECT r.code, r.latest_version, r.published_version, v.status "
                          "FROM record r JOIN version v ON v.record_id = r.id "
                          "AND v.number = r.latest_version WHERE r.kind = 'service'"))}
            versions = conn.execute(text("SELECT content, content_hash FROM version")).all()
            orphans = conn.execute(text(
                'SELECT c.seq FROM "change" c LEFT JOIN version v ON v.record_id = c.record_id '
                "AND v.number = c.version_number WHERE c.op = 'publish' AND v.id IS NULL")).all()
            unpublished = conn.execute(text(
                "SELECT r.iri FROM record r LEFT JOIN version v ON v.record_id = r.id "
                "AND v.number = r.published_version "
                "WHERE r.published_version IS NOT NULL AND v.id IS NULL")).all()
            leases = conn.execute(text(
                "SELECT name FROM projection_lease WHERE rebuilding")).all()
            docs = {str(r[0]) for r in conn.execute(text("SELECT iri FROM search_doc"))}
        for code, step in sorted(acks.items()):
            if not _reached(states.get(code), step):
                out.lost.append(f"{code} {step} (ledger: {states.get(code)})")
        bad_hash = sum(1 for content, digest in versions
                       if hashlib.sha256(content.encode()).hexdigest() != digest)
        if bad_hash:
            out.anomalies.append(f"{bad_hash} version(s) whose content does not match the hash")
        if orphans:
            out.anomalies.append(f"{len(orphans)} publish change(s) without their version")
        if unpublished:
            out.anomalies.append(f"{len(unpublished)} record(s) without their published version")
        if leases:
            out.anomalies.append(f"still marked rebuilding: {[r[0] for r in leases]}")
        # the store, triple for triple
        published = ledger.published()
        out.last_seq = ledger.last_seq()
        names = store.graph_names()
        out.divergent += [f"{iri}: in the ledger, not in the store"
                          for iri in sorted(set(published) - names)]
        out.divergent += [f"{iri}: in the store, not published"
                          for iri in sorted(names - set(published))]
        for iri in sorted(names & set(published)):
            out.graphs += 1
            if rdfio.canonical_ntriples(store.graph(iri)) != published[iri]:
                out.divergent.append(f"{iri}: its triples differ from the ledger's")
        mark = store.watermark()
        if mark != out.last_seq:
            out.divergent.append(f"store watermark {mark} != ledger last change {out.last_seq}")
        # the search index: its watermark and its documents
        index = SearchIndex(engine)
        searchable = [k.name for k in builtin_kinds() if k.search is not None]
        wanted = set(ledger.published_records(kinds=searchable))
        smark = index.watermark()
        if smark != out.last_seq:
            out.search.append(f"search watermark {smark} != ledger last change {out.last_seq}")
        out.search += [f"{iri}: published, not indexed" for iri in sorted(wanted - docs)]
        # the concepts of a code list are documents of their own, not records
        out.search += [f"{iri}: indexed, not published"
                       for iri in sorted(ledger.existing(sorted(docs - wanted)))]
    finally:
        engine.dispose()
    return out


def merge(acks: list[Acks]) -> tuple[dict[str, str], int]:
    """The acknowledged steps of several groups of clients (codes do not overlap)."""
    steps: dict[str, str] = {}
    writes = 0
    for a in acks:
        steps |= a.steps
        writes += a.writes
    return steps, writes
