"""Sync runs of sources in the ledger: a run with its cursor and counts, the outcome of each
record it read, the nomenclature code of each source key, and the adapters an admin trusts.

A run's cursor, counts and the outcomes before it are written in the transaction that writes
the records they account for (:func:`checkpoint_in`, called from the write's own transaction),
so a run killed at any point resumes from a cursor that matches what the ledger holds: nothing
counted twice, nothing lost. Tables: migration 0008.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, text
from sqlmodel import Session

from catalog.ledger.db import read_session, write_session


@dataclass(frozen=True)
class Outcome:
    """What a run did with one record of the source."""

    key: str
    status: str  # created | updated | unchanged | rejected
    code: str | None = None
    position: str | None = None
    detail: Any = None  # reasons of a rejection, the diff of an update

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"key": self.key, "code": self.code, "status": self.status}
        if self.position:
            out["position"] = self.position
        if self.detail is not None:
            out.update(self.detail if isinstance(self.detail, dict) else
                       {"detail": self.detail})
        return out


@dataclass
class RunRow:
    id: int
    adapter: str
    dry_run: bool
    trigger: str
    status: str  # running | done | failed | interrupted
    holder: str | None
    mapping_digest: str
    started_at: datetime
    finished_at: datetime | None
    cursor: str | None
    counts: dict[str, int] = field(default_factory=dict)
    error: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "adapter": self.adapter, "dry_run": self.dry_run,
                "trigger": self.trigger, "status": self.status,
                "started_at": self.started_at.isoformat(),
                "finished_at": self.finished_at.isoformat() if self.finished_at else None,
                "cursor": self.cursor, "counts": self.counts, "error": self.error}


_LATEST_RUN = text(
    "SELECT id, adapter, dry_run, trigger, status, holder, mapping_digest, started_at, "
    "finished_at, cursor, counts, error FROM sync_run WHERE adapter = :a "
    "ORDER BY id DESC LIMIT 1")
_UNFINISHED_RUN = text(
    "SELECT id, adapter, dry_run, trigger, status, holder, mapping_digest, started_at, "
    "finished_at, cursor, counts, error FROM sync_run WHERE adapter = :a "
    "AND status = 'running' AND dry_run = :f ORDER BY id DESC LIMIT 1")
_RUNS = text(
    "SELECT id, adapter, dry_run, trigger, status, holder, mapping_digest, started_at, "
    "finished_at, cursor, counts, error FROM sync_run WHERE adapter = :a "
    "ORDER BY id DESC LIMIT :l")
_RUN = text(
    "SELECT id, adapter, dry_run, trigger, status, holder, mapping_digest, started_at, "
    "finished_at, cursor, counts, error FROM sync_run WHERE adapter = :a AND id = :i")
_OUTCOMES = text(
    "SELECT key, status, code, position, detail FROM sync_outcome WHERE run_id = :r "
    "ORDER BY id LIMIT :l OFFSET :o")
_OUTCOMES_OF = text(
    "SELECT key, status, code, position, detail FROM sync_outcome WHERE run_id = :r "
    "AND status = :s ORDER BY id LIMIT :l OFFSET :o")


def _aware(t: Any) -> datetime | None:
    if t is None:
        return None
    when: datetime = datetime.fromisoformat(t) if isinstance(t, str) else t
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _run(row: Any) -> RunRow:
    started = _aware(row[7])
    assert started is not None
    return RunRow(int(row[0]), row[1], bool(row[2]), row[3], row[4], row[5], row[6], started,
                  _aware(row[8]), row[9], json.loads(row[10] or "{}"),
                  json.loads(row[11]) if row[11] else None)


def start(engine: Engine, adapter: str, *, dry_run: bool, trigger: str, holder: str,
          digest: str) -> RunRow:
    now = datetime.now(UTC)
    with write_session(engine) as s:
        s.execute(text(
            "INSERT INTO sync_run (adapter, dry_run, trigger, status, holder, mapping_digest, "
            "started_at, counts) VALUES (:a, :d, :t, 'running', :h, :g, :now, '{}')"),
            {"a": adapter, "d": dry_run, "t": trigger, "h": holder, "g": digest, "now": now})
        row = s.execute(_LATEST_RUN, {"a": adapter}).first()
    return _run(row)


def unfinished(engine: Engine, adapter: str) -> RunRow | None:
    """The apply run of ``adapter`` that did not finish (its process was killed), if any."""
    with read_session(engine) as s:
        row = s.execute(_UNFINISHED_RUN, {"a": adapter, "f": False}).first()
    return None if row is None else _run(row)


def take_over(engine: Engine, run_id: int, holder: str) -> None:
    with write_session(engine) as s:
        s.execute(text("UPDATE sync_run SET holder = :h WHERE id = :i"),
                  {"h": holder, "i": run_id})


def checkpoint_in(s: Session, run_id: int, cursor: str | None, counts: Mapping[str, int],
                  outcomes: Sequence[Outcome]) -> None:
    """Inside the caller's transaction: the cursor, the counts, and the outcomes up to it."""
    if outcomes:
        s.execute(text(
            "INSERT INTO sync_outcome (run_id, key, code, status, position, detail) "
            "VALUES (:r, :k, :c, :s, :p, :d)"),
            [{"r": run_id, "k": o.key[:512], "c": o.code, "s": o.status,
              "p": o.position, "d": None if o.detail is None else
              json.dumps(o.detail, ensure_ascii=False)} for o in outcomes])
    s.execute(text("UPDATE sync_run SET cursor = :c, counts = :n WHERE id = :i"),
              {"c": cursor, "n": json.dumps(dict(counts)), "i": run_id})


