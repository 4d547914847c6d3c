"""What the institutions' pages list: an institution's own records with the state of their
latest version, and the reviewers' queue (records whose latest version is submitted).

A line carries what a person needs to act: the code and title, the latest version and its
status, the published version, and the last move when it was a send-back (its reason, who,
when), so that the clerk reads why a submission came back. Nothing here decides who may see
what: the callers pass the institution (its own) or check the reviewer's role
(:mod:`catalog.workflow.access`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import and_, func
from sqlmodel import col, select

from catalog import rdfio
from catalog.ledger import Institution, Record, Version
from catalog.ledger.db import read_session
from catalog.records.kinds import RecordKind
from catalog.records.passport import Passport
from catalog.records.template import Entry
from catalog.workflow.states import Transition

if TYPE_CHECKING:
    from catalog.core import Catalog

#: most lines one listing shows
MAX_LINES = 2000


@dataclass(frozen=True)
class Move:
    """One transition as a person reads it."""

    version: int
    from_status: str | None
    to_status: str
    author: str
    reason: str | None
    at: datetime


@dataclass(frozen=True)
class RecordLine:
    code: str
    iri: str
    title: dict[str, str]
    institution: str
    latest_version: int
    status: str
    published_version: int | None
    updated_at: datetime
    sent_back: Move | None  # the last move, when it sent a submission back to draft
    submitted: Move | None  # the last submission of the latest version
    #: the nomenclature entry, when it changed after the last publication (review needed)
    review: Entry | None = None


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=UTC)


class Desk:
    """Listings of the records of one kind (service passports by default)."""

    def __init__(self, catalog: Catalog, kind: str | RecordKind = "service") -> None:
        self.catalog = catalog
        self.kind = catalog.kinds[kind] if isinstance(kind, str) else kind

    def of_institution(self, institution_id: int, *, offset: int = 0,
                       limit: int = MAX_LINES) -> list[RecordLine]:
        """The institution's records, drafts, submissions, published and withdrawn alike,
        most recently changed first: ``limit`` of them from the ``offset``-th."""
        return self._lines(col(Record.institution_id) == institution_id, offset,
                           min(limit, MAX_LINES))

    def states(self, institution_id: int) -> dict[str, int]:
        """How many of the institution's records are in each state (of their latest
        version)."""
        with read_session(self.catalog.engine) as s:
            rows = s.exec(
                select(Version.status, func.count())
                .join(Record, and_(col(Version.record_id) == col(Record.id),
                                   col(Version.number) == col(Record.latest_version)))
                .where(Record.kind == self.kind.name,
                       col(Record.institution_id) == institution_id)
                .group_by(col(Version.status))).all()
        return {str(status): int(n) for status, n in rows}

    def queue(self) -> list[RecordLine]:
        """Records whose latest version waits for a reviewer, the oldest submission first."""
        lines = self._lines(col(Version.status) == "submitted")
        return sorted(lines, key=lambda r: r.submitted.at if r.submitted else r.updated_at)

    def _lines(self, where: object, offset: int = 0,
               limit: int = MAX_LINES) -> list[RecordLine]:
        with read_session(self.catalog.engine) as s:
            rows = s.exec(
                select(Record, Version, Institution)
                .join(Version, and_(col(Version.record_id) == col(Record.id),
                                    col(Version.number) == col(Record.latest_version)))
                .join(Institution, col(Institution.id) == col(Record.institution_id),
                      isouter=True)
                .where(Record.kind == self.kind.name, where)  # type: ignore[arg-type]
                .order_by(col(Record.updated_at).desc(), col(Record.id).desc())
                .offset(offset).limit(limit)).all()
            ids = [rec.id for rec, _, _ in rows]
            moves: dict[int, list[Transition]] = {}
            for t in s.exec(select(Transition).where(col(Transition.record_id).in_(ids))
                            .order_by(col(Transition.id))):
                moves.setdefault(t.record_id, []).append(t)
        return [self._line(rec, v, inst, moves.get(rec.id or 0, [])) for rec, v, inst in rows]

    def _line(self, rec: Record, v: Version, inst: Institution | None,
              moves: list[Transition]) -> RecordLine:
        last = moves[-1] if moves else None
        sent_back = last if last and last.from_status == "submitted" \
            and last.to_status == "draft" else None
        submitted = next((t for t in reversed(moves) if t.to_status == "submitted"
                          and t.version_number == v.number), None)
        return RecordLine(
            code=rec.code or rec.iri, iri=rec.iri, title=self._title(rec.iri, v.content),
            institution=inst.code if inst else "", latest_version=v.number, status=v.status,
            published_version=rec.published_version, updated_at=_aware(rec.updated_at),
            sent_back=_move(sent_back), submitted=_move(submitted),
            review=self._review(rec, moves))

    def _review(self, rec: Record, moves: list[Transition]) -> Entry | None:
        """The entry the passport derives from, when it changed after the passport's last
        publication (its last review) and the passport is still published."""
        if self.kind.model is not Passport or rec.published_version is None or not rec.code:
            return None
        return review_needed(self.catalog, rec.code, moves)

    def _title(self, iri: str, content: str) -> dict[str, str]:
        mapping = self.kind.mapping
        if mapping is not None:
            try:
                model = mapping.from_triples(rdfio.parse_canonical(content), iri)
            except ValueError:
                model = None
            title = getattr(model, "title", None)
            if isinstance(title, dict) and title:
                return {str(k): str(t) for k, t in title.items()}
        return self.catalog.label(iri) or {}


def last_review(moves: list[Transition]) -> datetime | None:
    """When a record was last published (its last review), from its transitions."""
    return next((_aware(t.at) for t in reversed(moves) if t.to_status == "published"), None)


def review_needed(catalog: Catalog, code: str, moves: list[Transition]) -> Entry | None:
    """The nomenclature entry of the passport ``code`` when it changed after the passport's
    last publication, else None."""
    entry = catalog.entry(code)
    return entry if entry is not None and entry.changed_since(last_review(moves)) else None


def _move(t: Transition | None) -> Move | None:
    if t is None:
        return None
    return Move(t.version_number, t.from_status, t.to_status, t.author, t.reason, _aware(t.at))


def moves(catalog: Catalog, record_iri: str) -> list[Move]:
    """Every transition of a record, oldest first."""
    with read_session(catalog.engine) as s:
        rec = s.exec(select(Record).where(Record.iri == record_iri)).first()
        if rec is None:
            return []
        return [m for t in s.exec(select(Transition).where(Transition.record_id == rec.id)
                                  .order_by(col(Transition.id)))
                if (m := _move(t)) is not None]
