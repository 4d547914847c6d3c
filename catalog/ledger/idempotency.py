"""Idempotency keys: a retried request gets the first answer and changes nothing more.

A key is scoped to one institution. :meth:`Idempotency.begin` claims it in a transaction of its
own (so a concurrent retry sees the claim and gets :class:`KeyInFlight`); the write completes
the claim with its answer in the write's own transaction (:meth:`Idempotency.complete_in`), so
an acknowledged write and its stored answer commit together. A request that fails releases its
claim. A claim whose request died (no answer after :data:`IN_FLIGHT_S`) may be taken over;
answers are kept for :data:`KEEP_S`.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, select

from catalog.errors import CatalogError, Conflict, InvalidInput
from catalog.ledger.db import write_session
from catalog.ledger.leases import dead_here, process_holder

IN_FLIGHT_S = 60
KEEP_S = 24 * 3600
_KEY_RE = re.compile(r"[\x21-\x7e]{1,255}")


class KeyReused(CatalogError):
    """The key was used before for a different request."""

    code = "idempotency_key_reused"


class KeyInFlight(Conflict):
    """The first request with this key has not finished yet."""

    code = "idempotency_key_in_flight"


class IdempotencyRecord(SQLModel, table=True):
    __tablename__ = "idempotency"

    id: int | None = Field(default=None, primary_key=True)
    institution_id: int = Field(foreign_key="institution.id")
    key: str = Field(max_length=255)
    request_hash: str = Field(max_length=64)
    state: str = Field(max_length=16)  # in_flight | done
    status_code: int | None = None
    response: str | None = None
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    completed_at: datetime | None = None
    #: the process instance that holds an in-flight claim (a restarted server takes over the
    #: claims of a dead process of its host at once)
    holder: str | None = Field(default=None, max_length=256)


@dataclass(frozen=True)
class Claim:
    id: int


@dataclass(frozen=True)
class Replay:
    """The stored answer of the first request with this key."""

    status_code: int
    body: dict[str, Any]


def request_hash(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8") if isinstance(p, str) else p)
        h.update(b"\x00")
    return h.hexdigest()


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=UTC)


class Idempotency:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def begin(self, institution_id: int, key: str, digest: str) -> Claim | Replay:
        if not _KEY_RE.fullmatch(key):
            raise InvalidInput.of("idempotency.bad_key", field="Idempotency-Key",
                                  value=key[:60], expected="e.g. a UUID")
        now = datetime.now(UTC)
        try:
            with write_session(self.engine) as s:
                row = s.exec(select(IdempotencyRecord).where(
                    IdempotencyRecord.institution_id == institution_id,
                    IdempotencyRecord.key == key).with_for_update()).first()
                if row is not None and self._expired(row, now):
                    s.delete(row)
                    s.flush()
                    row = None
                if row is None:
                    row = IdempotencyRecord(institution_id=institution_id, key=key,
                                            request_hash=digest, state="in_flight",
                                            created_at=now, holder=process_holder())
                    s.add(row)
                    s.flush()
                    assert row.id is not None
                    return Claim(row.id)
                if row.request_hash != digest:
                    raise KeyReused.of("idempotency.reused", field="Idempotency-Key",
                                       value=key)
                if row.state == "done" and row.status_code is not None:
                    return Replay(row.status_code, json.loads(row.response or "{}"))
                if now - _aware(row.created_at) < timedelta(seconds=IN_FLIGHT_S) \
                        and not dead_here(row.holder):
                    raise KeyInFlight.of("idempotency.in_flight", field="Idempotency-Key",
                                         value=key)
                # the first request died (or the process that ran it): this one takes over
                row.created_at, row.holder = now, process_holder()
                s.add(row)
                assert row.id is not None
                return Claim(row.id)
        except IntegrityError as exc:  # two first requests raced to claim the key
            raise KeyInFlight.of("idempotency.raced", field="Idempotency-Key",
                                 value=key) from exc

    @staticmethod
    def _expired(row: IdempotencyRecord, now: datetime) -> bool:
        done = row.completed_at
        return done is not None and now - _aware(done) > timedelta(seconds=KEEP_S)

    @staticmethod
    def complete_in(s: Session, claim: Claim, status_code: int, body: dict[str, Any]) -> None:
        """Store the answer, inside the write's own transaction."""
        row = s.get(IdempotencyRecord, claim.id)
        assert row is not None
        row.state, row.status_code = "done", status_code
        row.response = json.dumps(body, ensure_ascii=False)
        row.completed_at = datetime.now(UTC)
        s.add(row)

    def complete(self, claim: Claim, status_code: int, body: dict[str, Any]) -> None:
        """Store the answer in a transaction of its own (for writes that take several)."""
        with write_session(self.engine) as s:
            self.complete_in(s, claim, status_code, body)

    def release(self, claim: Claim) -> None:
        """Forget a claim whose request failed: the key may be used again."""
        with write_session(self.engine) as s:
            row = s.get(IdempotencyRecord, claim.id)
            if row is not None and row.state == "in_flight":
                s.delete(row)
