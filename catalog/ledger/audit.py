"""The audit log: every write, and every refused attempt to write, with who, what and when.

Entries of a write are added in the same transaction as the write itself (:func:`add`), so a
change is never without its entry and an entry never without its change. A refused attempt
(403) is recorded on its own (:meth:`AuditLog.refused`), since its transaction wrote nothing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert
from sqlmodel import Field, Session, SQLModel, col, select

from catalog.ledger.db import read_session, write_session


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    actor: str = Field(max_length=256)
    institution: str | None = Field(default=None, max_length=32)
    role: str | None = Field(default=None, max_length=16)
    action: str = Field(max_length=32)
    target: str | None = Field(default=None, max_length=2048)
    version_number: int | None = None
    outcome: str = Field(max_length=16)  # ok | refused
    detail: str | None = None


@dataclass(frozen=True)
class Actor:
    """Who acts: a token's principal, or an operator of the command line."""

    name: str
    institution: str | None = None
    role: str | None = None


def add(s: Session, actor: Actor, action: str, target: str | None = None,
        version: int | None = None, *, outcome: str = "ok",
        detail: dict[str, Any] | None = None) -> None:
    """Add an entry inside the caller's write transaction."""
    s.add(AuditEntry(actor=actor.name, institution=actor.institution, role=actor.role,
                     action=action, target=target, version_number=version, outcome=outcome,
                     detail=json.dumps(detail, ensure_ascii=False, sort_keys=True)
                     if detail else None))


def add_all(s: Session, actor: Actor, action: str,
            entries: Sequence[tuple[str | None, int | None, dict[str, Any] | None]]) -> None:
    """Entries of one actor and action, each (target, version, detail), in one statement
    inside the caller's write transaction, in order (a batch of an import)."""
    if not entries:
        return
    at = datetime.now(UTC)
    s.execute(insert(AuditEntry), [
        {"at": at, "actor": actor.name, "institution": actor.institution, "role": actor.role,
         "action": action, "target": target, "version_number": version, "outcome": "ok",
         "detail": json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail else None}
        for target, version, detail in entries])


class AuditLog:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def refused(self, actor: Actor, action: str, target: str | None,
                detail: dict[str, Any]) -> None:
        with write_session(self.engine) as s:
            add(s, actor, action, target, outcome="refused", detail=detail)

    def entries(self, *, after: int = 0, limit: int = 100, actor: str | None = None,
                institution: str | None = None, target: str | None = None,
                action: str | None = None) -> list[AuditEntry]:
        """Entries in order, after the entry id ``after`` (a cursor), filtered."""
        stmt = select(AuditEntry).where(col(AuditEntry.id) > after)
        if actor:
            stmt = stmt.where(AuditEntry.actor == actor)
        if institution:
            stmt = stmt.where(AuditEntry.institution == institution)
        if target:
            stmt = stmt.where(AuditEntry.target == target)
        if action:
            stmt = stmt.where(AuditEntry.action == action)
        with read_session(self.engine) as s:
            return list(s.exec(stmt.order_by(col(AuditEntry.id)).limit(limit)))


def entry_dict(e: AuditEntry) -> dict[str, Any]:
    return {"id": e.id, "at": e.at.isoformat(), "actor": e.actor,
            "institution": e.institution, "role": e.role, "action": e.action,
            "target": e.target, "version": e.version_number, "outcome": e.outcome,
            "detail": json.loads(e.detail) if e.detail else None}
