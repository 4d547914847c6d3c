"""Publishing use cases: drafts, review, publication and withdrawal of service passports.

Workflow: ``draft -> submitted -> published -> withdrawn`` (a new draft may follow any state).
Every write names the version it changes (an ETag), every transition is a ledger entry with
who, when and why, and only published versions reach the quad store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Field, Session, SQLModel, col, select

from catalog import rdfio
from catalog.access import Principal, require_edit, require_review
from catalog.core import Catalog
from catalog.db import read_session, write_session
from catalog.errors import (
    Conflict,
    InvalidInput,
    InvalidRecord,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
)
from catalog.ledger import Change, NewVersion, Record, Version
from catalog.records import RecordDraft

#: status -> statuses it may move to
TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"submitted"}),
    "submitted": frozenset({"published", "draft"}),
    "published": frozenset({"withdrawn"}),
    "withdrawn": frozenset(),
}


class Transition(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    record_id: int = Field(foreign_key="record.id")
    version_number: int
    from_status: str | None = None
    to_status: str = Field(max_length=16)
    author: str = Field(max_length=256)
    reason: str | None = None
    at: datetime = Field(default_factory=lambda: datetime.now(UTC))


@dataclass(frozen=True)
class VersionState:
    code: str
    iri: str
    number: int
    status: str
    content_hash: str
    published_version: int | None

    @property
    def etag(self) -> str:
        return f'"{self.code}.{self.number}.{self.content_hash[:16]}"'


class Publishing:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.engine = catalog.engine

    # reads ------------------------------------------------------------------------
    def state(self, code: str) -> VersionState:
        with read_session(self.engine) as s:
            return self._state(s, code)

    def _state(self, s: Session, code: str, lock: bool = False) -> VersionState:
        stmt = select(Record).where(Record.kind == "service", Record.code == code)
        rec = s.exec(stmt.with_for_update() if lock else stmt).first()
        if rec is None:
            raise NotFound(f"no service with code {code!r}",
                           message_ro=f"nu există serviciul cu codul {code!r}",
                           field="code", value=code)
        v = s.exec(select(Version).where(Version.record_id == rec.id,
                                         Version.number == rec.latest_version)).one()
        return VersionState(code, rec.iri, v.number, v.status, v.content_hash,
                            rec.published_version)

    def history(self, code: str) -> list[Transition]:
        with read_session(self.engine) as s:
            rec = s.exec(select(Record).where(Record.kind == "service", Record.code == code)
                         ).first()
            if rec is None:
                raise NotFound(f"no service with code {code!r}", field="code", value=code)
            return list(s.exec(select(Transition).where(Transition.record_id == rec.id)
                               .order_by(col(Transition.id))))

    @staticmethod
    def check_etag(state: VersionState, if_match: str | None) -> None:
        if not if_match:
            raise PreconditionRequired(
                f"say which version you change: send If-Match: {state.etag}",
                message_ro=f"indicați versiunea modificată: trimiteți If-Match: {state.etag}",
                field="If-Match", expected=state.etag,
            )
        if if_match.strip() not in (state.etag, "*"):
            raise PreconditionFailed(
                f"version {state.number} is now the latest ({state.etag}); read it and retry",
                message_ro=f"versiunea {state.number} este acum cea mai recentă; citiți-o și "
                "reîncercați",
                field="If-Match", value=if_match, expected=state.etag,
            )

    # writes -----------------------------------------------------------------------
    def _checked_draft(self, principal: Principal, draft: RecordDraft, code: str) -> None:
        expected = self.catalog.service_iri(code)
        if draft.kind != "service" or draft.iri != expected:
            raise InvalidInput(
                f"the document must describe the service {expected}, not {draft.iri}",
                message_ro=f"documentul trebuie să descrie serviciul {expected}",
                value=draft.iri, expected=expected)
        if draft.code != code:
            raise InvalidInput(f"dct:identifier is {draft.code!r}, the code is {code!r}",
                               field="code", value=draft.code, expected=code)
        require_edit(principal, draft.authority, f"the passport {code}")
        report = self.catalog.validate(draft)
        if not report.conforms:
            raise InvalidRecord(
                f"the passport {code} has {len(report.violations)} problem(s); nothing was "
                "stored",
                report=report,
                message_ro=f"pașaportul {code} are {len(report.violations)} problem(e); nu s-a "
                "salvat nimic",
            )

    def _new_version(self, principal: Principal, draft: RecordDraft) -> NewVersion:
        canonical = draft.canonical()
        return NewVersion(iri=draft.iri, kind="service", code=draft.code,
                          institution_code=self.catalog.institution_code(draft.authority),
                          content=canonical, content_hash=rdfio.content_hash(canonical),
                          triple_count=len(draft.triples), author=principal.name, publish=False)

    def create(self, principal: Principal, drafts: list[RecordDraft], code: str,
               reason: str | None = None) -> VersionState:
        draft = self._single(drafts)
        self._checked_draft(principal, draft, code)
        if self.catalog.ledger.record_iri("service", code) is not None:
            raise Conflict(f"a service with code {code!r} exists; replace it with PUT",
                           message_ro=f"serviciul cu codul {code!r} există deja",
                           field="code", value=code)
        self.catalog.ledger.append([self._new_version(principal, draft)])
        return self._record_transition(code, None, "draft", principal, reason)

    def replace(self, principal: Principal, drafts: list[RecordDraft], code: str,
                if_match: str | None, reason: str | None = None) -> VersionState:
        draft = self._single(drafts)
        current = self.state(code)
        self._authorise_existing(principal, code)
        self.check_etag(current, if_match)
        self._checked_draft(principal, draft, code)
        with write_session(self.engine) as s:
            locked = self._state(s, code, lock=True)
            self.check_etag(locked, if_match)  # re-checked under the lock
        appended = self.catalog.ledger.append([self._new_version(principal, draft)])
        if not appended[0].created:
            return current
        return self._record_transition(code, None, "draft", principal, reason)

    def transition(self, principal: Principal, code: str, to: str, if_match: str | None,
                   reason: str | None = None) -> VersionState:
        if to in ("published", "withdrawn"):
            require_review(principal, f"the passport {code}")
        else:
            self._authorise_existing(principal, code)
        with write_session(self.engine) as s:
            state = self._state(s, code, lock=True)
            self.check_etag(state, if_match)
            if to not in TRANSITIONS[state.status]:
                raise Conflict(
                    f"a {state.status} passport cannot become {to}",
                    message_ro=f"un pașaport în starea {state.status} nu poate trece în {to}",
                    field="status", value=state.status,
                    expected=" or ".join(sorted(TRANSITIONS[state.status])) or "a new draft",
                )
            rec = s.exec(select(Record).where(Record.iri == state.iri)).one()
            ver = s.exec(select(Version).where(Version.record_id == rec.id,
                                               Version.number == state.number)).one()
            assert rec.id is not None
            ver.status = to
            s.add(ver)
            if to == "published":
                rec.published_version = state.number
                s.add(Change(record_id=rec.id, version_number=state.number, op="publish",
                             author=principal.name))
            elif to == "withdrawn":
                rec.published_version = None
                s.add(Change(record_id=rec.id, version_number=None, op="withdraw",
                             author=principal.name))
            s.add(rec)
            s.add(Transition(record_id=rec.id, version_number=state.number,
                             from_status=state.status, to_status=to, author=principal.name,
                             reason=reason))
        self.catalog.project()
        return self.state(code)

    # helpers ----------------------------------------------------------------------
    @staticmethod
    def _single(drafts: list[RecordDraft]) -> RecordDraft:
        if len(drafts) != 1:
            raise InvalidInput(
                f"a passport document must describe exactly one service, not {len(drafts)} "
                "records",
                message_ro="documentul trebuie să descrie exact un serviciu",
                value=[d.iri for d in drafts][:5], expected="one cpsv:PublicService and its "
                "own resources (IRIs under the service IRI, or blank nodes)")
        return drafts[0]

    def _authorise_existing(self, principal: Principal, code: str) -> None:
        """The stored passport's authority decides, not the one a request claims."""
        iri = self.catalog.service_iri(code)
        triples = rdfio.parse_canonical(self.catalog.ledger.version(iri).content)
        authority = RecordDraft(iri, "service", triples).authority
        require_edit(principal, authority, f"the passport {code}")

    def _record_transition(self, code: str, from_status: str | None, to: str,
                           principal: Principal, reason: str | None) -> VersionState:
        with write_session(self.engine) as s:
            state = self._state(s, code)
            rec = s.exec(select(Record).where(Record.iri == state.iri)).one()
            assert rec.id is not None
            s.add(Transition(record_id=rec.id, version_number=state.number,
                             from_status=from_status, to_status=to, author=principal.name,
                             reason=reason))
        return self.state(code)