def checkpoint(engine: Engine, run_id: int, cursor: str | None, counts: Mapping[str, int],
               outcomes: Sequence[Outcome]) -> None:
    with write_session(engine) as s:
        checkpoint_in(s, run_id, cursor, counts, outcomes)


def finish(engine: Engine, run_id: int, status: str, counts: Mapping[str, int],
           error: Any = None) -> None:
    with write_session(engine) as s:
        s.execute(text(
            "UPDATE sync_run SET status = :s, finished_at = :t, counts = :n, error = :e "
            "WHERE id = :i"),
            {"s": status, "t": datetime.now(UTC), "n": json.dumps(dict(counts)),
             "e": None if error is None else json.dumps(error, ensure_ascii=False),
             "i": run_id})


def runs(engine: Engine, adapter: str, limit: int = 50) -> list[RunRow]:
    with read_session(engine) as s:
        rows = s.execute(_RUNS, {"a": adapter, "l": limit})
        return [_run(r) for r in rows]


def run(engine: Engine, adapter: str, run_id: int) -> RunRow | None:
    with read_session(engine) as s:
        row = s.execute(_RUN, {"a": adapter, "i": run_id}).first()
    return None if row is None else _run(row)


def outcomes(engine: Engine, run_id: int, *, status: str | None = None, limit: int = 1000,
             offset: int = 0) -> list[Outcome]:
    with read_session(engine) as s:
        rows = s.execute(_OUTCOMES_OF if status else _OUTCOMES,
                         {"r": run_id, "s": status, "l": limit, "o": offset})
        return [Outcome(r[0], r[1], r[2], r[3], json.loads(r[4]) if r[4] else None)
                for r in rows]


@dataclass(frozen=True)
class Head:
    """What a plan needs of a stored record: its latest version, the published one's hash, and
    the IRI of its institution ("" when it has none)."""

    number: int
    status: str
    content_hash: str
    published_hash: str | None
    owner: str


_HEAD = text(
    "SELECT r.latest_version, v.status, v.content_hash, "
    "(SELECT p.content_hash FROM version p WHERE p.record_id = r.id "
    "AND p.number = r.published_version), i.iri "
    "FROM record r JOIN version v ON v.record_id = r.id AND v.number = r.latest_version "
    "LEFT JOIN institution i ON i.id = r.institution_id WHERE r.iri = :iri")


def head(engine: Engine, iri: str) -> Head | None:
    """The stored record ``iri`` as a plan compares with it (None: not in the ledger)."""
    with read_session(engine) as s:
        row = s.execute(_HEAD, {"iri": iri}).first()
    if row is None:
        return None
    return Head(int(row[0]), row[1], row[2], row[3], row[4] or "")


# source keys -> nomenclature codes -----------------------------------------------------
def key_codes(engine: Engine, adapter: str) -> dict[str, str]:
    with read_session(engine) as s:
        return {r[0]: r[1] for r in s.execute(text(
            "SELECT key, code FROM source_key WHERE adapter = :a"), {"a": adapter})}


def put_keys_in(s: Session, adapter: str, kind: str, pairs: Iterable[tuple[str, str]]) -> None:
    """Record the code of each key (once: a key keeps its code)."""
    rows = [{"a": adapter, "k": k[:512], "c": c, "kind": kind} for k, c in pairs]
    if not rows:
        return
    known = {r[0] for r in s.execute(text(
        "SELECT key FROM source_key WHERE adapter = :a"), {"a": adapter})}
    new = [r for r in rows if r["k"] not in known]
    if new:
        s.execute(text("INSERT INTO source_key (adapter, key, kind, code) "
                       "VALUES (:a, :k, :kind, :c)"), new)


def highest_number(engine: Engine, prefix: str) -> int:
    """The highest number of the codes ``PREFIX-nnnn`` in the ledger and the source keys."""
    like = f"{prefix}-%"
    with read_session(engine) as s:
        codes = [r[0] for r in s.execute(text(
            "SELECT code FROM record WHERE code LIKE :p UNION "
            "SELECT code FROM source_key WHERE code LIKE :p"), {"p": like})]
    numbers = [int(c[len(prefix) + 1:]) for c in codes if c and c[len(prefix) + 1:].isdigit()]
    return max(numbers, default=0)


def highest_of(codes: Iterable[str], prefix: str) -> int:
    """The highest number of the codes ``PREFIX-nnnn`` among ``codes`` (0: none)."""
    head = f"{prefix}-"
    numbers = [int(c[len(head):]) for c in codes
               if c.startswith(head) and c[len(head):].isdigit()]
    return max(numbers, default=0)


def keys_of(engine: Engine, code: str) -> list[tuple[str, str]]:
    """The (adapter, key) pairs given the nomenclature code ``code``."""
    with read_session(engine) as s:
        return [(r[0], r[1]) for r in s.execute(text(
            "SELECT adapter, key FROM source_key WHERE code = :c ORDER BY adapter, key"),
            {"c": code})]


# trust ------------------------------------------------------------------------------
def trusted(engine: Engine, adapter: str) -> bool:
    with read_session(engine) as s:
        row = s.execute(text("SELECT trusted FROM adapter_trust WHERE adapter = :a"),
                        {"a": adapter}).first()
    return bool(row[0]) if row else False


def set_trusted(engine: Engine, adapter: str, value: bool, by: str) -> None:
    with write_session(engine) as s:
        s.execute(text("DELETE FROM adapter_trust WHERE adapter = :a"), {"a": adapter})
        s.execute(text("INSERT INTO adapter_trust (adapter, trusted, by, at) "
                       "VALUES (:a, :t, :b, :at)"),
                  {"a": adapter, "t": value, "b": by, "at": datetime.now(UTC)})
