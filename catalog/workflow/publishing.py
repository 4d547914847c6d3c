"""Publishing use cases: drafts, review, publication and withdrawal of service passports.

Each write is ONE transaction holding the new version or status, its workflow transition, its
audit entry and (through ``on_commit``) the stored answer of an idempotent request, so none of
them exists without the others. Every write names the version it changes (an ETag, checked
again under the record's lock), only published versions reach the quad store, and the
ownership rule of :mod:`catalog.access` is applied to the stored passport and to the new one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from catalog import rdfio
from catalog.core import Catalog, ImportReport
from catalog.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    InvalidRecord,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
)
from catalog.intake.merge_patch import merge_patch
from catalog.intake.readers import Unreadable, draft_of, passport_from_data
from catalog.ledger import Change, Institution, NewVersion, Record, Version, audit, concurrent_write
from catalog.ledger.audit import AuditLog
from catalog.ledger.db import read_session, write_session
from catalog.records import RecordDraft
from catalog.records.passport import from_triples
from catalog.workflow.access import Principal, Role, require_edit, require_review
from catalog.workflow.states import TRANSITIONS, Transition, VersionState, version_etag

#: Called inside a write's transaction with the resulting state (stores an idempotent answer).
OnCommit = Callable[[Session, VersionState], None]
_VERBS = {"submitted": "submit", "published": "publish", "withdrawn": "withdraw",
          "draft": "reject"}


class Publishing:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.engine = catalog.engine
        self.audit = AuditLog(catalog.engine)

    # reads ------------------------------------------------------------------------
    def state(self, code: str) -> VersionState:
        with read_session(self.engine) as s:
            return self._state(s, code)[2]

    def _state(self, s: Session, code: str, lock: bool = False
               ) -> tuple[Record, Version, VersionState]:
        stmt = select(Record).where(Record.kind == "service", Record.code == code)
        rec = s.exec(stmt.with_for_update() if lock else stmt).first()
        if rec is None:
            raise NotFound(f"no service with code {code!r}",
                           message_ro=f"nu există serviciul cu codul {code!r}",
                           field="code", value=code)
        v = s.exec(select(Version).where(Version.record_id == rec.id,
                                         Version.number == rec.latest_version)).one()
        owner = s.get(Institution, rec.institution_id) if rec.institution_id else None
        return rec, v, VersionState(code, rec.iri, v.number, v.status, v.content_hash,
                                    rec.published_version, owner.iri if owner else None)

    def history(self, code: str) -> list[Transition]:
        with read_session(self.engine) as s:
            rec = self._state(s, code)[0]
            return list(s.exec(select(Transition).where(Transition.record_id == rec.id)
                               .order_by(col(Transition.id))))

    @staticmethod
    def check_etag(etag: str, number: int, if_match: str | None) -> None:
        if not if_match:
            raise PreconditionRequired(
                f"say which version you change: send If-Match: {etag}",
                message_ro=f"indicați versiunea modificată: trimiteți If-Match: {etag}",
                field="If-Match", expected=etag,
            )
        if etag not in (t.strip() for t in if_match.split(",")):
            raise PreconditionFailed(
                f"If-Match does not name the current version: version {number} ({etag}) is; "
                "read it and retry",
                message_ro=f"If-Match nu indică versiunea curentă: aceasta este versiunea "
                f"{number} ({etag}); citiți-o și reîncercați",
                field="If-Match", value=if_match, expected=etag,
            )

    # writes -----------------------------------------------------------------------
    def create(self, principal: Principal, draft: RecordDraft, *, reason: str | None = None,
               on_commit: OnCommit | None = None) -> VersionState:
        if not draft.code:
            raise InvalidInput("the passport has no code: give it a dct:identifier such as "
                               "ASP-0001", message_ro="pașaportul nu are cod: dați-i un "
                               "dct:identifier, de ex. ASP-0001", field="code",
                               expected="a code such as ASP-0001")
        code = draft.code
        with self._refusals(principal, "create", code):
            self._check_draft(principal, draft, code)
            return self._write(principal, "create", code, draft, None, reason, on_commit)

    def replace(self, principal: Principal, code: str, draft: RecordDraft,
                if_match: str | None, *, reason: str | None = None,
                on_commit: OnCommit | None = None) -> VersionState:
        with self._refusals(principal, "replace", code):
            current = self.state(code)
            require_edit(principal, current.authority, code)
            self.check_etag(current.etag, current.number, if_match)
            self._check_draft(principal, draft, code)
            return self._write(principal, "replace", code, draft, if_match, reason, on_commit)

    def patch(self, principal: Principal, code: str, patch: Any, if_match: str | None, *,
              reason: str | None = None, on_commit: OnCommit | None = None) -> VersionState:
        """A JSON Merge Patch (RFC 7396) of the latest version's plain JSON."""
        with self._refusals(principal, "patch", code):
            current = self.state(code)
            require_edit(principal, current.authority, code)
            self.check_etag(current.etag, current.number, if_match)
            base = self.catalog.ledger.version(current.iri, current.number)
            passport = from_triples(rdfio.parse_canonical(base.content), current.iri)
            merged = merge_patch(passport.model_dump(mode="json", exclude_none=True), patch)
            if isinstance(merged, dict) and merged.get("code") != code:
                raise InvalidInput("the code of a passport cannot be patched",
                                   message_ro="codul unui pașaport nu poate fi modificat",
                                   field="code", value=merged.get("code"), expected=code)
            draft = draft_of(passport_from_data(merged), self.catalog.settings.base_uri)
            self._check_draft(principal, draft, code)
            return self._write(principal, "patch", code, draft, if_match, reason, on_commit)

    def transition(self, principal: Principal, code: str, to: str, if_match: str | None, *,
                   reason: str | None = None, on_commit: OnCommit | None = None
                   ) -> VersionState:
        verb = _VERBS[to]
        with self._refusals(principal, verb, code):
            current = self.state(code)
            if to == "submitted":
                require_edit(principal, current.authority, code)
            else:
                require_review(principal, verb, code)
            with write_session(self.engine) as s:
                state = self._move(s, principal, code, to, if_match, reason)
                if on_commit is not None:
                    on_commit(s, state)
        if to in ("published", "withdrawn"):
            self.catalog.project()
        return state

    def import_records(self, principal: Principal, items: Sequence[RecordDraft | Unreadable],
                       *, atomic: bool, publish: bool, reason: str | None = None
                       ) -> ImportReport:
        """A bulk import: drafts by default; published at once by a reviewer or admin."""
        if publish:
            with self._refusals(principal, "import", None):
                require_review(principal, "import")

        def authorize(draft: RecordDraft) -> None:
            with self._refusals(principal, "import", draft.code or draft.iri):
                if draft.kind != "service" and principal.role is not Role.ADMIN:
                    raise Forbidden(
                        f"only an admin imports reference data ({draft.kind} {draft.iri})",
                        message_ro=f"doar un administrator importă date de referință "
                        f"({draft.kind} {draft.iri})",
                        field="kind", value=draft.kind, expected="service")
                if draft.kind == "service":
                    stored = self._owner(draft.iri)
                    if stored is not None:
                        require_edit(principal, stored, draft.code or draft.iri)
                    require_edit(principal, draft.authority, draft.code or draft.iri)

        def on_write(s: Session, written: list[tuple[NewVersion, Any]]) -> None:
            for nv, ap in written:
                if not ap.created:
                    continue
                rec = s.exec(select(Record).where(Record.iri == nv.iri)).one()
                assert rec.id is not None
                s.add(Transition(record_id=rec.id, version_number=ap.number, from_status=None,
                                 to_status="published" if publish else "draft",
                                 author=principal.name, reason=reason))
                audit.add(s, principal.actor, "import", nv.code or nv.iri, ap.number,
                          detail={"publish": publish})

        try:
            return self.catalog.import_records(items, author=principal.name, atomic=atomic,
                                               publish=publish, authorize=authorize,
                                               on_write=on_write)
        except InvalidRecord as exc:  # all or nothing: a refusal of rights is a 403
            refused = [o.error for o in (exc.outcomes.rejected if exc.outcomes else [])
                       if isinstance(o.error, Forbidden)]
            if refused:
                first = refused[0]
                raise Forbidden(
                    f"{len(refused)} record(s) of this import may not be written by "
                    f"{principal.institution}; nothing was written (first: {first.message})",
                    message_ro=f"{len(refused)} înregistrări din acest import nu pot fi scrise "
                    f"de {principal.institution}; nu s-a scris nimic (prima: "
                    f"{first.message_ro})",
                    field=first.field, value=first.value, expected=first.expected) from exc
            raise

    # the transaction of a write -----------------------------------------------------
    def _write(self, principal: Principal, action: str, code: str, draft: RecordDraft,
               if_match: str | None, reason: str | None, on_commit: OnCommit | None
               ) -> VersionState:
        nv = self._new_version(principal, draft)
        try:
            with write_session(self.engine) as s:
                if action == "create":
                    if s.exec(select(Record).where(Record.iri == draft.iri)).first():
                        raise Conflict(
                            f"a service with code {code!r} exists; change it with PUT or PATCH",
                            message_ro=f"serviciul cu codul {code!r} există deja; modificați-l "
                            "cu PUT sau PATCH", field="code", value=code)
                else:
                    _rec, _ver, locked = self._state(s, code, lock=True)
                    self.check_etag(locked.etag, locked.number, if_match)  # under the lock
                    require_edit(principal, locked.authority, code)
                [ap] = self.catalog.ledger.append_in(s, [nv])
                rec, _ver, state = self._state(s, code)
                if ap.created:
                    assert rec.id is not None
                    s.add(Transition(record_id=rec.id, version_number=ap.number,
                                     from_status=None, to_status="draft",
                                     author=principal.name, reason=reason))
                    audit.add(s, principal.actor, action, code, ap.number,
                              detail={"reason": reason} if reason else None)
                if on_commit is not None:
                    on_commit(s, state)
                return state
        except IntegrityError as exc:
            raise concurrent_write() from exc

    def _move(self, s: Session, principal: Principal, code: str, to: str,
              if_match: str | None, reason: str | None) -> VersionState:
        rec, latest, _state = self._state(s, code, lock=True)
        assert rec.id is not None
        if to == "withdrawn":
            if rec.published_version is None:
                raise Conflict(f"the passport {code} is not published",
                               message_ro=f"pașaportul {code} nu este publicat",
                               field="status", value=latest.status, expected="published")
            target = s.exec(select(Version).where(Version.record_id == rec.id,
                                                  Version.number == rec.published_version)).one()
        else:
            target = latest
        self.check_etag(version_etag(code, target.number, target.status, target.content_hash),
                        target.number,
                        if_match)
        if to not in TRANSITIONS.get(target.status, frozenset()):
            allowed = " or ".join(sorted(TRANSITIONS.get(target.status, ()))) or "a new version"
            raise Conflict(
                f"a {target.status} passport version cannot become {to}",
                message_ro=f"o versiune în starea {target.status} nu poate trece în {to}",
                field="status", value=target.status, expected=allowed)
        if to == "published":
            if rec.published_version is not None:
                old = s.exec(select(Version).where(Version.record_id == rec.id,
                                                   Version.number == rec.published_version)
                             ).one()
                old.status = "superseded"
                s.add(old)
            rec.published_version = target.number
            s.add(Change(record_id=rec.id, version_number=target.number, op="publish",
                         author=principal.name))
        elif to == "withdrawn":
            rec.published_version = None
            s.add(Change(record_id=rec.id, version_number=target.number, op="withdraw",
                         author=principal.name))
        s.add(Transition(record_id=rec.id, version_number=target.number,
                         from_status=target.status, to_status=to, author=principal.name,
                         reason=reason))
        audit.add(s, principal.actor, _VERBS[to], code, target.number,
                  detail={"reason": reason} if reason else None)
        target.status = to
        s.add(target)
        s.add(rec)
        s.flush()
        return self._state(s, code)[2]

    # helpers ----------------------------------------------------------------------
    def _check_draft(self, principal: Principal, draft: RecordDraft, code: str) -> None:
        expected = self.catalog.service_iri(code)
        if draft.kind != "service" or draft.iri != expected:
            raise InvalidInput(
                f"the document must describe the service {expected}, not {draft.iri}",
                message_ro=f"documentul trebuie să descrie serviciul {expected}",
                value=draft.iri, expected=expected)
        if draft.code != code:
            raise InvalidInput(f"dct:identifier is {draft.code!r}, the code is {code!r}",
                               message_ro=f"dct:identifier este {draft.code!r}, codul este "
                               f"{code!r}", field="code", value=draft.code, expected=code)
        require_edit(principal, draft.authority, code)
        report = self.catalog.validate(draft)
        if not report.conforms:
            raise InvalidRecord(
                f"the passport {code} has {len(report.violations)} problem(s); nothing was "
                "stored",
                report=report,
                message_ro=f"pașaportul {code} are {len(report.violations)} problem(e); nu s-a "
                "salvat nimic",
                value=code,
            )

    def _new_version(self, principal: Principal, draft: RecordDraft) -> NewVersion:
        canonical = draft.canonical()
        return NewVersion(iri=draft.iri, kind="service", code=draft.code,
                          institution_code=self.catalog.institution_code(draft.authority),
                          content=canonical, content_hash=rdfio.content_hash(canonical),
                          triple_count=len(draft.triples), author=principal.name, publish=False)

    def _owner(self, iri: str) -> str | None:
        """The organisation IRI of the institution that owns an existing record, if any."""
        with read_session(self.engine) as s:
            rec = s.exec(select(Record).where(Record.iri == iri)).first()
            if rec is None:
                return None
            inst = s.get(Institution, rec.institution_id) if rec.institution_id else None
            return inst.iri if inst else ""

    @contextmanager
    def _refusals(self, principal: Principal, action: str, target: str | None
                  ) -> Iterator[None]:
        """Refused attempts go to the audit log too (their own transaction wrote nothing)."""
        try:
            yield
        except Forbidden as exc:
            self.audit.refused(principal.actor, action, target, exc.to_dict())
            raise
