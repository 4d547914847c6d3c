"""The read side of a record's history: its versions, what was in force on a date, diffs.

Published versions (and those published once, then superseded or withdrawn) are public. Drafts
and submissions are read only by the owning institution and by reviewers. "In force on a date"
is the version published at the end of that day, in the catalogue's time zone. A
:class:`History` reads the records of one kind (service passports by default).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy import DateTime, Integer, String, column, text
from sqlmodel import Session, col, select

from catalog import rdfio
from catalog.errors import NotFound
from catalog.ledger import Change, Institution, Record, Version
from catalog.ledger.db import read_session
from catalog.messages import Localized
from catalog.records.diff import PASSPORT_FORM, Form, RecordDiff, diff_versions, form_of
from catalog.records.kinds import RecordKind
from catalog.records.passport import Passport, from_triples
from catalog.workflow.access import Principal
from catalog.workflow.states import version_etag

if TYPE_CHECKING:
    from catalog.core import Catalog


@dataclass(frozen=True)
class VersionView:
    """One version of a passport as a reader sees it."""

    code: str
    iri: str
    number: int
    status: str
    content: str  # "" in listings; filled for the version read
    content_hash: str
    author: str
    created_at: datetime
    public: bool  # published at some time
    published_at: datetime | None  # when it was first published
    authority: str | None
    #: where the version came from, when an adapter wrote it (source, run, key, location, time)
    provenance: dict[str, str] | None = None

    @property
    def etag(self) -> str:
        return version_etag(self.code, self.number, self.status, self.content_hash)

    def passport(self) -> Passport:
        return from_triples(rdfio.parse_canonical(self.content), self.iri)

    def model(self, kind: RecordKind) -> BaseModel | None:
        """The version's JSON model (None for a kind without one)."""
        if kind.mapping is None:
            return None
        record: BaseModel = kind.mapping.from_triples(rdfio.parse_canonical(self.content),
                                                      self.iri)
        return record

    def info(self) -> dict[str, object]:
        return {"version": self.number, "status": self.status, "hash": self.content_hash,
                "author": self.author, "created_at": self.created_at.isoformat(),
                "published_at": self.published_at.isoformat() if self.published_at else None,
                **({"provenance": self.provenance} if self.provenance else {})}


def _provenance(comment: str | None) -> dict[str, str] | None:
    """A version's provenance (the JSON object an adapter's write keeps as its comment)."""
    if not comment or not comment.startswith("{"):
        return None
    try:
        value = json.loads(comment)
    except ValueError:
        return None
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else None


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def _utc(t: datetime) -> datetime:
    """``t`` in UTC (a naive time from the ledger is UTC; PostgreSQL may give the session's
    zone to a plain statement)."""
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


#: the published version of a record with its owner and when that version was first published
_PUBLISHED = text(
    "SELECT r.iri, v.number, v.status, v.content, v.content_hash, v.author, v.created_at, "
    "i.iri, (SELECT c.at FROM change c WHERE c.record_id = r.id AND c.op = 'publish' "
    "AND c.version_number = v.number ORDER BY c.seq LIMIT 1) "
    "FROM record r JOIN version v ON v.record_id = r.id AND v.number = r.published_version "
    "LEFT JOIN institution i ON i.id = r.institution_id "
    "WHERE r.kind = :kind AND r.code = :code"
).columns(column("iri", String), column("number", Integer), column("status", String),
          column("content", String), column("content_hash", String), column("author", String),
          column("created_at", DateTime), column("owner", String), column("at", DateTime))


