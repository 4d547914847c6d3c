"""The ledger, the source of truth: records, immutable versions, the change sequence.

A record is anything with its own named graph (a service passport, an organisation, a code
list, a legal act, a location). Each change of a record's content is a new immutable
``Version`` (canonical N-Triples and its SHA-256); each change of what is published appends a
``Change`` whose ``seq`` orders the projection into the quad store.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine, func, insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

from catalog.errors import Conflict, NotFound
from catalog.ledger.db import reachable, read_session, write_session

#: Version statuses of work in progress: a new version supersedes them.
OPEN_STATUSES: tuple[str, ...] = ("draft", "submitted")


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(t: datetime | None) -> datetime | None:
    return t if t is None or t.tzinfo else t.replace(tzinfo=UTC)


def concurrent_write() -> Conflict:
    return Conflict.of("ledger.concurrent_write")


class Institution(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True, index=True)
    iri: str = Field(max_length=2048, unique=True, index=True)
    name: str = Field(max_length=512)


class Record(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    iri: str = Field(max_length=2048, unique=True, index=True)
    kind: str = Field(max_length=32)
    code: str | None = Field(default=None, max_length=64)
    institution_id: int | None = Field(default=None, foreign_key="institution.id")
    latest_version: int = 0
    published_version: int | None = None
    created_at: datetime = Field(default_factory=_now)
    updated_at: datetime = Field(default_factory=_now)


class Version(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    record_id: int = Field(foreign_key="record.id")
    number: int
    status: str = Field(max_length=16)
    content: str
    content_hash: str = Field(max_length=64)
    triple_count: int
    author: str = Field(max_length=256)
    comment: str | None = None
    created_at: datetime = Field(default_factory=_now)


class Change(SQLModel, table=True):
    seq: int | None = Field(default=None, primary_key=True)
    record_id: int = Field(foreign_key="record.id")
    version_number: int | None = None
    op: str = Field(max_length=16)
    author: str = Field(max_length=256)
    at: datetime = Field(default_factory=_now)


@dataclass(frozen=True)
class NewVersion:
    """What a writer hands the ledger: one record's full content at a new version."""

    iri: str
    kind: str
    code: str | None
    institution_code: str | None
    content: str
    content_hash: str
    triple_count: int
    author: str
    comment: str | None = None
    publish: bool = True
    #: the record is an institution (its code is the institution's): its row is kept in step
    institution_name: str | None = None
    #: an import: content equal to the published version is no change either (re-importing
    #: an export leaves a draft under work alone)
    same_as_published_is_unchanged: bool = False


@dataclass(frozen=True)
class Appended:
    iri: str
    code: str | None
    number: int
    created: bool  # False: same content as the latest version, nothing written
    new_record: bool = False  # True: the record did not exist before
    #: the record's row (for rows written in the same transaction); not part of equality
    record_id: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class ChangeRow:
    seq: int
    iri: str
    kind: str
    op: str
    version_number: int | None
    content: str | None
    code: str | None = None
    at: datetime | None = None


@dataclass(frozen=True)
class VersionRow:
    iri: str
    kind: str
    code: str | None
    number: int
    status: str
    content: str
    content_hash: str
    author: str
    comment: str | None
    created_at: datetime


