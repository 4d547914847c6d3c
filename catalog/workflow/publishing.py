"""The one governed write path: drafts, review, publication and withdrawal of records of every
kind, and bulk imports, each by a principal (a token holder, an operator, the loader, a source).

The ledger holds the state changes (new versions, publish, withdraw, status moves); this module
owns the policy: who may act (:mod:`catalog.workflow.access`), the workflow's allowed moves
(:mod:`catalog.workflow.states`), the transition row and the audit entry of every change. Each
write is ONE transaction holding the new version or status, its transition, its audit entry
and (through ``on_commit``) the stored answer of an idempotent request, so none of them exists
without the others. Every write names the version it changes (an ETag, checked again under the
record's lock), only published versions reach the projections, and the ownership rule is
applied to the stored record and to the new one.

A :class:`Publishing` is bound to one kind (``service`` by default) for the writes addressed by
code; :meth:`Publishing.import_records` takes records of every kind.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from catalog import rdfio
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
from catalog.intake.readers import Unreadable
from catalog.ledger import (
    Appended,
    Institution,
    NewVersion,
    Record,
    Version,
    audit,
    concurrent_write,
)
from catalog.ledger.audit import AuditLog
from catalog.ledger.db import read_session, write_session
from catalog.messages import Localized
from catalog.records import RecordDraft
from catalog.records.codes import CodeLookup
from catalog.records.kinds import RecordKind
from catalog.workflow.access import Principal, Role, require_edit, require_review
from catalog.workflow.bulk import Checked, Importer, ImportReport, OnAck, OnWrite, Writable
from catalog.workflow.states import TRANSITIONS, Transition, VersionState, version_etag

if TYPE_CHECKING:
    from catalog.core import Catalog

#: Called inside a write's transaction with the resulting state (stores an idempotent answer).
OnCommit = Callable[[Session, VersionState], None]
_VERBS = {"submitted": "submit", "published": "publish", "withdrawn": "withdraw",
          "draft": "reject"}


class Publishing:
    def __init__(self, catalog: Catalog, kind: str | RecordKind = "service") -> None:
        self.catalog = catalog
        self.engine = catalog.engine
        self.kind = catalog.kinds[kind] if isinstance(kind, str) else kind
        self.audit = AuditLog(catalog.engine)

    # reads ------------------------------------------------------------------------
    def state(self, code: str) -> VersionState:
        with read_session(self.engine) as s:
            return self._state(s, code)[2]

    def _record(self, s: Session, code: str, lock: bool = False) -> Record:
        stmt = select(Record).where(Record.kind == self.kind.name, Record.code == code)
        rec = s.exec(stmt.with_for_update() if lock else stmt).first()
        if rec is None:
            raise NotFound.of("record.no_such", field="code", value=code,
                              kind=Localized(self.kind.labels))
        return rec

    def _state(self, s: Session, code: str, lock: bool = False
               ) -> tuple[Record, Version, VersionState]:
        rec = self._record(s, code, lock)
        v = self.catalog.ledger.version_in(s, rec, rec.latest_version)
        return rec, v, self._view(s, rec, v)

    @staticmethod
    def _view(s: Session, rec: Record, v: Version) -> VersionState:
        owner = s.get(Institution, rec.institution_id) if rec.institution_id else None
        return VersionState(rec.code or rec.iri, rec.iri, v.number, v.status, v.content_hash,
                            rec.published_version, owner.iri if owner else None)

    def history(self, code: str) -> list[Transition]:
        with read_session(self.engine) as s:
            rec = self._record(s, code)
            return list(s.exec(select(Transition).where(Transition.record_id == rec.id)
                               .order_by(col(Transition.id))))

    @staticmethod
    def check_etag(etag: str, number: int, if_match: str | None) -> None:
        if not if_match:
            raise PreconditionRequired.of("publish.if_match_required", field="If-Match",
                                          expected=etag, etag=etag)
        if etag not in (t.strip() for t in if_match.split(",")):
            raise PreconditionFailed.of("publish.if_match_stale", field="If-Match",
                                        value=if_match, expected=etag, number=number, etag=etag)

    # writes -----------------------------------------------------------------------
    def create(self, principal: Principal, draft: RecordDraft, *, reason: str | None = None,
               on_commit: OnCommit | None = None) -> VersionState:
        if not draft.code:
            example = self.kind.code_example or "a code"
            raise InvalidInput.of(
                "publish.no_code", field="code", expected=f"a code such as {example}",
                kind=self._words("înregistrarea", "запись типа"),
                predicate=self.kind.code_predicate, example=example)
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
              reason: str | None = None, on_commit: OnCommit | None = None,
              codes: CodeLookup | None = None) -> VersionState:
        """A JSON Merge Patch (RFC 7396) of the latest version's plain JSON (short codes of
        coded fields become IRIs through ``codes``)."""
        from catalog.intake.checks import check_record
        from catalog.intake.readers import draft_from_data

        with self._refusals(principal, "patch", code):
            current = self.state(code)
            require_edit(principal, current.authority, code)
            self.check_etag(current.etag, current.number, if_match)
            base = self.catalog.ledger.version(current.iri, current.number)
            merged = merge_patch(self.kind.to_json(current.iri,
                                                   rdfio.parse_canonical(base.content)), patch)
            if isinstance(merged, dict) and merged.get("code") != code:
                raise InvalidInput.of("publish.code_patched", field="code",
                                      value=merged.get("code"), expected=code,
                                      kind=self._words("unei înregistrări", "записи типа"))
            settings = self.catalog.settings
            draft = draft_from_data(self.kind, merged, settings.base_uri, codes=codes)
            check_record(draft, settings)
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
            self.catalog.project_after_commit()
        return state

    def import_records(self, principal: Principal,
                       items: Iterable[RecordDraft | Checked | Unreadable], *, atomic: bool,
                       publish: bool, reason: str | None = None, batch_size: int = 200,
                       on_ack: OnAck | None = None, keep: int | None = None,
                       report: ImportReport | None = None,
                       also: OnWrite | None = None) -> ImportReport:
        """A bulk import of records of any kind: drafts by default; published at once by a
        reviewer, an admin, an operator or the loader. Reference data needs an admin.
        ``also`` writes more rows in each batch's transaction (a sync run's cursor)."""
        if publish:
            with self._refusals(principal, "import", None):
                require_review(principal, "import")

        def authorize(draft: Writable) -> None:
            with self._refusals(principal, "import", draft.code or draft.iri):
                kind = self.catalog.kinds[draft.kind]
                self._check_family(kind, draft)
                if kind.reference:
                    if principal.role is not Role.ADMIN:
                        raise Forbidden.of(
                            "publish.reference_admin", field="kind", value=draft.kind,
                            expected=", ".join(k.name for k in self.catalog.kinds
                                               if not k.reference), iri=draft.iri)
                    return
                if principal.role is Role.ADMIN:  # may edit any record: no owner to look up
                    return
                stored = self._owner(draft.iri)
                if stored is not None:
                    require_edit(principal, stored, draft.code or draft.iri)
                require_edit(principal, draft.authority, draft.code or draft.iri)

        def on_write(s: Session, written: list[tuple[NewVersion, Appended]]) -> None:
            created = [(nv, ap) for nv, ap in written if ap.created]
            if created:  # a transition and an audit entry for each, a statement for each table
                at = datetime.now(UTC)
                s.execute(insert(Transition), [
                    {"record_id": ap.record_id, "version_number": ap.number,
                     "from_status": None, "to_status": "published" if publish else "draft",
                     "author": principal.name, "reason": reason, "at": at}
                    for _nv, ap in created])
                audit.add_all(s, principal.actor, "import", [
                    (nv.code or nv.iri, ap.number, _import_detail(nv, publish))
                    for nv, ap in created])
            if also is not None:
                also(s, written)

        importer = Importer(self.catalog, author=principal.name, publish=publish,
                            authorize=authorize, on_write=on_write, on_ack=on_ack)
        try:
            return importer.run(items, atomic=atomic, batch_size=batch_size, keep=keep,
                                report=report)
        except InvalidRecord as exc:  # all or nothing: a refusal of rights is a 403
            refused = [o.error for o in (exc.outcomes.rejected if exc.outcomes else [])
                       if isinstance(o.error, Forbidden)]
            if refused:
                first = refused[0]
                who = principal.institution or principal.name
                raise Forbidden.of(
                    "publish.import_refused", field=first.field, value=first.value,
                    expected=first.expected, count=len(refused), who=who,
                    first=Localized(first.messages)) from exc
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
                        raise Conflict.of("record.exists", field="code", value=code,
                                          kind=Localized(self.kind.labels))
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
        ledger = self.catalog.ledger
        rec, latest, _state = self._state(s, code, lock=True)
        assert rec.id is not None
        if to == "withdrawn":
            if rec.published_version is None:
                raise Conflict.of("publish.not_published", field="status", value=latest.status,
                                  expected="published", kind=Localized(self.kind.labels),
                                  code=code)
            target = ledger.version_in(s, rec, rec.published_version)
        else:
            target = latest
        self.check_etag(version_etag(rec.code or rec.iri, target.number, target.status,
                                     target.content_hash), target.number, if_match)
        if to not in TRANSITIONS.get(target.status, frozenset()):
            allowed = " or ".join(sorted(TRANSITIONS.get(target.status, ()))) or "a new version"
            version = Localized({"en": f"a {target.status} {self.kind.labels['en']} version",
                                 "ro": f"o versiune în starea {target.status}",
                                 "ru": f"версия в состоянии {target.status}"})
            raise Conflict.of("publish.bad_move", field="status", value=target.status,
                              expected=allowed, version=version, to=to)
        from_status = target.status
        if to == "published":
            ledger.publish_in(s, rec, target, principal.name)
        elif to == "withdrawn":
            ledger.withdraw_in(s, rec, principal.name)
        else:
            ledger.set_status_in(s, rec, target, to)
        s.add(Transition(record_id=rec.id, version_number=target.number,
                         from_status=from_status, to_status=to, author=principal.name,
                         reason=reason))
        audit.add(s, principal.actor, _VERBS[to], code, target.number,
                  detail={"reason": reason} if reason else None)
        s.flush()
        return self._state(s, code)[2]

    # helpers ----------------------------------------------------------------------
    def _words(self, ro: str, ru: str) -> Localized:
        """The kind as a message names it: its English label, ``ro`` in Romanian, and
        ``ru «label»`` in Russian (``запись типа «нормативный акт»``)."""
        labels = self.kind.labels
        return Localized({"en": labels["en"], "ro": ro,
                          "ru": f"{ru} «{labels.get('ru') or labels['en']}»"})

    def _check_family(self, kind: RecordKind, draft: Writable) -> None:
        """A record of a kind whose IRIs are minted from its code has that IRI (the national
        lists keep to the family: a passport named elsewhere would be in none); a variant
        (a harvested service) keeps the IRI its catalogue gave it."""
        if kind.variant_of is not None or not kind.iris.mintable or not draft.code:
            return
        expected = kind.iri(self.catalog.settings.base_uri, draft.code)
        if draft.iri != expected:
            raise InvalidInput.of("publish.other_record", field="iri", value=draft.iri,
                                  expected=expected, kind=Localized(kind.labels))

    def _check_draft(self, principal: Principal, draft: RecordDraft, code: str) -> None:
        expected = self.kind.iri(self.catalog.settings.base_uri, code)
        if draft.kind != self.kind.name or draft.iri != expected:
            raise InvalidInput.of("publish.other_record", value=draft.iri, expected=expected,
                                  kind=Localized(self.kind.labels))
        if draft.code != code:
            raise InvalidInput.of("publish.code_differs", field="code", value=draft.code,
                                  expected=code, code=code)
        require_edit(principal, draft.authority, code)
        report = self.catalog.validate(draft)
        if not report.conforms:
            noun = Localized({"en": "passport", "ro": "pașaportul", "ru": "паспорт"}) \
                if self.kind.name == "service" else \
                self._words(self.kind.labels["ro"], "запись типа")
            raise InvalidRecord.of("record.problems", report=report, value=code, kind=noun,
                                   count=len(report.violations))

    def _new_version(self, principal: Principal, draft: RecordDraft) -> NewVersion:
        canonical = draft.canonical()
        return NewVersion(iri=draft.iri, kind=draft.kind, code=draft.code,
                          institution_code=self.catalog.institution_code(draft.authority),
                          content=canonical, content_hash=rdfio.content_hash(canonical),
                          triple_count=len(draft.triples), author=principal.name, publish=False)

    def _owner(self, iri: str) -> str | None:
        """The organisation IRI of the institution that owns an existing record, if any."""
        return self.catalog.ledger.owner_of(iri)

    @contextmanager
    def _refusals(self, principal: Principal, action: str, target: str | None
                  ) -> Iterator[None]:
        """Refused attempts go to the audit log too (their own transaction wrote nothing)."""
        try:
            yield
        except Forbidden as exc:
            self.audit.refused(principal.actor, action, target, exc.to_dict())
            raise


def _import_detail(nv: NewVersion, publish: bool) -> dict[str, object]:
    """The audit detail of an imported version: the import's options and, for an adapter's
    version, its provenance (the source, run, key, location and time)."""
    detail: dict[str, object] = {"publish": publish, "kind": nv.kind}
    if nv.comment:
        detail["provenance"] = json.loads(nv.comment)
    return detail