class History:
    def __init__(self, catalog: Catalog, timezone: str = "Europe/Chisinau",
                 kind: str | RecordKind = "service") -> None:
        self.catalog = catalog
        self.engine = catalog.engine
        self.zone = ZoneInfo(timezone)
        self.kind = catalog.kinds[kind] if isinstance(kind, str) else kind
        passport = self.kind.name == "service"
        #: the record in each language, and which variant of a message names it
        self._noun = Localized({"en": "passport", "ro": "pașaportul", "ru": "паспорт"}) \
            if passport else Localized({"en": self.kind.labels["en"], "ro": "înregistrarea",
                                        "ru": "запись"})
        self._variant = "passport" if passport else "record"

    def _record(self, s: Session, code: str) -> tuple[Record, str | None]:
        rec = s.exec(select(Record).where(Record.kind == self.kind.name, Record.code == code)
                     ).first()
        if rec is None or rec.id is None:
            raise self._no_record(code)
        owner = s.get(Institution, rec.institution_id) if rec.institution_id else None
        return rec, owner.iri if owner else None

    def _no_record(self, code: str) -> NotFound:
        if self.kind.name == "service":
            return NotFound.of("history.no_service", field="code", value=code)
        return NotFound.of("record.no_such", field="code", value=code,
                           kind=Localized(self.kind.labels))

    @staticmethod
    def _publications(s: Session, record_id: int) -> list[Change]:
        return list(s.exec(select(Change).where(Change.record_id == record_id)
                           .order_by(col(Change.seq))))

    def _views(self, s: Session, rec: Record, owner: str | None) -> list[VersionView]:
        assert rec.id is not None
        assert rec.code is not None
        code = rec.code
        first_published: dict[int, datetime] = {}
        for c in self._publications(s, rec.id):
            if c.op == "publish" and c.version_number is not None:
                first_published.setdefault(c.version_number, _aware(c.at))
        rows = s.exec(select(col(Version.number), col(Version.status),  # type: ignore[call-overload]
                             col(Version.content_hash), col(Version.author),
                             col(Version.created_at), col(Version.comment))
                      .where(Version.record_id == rec.id).order_by(col(Version.number))).all()
        return [VersionView(code, rec.iri, number, status, "", digest, author,
                            _aware(created), number in first_published,
                            first_published.get(number), owner, _provenance(comment))
                for number, status, digest, author, created, comment in rows]

    @staticmethod
    def _with_content(s: Session, rec: Record, view: VersionView) -> VersionView:
        content = s.exec(select(Version.content).where(Version.record_id == rec.id,
                                                       Version.number == view.number)).one()
        return replace(view, content=content)

    @staticmethod
    def _may_read_drafts(principal: Principal | None, authority: str | None) -> bool:
        return principal is not None and principal.can_read_drafts(authority)

    def versions(self, code: str, principal: Principal | None) -> list[VersionView]:
        """Every version the reader may see, oldest first."""
        with read_session(self.engine) as s:
            views = self._views(s, *self._record(s, code))
        if views and self._may_read_drafts(principal, views[0].authority):
            return views
        return [v for v in views if v.public]

    def read_published(self, code: str) -> VersionView | None:
        """The published version, as every reader gets it, in one plain statement (the read
        most asked for; :meth:`read` takes five ORM queries); None when there is none (then
        :meth:`read` says why)."""
        with read_session(self.engine) as s:
            row = s.connection().execute(_PUBLISHED, {"kind": self.kind.name, "code": code}
                                         ).first()
        if row is None:
            return None
        iri, number, status, content, digest, author, created, owner, published = row
        return VersionView(code, iri, number, status, content, digest, author, _utc(created),
                           True, _utc(published) if published else None, owner)

    def read(self, code: str, principal: Principal | None, *, version: int | None = None,
             latest: bool = False, as_of: date | datetime | None = None) -> VersionView:
        """The published version, version ``number``, the latest, or the one in force then."""
        with read_session(self.engine) as s:
            rec, owner = self._record(s, code)
            view = self._pick(s, rec, owner, principal, version, latest, as_of)
            return self._with_content(s, rec, view)

    def _pick(self, s: Session, rec: Record, owner: str | None, principal: Principal | None,
              version: int | None, latest: bool, as_of: date | datetime | None) -> VersionView:
        assert rec.id is not None
        assert rec.code is not None
        code = rec.code
        views = self._views(s, rec, owner)
        changes = self._publications(s, rec.id) if as_of is not None else []
        by_number = {v.number: v for v in views}
        # a reader who may not see drafts gets the same answer whether a draft exists or not
        private = not self._may_read_drafts(principal, owner)
        if as_of is not None:
            view = by_number.get(self._in_force(code, changes, as_of) or 0)
        elif latest:
            view = views[-1] if views else None
            if private and (view is None or not view.public):
                raise self._unseen(code, "latest")
        elif version is not None:
            view = by_number.get(version)
            if private and (view is None or not view.public):
                raise self._unseen(code, version)
            if view is None:
                raise NotFound.of("history.no_version", field="version", value=version,
                                  expected=f"1 to {len(views)}", record=self._noun, code=code)
        else:
            view = by_number.get(rec.published_version or 0)
            if view is None and private and not any(v.public for v in views):
                raise self._no_record(code)  # a draft only: as if there were no record
            if view is None:
                what = {**self.kind.labels, "en": "service", "ro": "serviciu"} \
                    if self.kind.name == "service" else self.kind.labels
                raise NotFound.of("core.not_published", field="code", value=code,
                                  kind=Localized(what))
        assert view is not None
        return view

    def _unseen(self, code: str, version: int | str) -> NotFound:
        """Version ``version`` of ``code`` for a reader who may not see drafts: one answer
        whether it is a draft or does not exist."""
        return NotFound.of(f"history.unpublished_{self._variant}", field="version",
                           value=version, code=code)

    def _in_force(self, code: str, changes: list[Change], when: date | datetime) -> int | None:
        if isinstance(when, datetime):
            cutoff = when if when.tzinfo else when.replace(tzinfo=self.zone)
            shown = when.isoformat()
        else:  # the end of that day, where the catalogue is
            cutoff = datetime.combine(when + timedelta(days=1), time(), tzinfo=self.zone)
            shown = when.isoformat()
        current: int | None = None
        withdrawn_at: datetime | None = None
        for c in changes:
            if _aware(c.at) >= cutoff:
                break
            current = c.version_number if c.op == "publish" else None
            withdrawn_at = _aware(c.at) if c.op == "withdraw" else None
        if current is None:
            if withdrawn_at:
                at = f"{withdrawn_at.astimezone(self.zone):%Y-%m-%d %H:%M}"
                why = Localized({"en": f"it was withdrawn on {at}", "ro": f"fusese retras la {at}",
                                 "ru": f"публикация отозвана {at}"})
            else:
                why = Localized({"en": "it was not yet published", "ro": "nu era încă publicat",
                                 "ru": "публикации ещё не было"})
            raise NotFound.of("history.not_in_force", field="as_of", value=shown,
                              record=self._noun, code=code, why=why)
        return current

    def diff(self, code: str, principal: Principal | None, old: int, new: int) -> RecordDiff:
        a = self.read(code, principal, version=old)
        b = self.read(code, principal, version=new)
        return diff_versions(a.number, b.number, a.model(self.kind), b.model(self.kind),
                             a.content, b.content, label=self.catalog.label, form=self._form())

    def _form(self) -> Form:
        if self.kind.name == "service" or self.kind.model is None:
            return PASSPORT_FORM
        iri_fields = getattr(self.kind.mapping, "iri_fields", ())
        return form_of(self.kind.model, self.kind.field_labels, iri_fields)