class Ledger:
    """Repository over the ledger tables; every method is one transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # institutions -----------------------------------------------------------------
    def ensure_institution(self, code: str, iri: str, name: str) -> None:
        with write_session(self.engine) as s:
            self._upsert_institution(s, code, iri, name)

    @staticmethod
    def _upsert_institution(s: Session, code: str, iri: str, name: str) -> None:
        found = s.exec(select(Institution).where(Institution.code == code)).first()
        if found is None:
            s.add(Institution(code=code, iri=iri, name=name))
        elif (found.iri, found.name) != (iri, name):
            found.iri, found.name = iri, name
            s.add(found)
        s.flush()

    def institutions(self) -> list[Institution]:
        with read_session(self.engine) as s:
            return list(s.exec(select(Institution).order_by(col(Institution.code))))

    # writes -----------------------------------------------------------------------
    def append(self, items: Sequence[NewVersion],
               also: Callable[[Session, list[Appended]], None] | None = None
               ) -> list[Appended]:
        """Append new versions for many records in one transaction (all or nothing);
        ``also`` writes more rows (transitions, audit entries) in the same transaction."""
        try:
            with write_session(self.engine) as s:
                appended = self.append_in(s, items)
                if also is not None:
                    also(s, appended)
                return appended
        except IntegrityError as exc:
            raise concurrent_write() from exc

    def append_in(self, s: Session, items: Sequence[NewVersion]) -> list[Appended]:
        """:meth:`append` inside the caller's write transaction (which also writes the
        workflow transitions and the audit entries of the same change)."""
        for item in items:
            if item.institution_name is not None and item.code:
                self._upsert_institution(s, item.code, item.iri, item.institution_name or item.code)
        inst_ids = {i.code: i.id for i in s.exec(select(Institution)) if i.id is not None}
        # records new to the ledger, each once in the batch (a bulk import): three bulk inserts
        once = Counter(item.iri for item in items)
        iris = list(once)
        known = {iri for start in range(0, len(iris), 500) for iri in s.exec(
            select(Record.iri).where(col(Record.iri).in_(iris[start:start + 500])))}
        fresh = [item for item in items if once[item.iri] == 1 and item.iri not in known]
        done = self._insert_new(s, fresh, inst_ids) if fresh else {}
        return [done.get(item.iri) or self._append_one(s, item, inst_ids) for item in items]

    @staticmethod
    def _insert_new(s: Session, fresh: Sequence[NewVersion], inst_ids: dict[str, int]
                    ) -> dict[str, Appended]:
        """Version 1 of records the ledger does not hold, as bulk inserts (a concurrent
        writer of the same IRI makes the transaction fail on the unique IRI: a conflict)."""
        now = _now()
        rows = [{"iri": i.iri, "kind": i.kind, "code": i.code, "latest_version": 1,
                 "institution_id": inst_ids.get(i.institution_code or ""),
                 "published_version": 1 if i.publish else None, "created_at": now,
                 "updated_at": now} for i in fresh]
        inserted = s.execute(insert(Record).returning(
            col(Record.id), col(Record.iri), sort_by_parameter_order=True), rows)
        ids: dict[str, int] = {iri: rid for rid, iri in inserted}
        s.execute(insert(Version), [
            {"record_id": ids[i.iri], "number": 1, "status": "published" if i.publish
             else "draft", "content": i.content, "content_hash": i.content_hash,
             "triple_count": i.triple_count, "author": i.author, "comment": i.comment,
             "created_at": now} for i in fresh])
        changes = [{"record_id": ids[i.iri], "version_number": 1, "op": "publish",
                    "author": i.author, "at": now} for i in fresh if i.publish]
        if changes:  # in the batch's order: the change sequence follows it
            s.execute(insert(Change), changes)
        return {i.iri: Appended(i.iri, i.code, 1, created=True, new_record=True,
                                record_id=ids[i.iri]) for i in fresh}

    @staticmethod
    def _append_one(s: Session, item: NewVersion, inst_ids: dict[str, int]) -> Appended:
        rec = s.exec(select(Record).where(Record.iri == item.iri).with_for_update()).first()
        now = _now()
        new_record = rec is None
        if rec is None:
            rec = Record(iri=item.iri, kind=item.kind, code=item.code, created_at=now)
        elif rec.kind != item.kind:
            raise Conflict.of("ledger.kind_mismatch", value=item.iri, stored=rec.kind,
                              sent=item.kind)
        else:
            latest = s.exec(
                select(Version).where(
                    Version.record_id == rec.id, Version.number == rec.latest_version
                )
            ).first()
            if (
                latest is not None
                and latest.content_hash == item.content_hash
                and (rec.published_version == latest.number or not item.publish)
            ):
                return Appended(item.iri, rec.code, latest.number, created=False,
                                record_id=rec.id)
            if item.same_as_published_is_unchanged and rec.published_version is not None:
                published = s.exec(select(Version.content_hash).where(
                    Version.record_id == rec.id,
                    Version.number == rec.published_version)).first()
                if published == item.content_hash:
                    return Appended(item.iri, rec.code, rec.published_version, created=False,
                                    record_id=rec.id)
            # a new version supersedes the open draft or submission, and, once published,
            # the version published before it
            for old in s.exec(select(Version).where(
                    Version.record_id == rec.id,
                    col(Version.status).in_(OPEN_STATUSES + (("published",) if item.publish
                                                             else ())))):
                old.status = "superseded"
                s.add(old)
        rec.institution_id = inst_ids.get(item.institution_code or "")
        rec.code = item.code
        rec.latest_version += 1
        rec.updated_at = now
        if item.publish:
            rec.published_version = rec.latest_version
        s.add(rec)
        s.flush()
        assert rec.id is not None
        s.add(
            Version(
                record_id=rec.id,
                number=rec.latest_version,
                status="published" if item.publish else "draft",
                content=item.content,
                content_hash=item.content_hash,
                triple_count=item.triple_count,
                author=item.author,
                comment=item.comment,
                created_at=now,
            )
        )
        if item.publish:
            s.add(Change(record_id=rec.id, version_number=rec.latest_version, op="publish",
                         author=item.author, at=now))
        s.flush()
        return Appended(item.iri, rec.code, rec.latest_version, created=True,
                        new_record=new_record, record_id=rec.id)

    # state changes of a version, inside the caller's write transaction ---------------------
    @staticmethod
    def version_in(s: Session, rec: Record, number: int) -> Version:
        return s.exec(select(Version).where(Version.record_id == rec.id,
                                            Version.number == number)).one()

    def publish_in(self, s: Session, rec: Record, target: Version, author: str) -> None:
        """``target`` becomes the published version (the one published before it is
        superseded), and the change is sequenced for the projections."""
        assert rec.id is not None
        if rec.published_version is not None and rec.published_version != target.number:
            old = self.version_in(s, rec, rec.published_version)
            old.status = "superseded"
            s.add(old)
        rec.published_version = target.number
        rec.updated_at = _now()
        target.status = "published"
        s.add_all([rec, target, Change(record_id=rec.id, version_number=target.number,
                                       op="publish", author=author)])
        s.flush()

    def withdraw_in(self, s: Session, rec: Record, author: str) -> Version:
        """The published version is withdrawn: the record leaves the published catalogue."""
        assert rec.id is not None
        assert rec.published_version is not None
        ver = self.version_in(s, rec, rec.published_version)
        ver.status = "withdrawn"
        rec.published_version = None
        rec.updated_at = _now()
        s.add_all([ver, rec, Change(record_id=rec.id, version_number=ver.number,
                                    op="withdraw", author=author)])
        s.flush()
        return ver

    @staticmethod
    def set_status_in(s: Session, rec: Record, target: Version, status: str) -> None:
        """A move that does not change what is published (submit, send back to draft)."""
        target.status = status
        rec.updated_at = _now()
        s.add_all([target, rec])
        s.flush()

    # reads ------------------------------------------------------------------------
    def last_seq(self) -> int:
        with read_session(self.engine) as s:
            return int(s.exec(select(func.coalesce(func.max(col(Change.seq)), 0))).one() or 0)

    def last_change_at(self) -> datetime | None:
        """When the published catalogue last changed."""
        with read_session(self.engine) as s:
            at = s.exec(select(func.max(col(Change.at)))).one()
        if at is None:
            return None
        return at if at.tzinfo else at.replace(tzinfo=UTC)

    def changes_after(self, seq: int, limit: int = 500) -> list[ChangeRow]:
        stmt = (
            select(col(Change.seq), col(Record.iri), col(Record.kind), col(Change.op),  # type: ignore[call-overload]
                   col(Change.version_number), col(Version.content), col(Record.code),
                   col(Change.at))
            .join(Record, col(Record.id) == col(Change.record_id))
            .outerjoin(
                Version,
                (col(Version.record_id) == col(Change.record_id))
                & (col(Version.number) == col(Change.version_number)),
            )
            .where(col(Change.seq) > seq)
            .order_by(col(Change.seq))
            .limit(limit)
        )
        with read_session(self.engine) as s:
            return [ChangeRow(seq, iri, kind, op, number, content, code, _aware(at))
                    for seq, iri, kind, op, number, content, code, at in s.exec(stmt)]

    @contextmanager
    def snapshot(self, batch: int = 200) -> Iterator[tuple[int, Iterator[tuple[str, str, str]]]]:
        """One consistent read of the published state: (last change seq, iterator of
        (iri, kind, content) by IRI), fetched in batches so memory stays flat.

        Both reads run in ONE transaction (repeatable read on PostgreSQL, a WAL snapshot on
        SQLite), so the records are exactly those published at that seq; iterate inside the
        ``with``.
        """
        with Session(self.engine) as s:
            s.connection(execution_options={"isolation_level": "REPEATABLE READ"}
                         if self.engine.dialect.name == "postgresql" else {})
            seq = int(s.exec(select(func.coalesce(func.max(col(Change.seq)), 0))).one() or 0)
            stmt = (select(Record.iri, Record.kind, Version.content)
                    .join(Version, (col(Version.record_id) == col(Record.id))
                          & (col(Version.number) == col(Record.published_version)))
                    .order_by(col(Record.iri))
                    .execution_options(yield_per=batch))
            rows = ((str(iri), str(kind), str(content)) for iri, kind, content in s.exec(stmt))
            yield seq, rows

    def published(self, *, kinds: Sequence[str] | None = None,
                  iris: Sequence[str] | None = None) -> dict[str, str]:
        """IRI -> content of the published version of every record (of ``kinds``, or among
        ``iris``, when given): for rebuilds, checks and the reference index."""
        return {iri: content for iri, (_kind, content)
                in self.published_records(kinds=kinds, iris=iris).items()}

    def published_records(self, *, kinds: Sequence[str] | None = None,
                          iris: Sequence[str] | None = None) -> dict[str, tuple[str, str]]:
        """IRI -> (kind, content) of the published version of every record (of ``kinds``, or
        among ``iris``, when given)."""
        stmt = select(Record.iri, Record.kind, Version.content).join(
            Version,
            (col(Version.record_id) == col(Record.id))
            & (col(Version.number) == col(Record.published_version)),
        )
        if kinds is not None:
            stmt = stmt.where(col(Record.kind).in_(kinds))
        if iris is not None:
            stmt = stmt.where(col(Record.iri).in_(iris))
        with read_session(self.engine) as s:
            return {iri: (kind, content) for iri, kind, content in s.exec(stmt).all()}

    def published_iris(self, kind: str) -> list[str]:
        """IRIs of the published records of one kind, without their content."""
        stmt = select(Record.iri).where(Record.kind == kind,
                                        col(Record.published_version).is_not(None))
        with read_session(self.engine) as s:
            return list(s.exec(stmt).all())

    def version(self, iri: str, number: int | None = None) -> VersionRow:
        """A record's version ``number``, or its published (else latest) one."""
        with read_session(self.engine) as s:
            rec = s.exec(select(Record).where(Record.iri == iri)).first()
            if rec is None:
                raise NotFound.of("ledger.no_record", value=iri)
            wanted = number or rec.published_version or rec.latest_version
            v = s.exec(
                select(Version).where(Version.record_id == rec.id, Version.number == wanted)
            ).first()
            if v is None:
                raise NotFound.of("ledger.no_version", value=wanted, iri=iri)
            return VersionRow(rec.iri, rec.kind, rec.code, v.number, v.status, v.content,
                              v.content_hash, v.author, v.comment, v.created_at)

    def existing(self, iris: Sequence[str]) -> set[str]:
        """Which of ``iris`` name records of the ledger (in any state)."""
        found: set[str] = set()
        with read_session(self.engine) as s:
            for start in range(0, len(iris), 500):
                chunk = list(iris[start:start + 500])
                found |= set(s.exec(select(Record.iri).where(col(Record.iri).in_(chunk))))
        return found

    def owner_of(self, iri: str) -> str | None:
        """The organisation IRI of the institution that owns the record ``iri`` ("" when it
        has none), or None when there is no such record. One plain query: a bulk import asks
        it for every record it writes."""
        query = (select(col(Record.id), col(Institution.iri))
                 .select_from(Record)
                 .outerjoin(Institution, col(Institution.id) == col(Record.institution_id))
                 .where(col(Record.iri) == iri))
        with reachable(), self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        return row[1] or ""

    def record_iri(self, kind: str, code: str) -> str | None:
        with read_session(self.engine) as s:
            rec = s.exec(select(Record).where(Record.kind == kind, Record.code == code)).first()
            return rec.iri if rec else None

    def versions(self, iri: str) -> list[VersionRow]:
        with read_session(self.engine) as s:
            rows = s.exec(
                select(Record, Version)
                .join(Version, col(Version.record_id) == col(Record.id))
                .where(Record.iri == iri)
                .order_by(col(Version.number))
            ).all()
            return [VersionRow(r.iri, r.kind, r.code, v.number, v.status, v.content,
                               v.content_hash, v.author, v.comment, v.created_at)
                    for r, v in rows]

    def counts(self) -> dict[str, int]:
        with read_session(self.engine) as s:
            rows = s.exec(select(Record.kind, func.count()).group_by(col(Record.kind))).all()
            return {k: int(n) for k, n in rows}
