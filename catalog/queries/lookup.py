"""One published record by its kind and code, in one read of the ledger (the unique index on
both): the record's IRI, published version number and content. For surfaces that answer one
record at a time under a latency target (the SOAP service's ``GetService``), where the
history's reads (every version, every transition) are more than is asked."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlmodel import col

from catalog.ledger import Ledger, Record, Version
from catalog.ledger.db import reachable


@dataclass(frozen=True)
class PublishedRecord:
    iri: str
    kind: str
    number: int
    content: str  # canonical N-Triples


_BY_CODE = (
    select(col(Record.iri), col(Record.kind), col(Version.number), col(Version.content))
    .join(Version, (col(Version.record_id) == col(Record.id))
          & (col(Version.number) == col(Record.published_version)))
    .where(col(Record.kind) == bindparam("kind"), col(Record.code) == bindparam("code"))
)


def published(ledger: Ledger, kind: str, code: str) -> PublishedRecord | None:
    """The published version of the record of ``kind`` with ``code`` (None: no such record, or
    none published), whatever its IRI (a harvested record keeps the one it came with)."""
    with reachable(), ledger.engine.connect() as conn:
        row = conn.execute(_BY_CODE, {"kind": kind, "code": code}).first()
    return None if row is None else PublishedRecord(row[0], row[1], int(row[2]), row[3])
