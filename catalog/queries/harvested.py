"""The published records of a variant kind (``harvested-service``: another country's or
region's services), listed apart from the national passports they share a class with.

They are read from the ledger by kind, not from the quad store by class: the national lists
(:mod:`catalog.queries.browse`) keep to the national IRI family, and these keep to the kind,
so a record is in exactly one of them. One page is one ledger read (IRIs after a cursor, with
the published versions' contents); each record's titles, owner (the harvesting institution)
and the source's own competent authority are read from its content.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from sqlalchemy import bindparam, func, select
from sqlmodel import col

from catalog import rdfio
from catalog.errors import InvalidInput
from catalog.ledger import Ledger, Record, Version
from catalog.ledger.db import reachable
from catalog.namespaces import CV, DCT
from catalog.records.kinds import RecordKind

#: the largest page
MAX_PAGE = 500

_PAGE = (
    select(col(Record.iri), col(Record.code), col(Version.content))
    .join(Version, (col(Version.record_id) == col(Record.id))
          & (col(Version.number) == col(Record.published_version)))
    .where(col(Record.kind) == bindparam("kind"), col(Record.iri) > bindparam("after"))
    .order_by(col(Record.iri))
    .limit(bindparam("limit"))
)
_COUNT = (select(func.count()).select_from(Record)
          .where(col(Record.kind) == bindparam("kind"),
                 col(Record.published_version).is_not(None)))


@dataclass(frozen=True)
class HarvestedItem:
    iri: str
    code: str | None
    title: dict[str, str]  # by language tag, as the source wrote it (it, et, fi, nl ...)
    publisher: str | None  # the hub institution that harvested it
    competent_authority: str | None  # the source's own

    def to_dict(self) -> dict[str, Any]:
        return {"iri": self.iri, "code": self.code, "title": self.title,
                "publisher": self.publisher, "competent_authority": self.competent_authority}


@dataclass(frozen=True)
class HarvestedPage:
    items: list[HarvestedItem]
    total: int
    next_cursor: str | None


def _cursor_iri(cursor: str) -> str:
    try:
        iri = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        ox.NamedNode(iri)
    except ValueError as exc:
        raise InvalidInput("the cursor is not one this API gave", field="cursor",
                           message_ro="cursorul nu provine de la acest API", value=cursor,
                           expected="the `next` cursor of the previous page") from exc
    return iri


def _item(iri: str, code: str | None, content: str) -> HarvestedItem:
    root = ox.NamedNode(iri)
    title: dict[str, str] = {}
    publisher = authority = None
    for t in rdfio.parse_canonical(content):
        if t.subject != root:
            continue
        p, o = t.predicate.value, t.object
        if p == DCT + "title" and isinstance(o, ox.Literal):
            title.setdefault(o.language or "und", o.value)
        elif p == DCT + "publisher" and isinstance(o, ox.NamedNode):
            publisher = o.value
        elif p == CV + "hasCompetentAuthority" and isinstance(o, ox.NamedNode):
            authority = o.value
    return HarvestedItem(iri, code, title, publisher, authority)


def page(ledger: Ledger, kind: RecordKind, *, limit: int = 50,
         cursor: str | None = None) -> HarvestedPage:
    """One page of the published records of ``kind``, by IRI."""
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"limit: {limit} is out of range", field="limit", value=limit,
                           message_ro=f"limit: {limit} nu este în interval",
                           expected=f"1 to {MAX_PAGE}")
    after = _cursor_iri(cursor) if cursor else ""
    with reachable(), ledger.engine.connect() as conn:
        rows = conn.execute(_PAGE, {"kind": kind.name, "after": after,
                                    "limit": limit + 1}).all()
        total = int(conn.execute(_COUNT, {"kind": kind.name}).scalar_one())
    items = [_item(r[0], r[1], r[2]) for r in rows[:limit]]
    nxt = base64.urlsafe_b64encode(items[-1].iri.encode()).decode().rstrip("=") \
        if len(rows) > limit and items else None
    return HarvestedPage(items, total, nxt)
