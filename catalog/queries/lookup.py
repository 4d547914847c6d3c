"""One published record by its IRI, in one read of the ledger: the record's published version
number and content. For surfaces that answer one record at a time under a latency target (the
SOAP service's ``GetService``), where the history's reads (every version, every transition)
are more than is asked."""

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


_BY_IRI = (
    select(col(Record.iri), col(Record.kind), col(Version.number), col(Version.content))
    .join(Version, (col(Version.record_id) == col(Record.id))
          & (col(Version.number) == col(Record.published_version)))
    .where(col(Record.iri) == bindparam("iri"))
)


def published(ledger: Ledger, iri: str) -> PublishedRecord | None:
    """The published version of the record ``iri`` (None: no such record, or none published)."""
    with reachable(), ledger.engine.connect() as conn:
        row = conn.execute(_BY_IRI, {"iri": iri}).first()
    return None if row is None else PublishedRecord(row[0], row[1], int(row[2]), row[3])
