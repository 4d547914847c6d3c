"""Subscribers to change notifications, kept in the ledger with their delivery cursor.

An admin registers a URL; the hub mints a signing secret (Standard Webhooks form, ``whsec_``
and 32 random bytes in base64), shown once to the admin and never again: listings carry no
secret, and only the notifier reads it (:meth:`Subscriptions.due`). The cursor is the last
change sequence number the subscriber has received (or that was none of its business); it
moves only after a delivery was acknowledged, so a restart resumes where delivery stopped and
an event is sent at least once. A failed delivery counts a failure and sets the time of the
next attempt (the caller's backoff); a success clears both.
"""

from __future__ import annotations

import base64
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import BigInteger, Column, Engine
from sqlmodel import Field, SQLModel, col, select

from catalog.errors import NotFound
from catalog.ledger import audit
from catalog.ledger.audit import Actor
from catalog.ledger.db import read_session, write_session


def _now() -> datetime:
    return datetime.now(UTC)


class Subscription(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=2048)
    secret: str = Field(max_length=128)
    kinds: str | None = Field(default=None, max_length=512)  # comma-separated; None: all
    description: str | None = Field(default=None, max_length=512)
    created_by: str = Field(max_length=256)
    created_at: datetime = Field(default_factory=_now)
    cursor: int = Field(sa_column=Column(BigInteger(), nullable=False))
    failures: int = 0
    next_attempt_at: float = 0.0
    last_error: str | None = Field(default=None, max_length=512)
    delivered: int = Field(default=0, sa_column=Column(BigInteger(), nullable=False))
    last_delivered_at: datetime | None = None


@dataclass(frozen=True)
class SubscriptionInfo:
    """A subscription as an admin sees it: everything but the secret."""

    id: int
    url: str
    kinds: tuple[str, ...] | None
    description: str | None
    created_by: str
    created_at: datetime
    cursor: int
    failures: int
    next_attempt_at: float
    last_error: str | None
    delivered: int
    last_delivered_at: datetime | None


@dataclass(frozen=True)
class Due:
    """What the notifier needs to deliver to one subscriber."""

    id: int
    url: str
    secret: str
    kinds: tuple[str, ...] | None
    cursor: int
    failures: int


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def _aware(t: datetime | None) -> datetime | None:
    return t if t is None or t.tzinfo else t.replace(tzinfo=UTC)


def _kinds(value: str | None) -> tuple[str, ...] | None:
    return tuple(value.split(",")) if value else None


def _info(row: Subscription) -> SubscriptionInfo:
    assert row.id is not None
    created = _aware(row.created_at)
    assert created is not None
    return SubscriptionInfo(row.id, row.url, _kinds(row.kinds), row.description,
                            row.created_by, created, row.cursor, row.failures,
                            row.next_attempt_at, row.last_error, row.delivered,
                            _aware(row.last_delivered_at))


class Subscriptions:
    """The subscriptions table; every method is one transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(self, url: str, *, created_by: str | Actor, cursor: int,
               kinds: Sequence[str] | None = None, description: str | None = None
               ) -> tuple[SubscriptionInfo, str]:
        """A new subscription receiving the changes after ``cursor``; and its secret. Made by
        an :class:`Actor`, it is in the audit log (``subscribe``, without the secret)."""
        secret = new_secret()
        actor = created_by if isinstance(created_by, Actor) else None
        row = Subscription(url=url, secret=secret, kinds=",".join(kinds) if kinds else None,
                           description=description, cursor=cursor,
                           created_by=actor.name if actor else str(created_by))
        with write_session(self.engine) as s:
            s.add(row)
            s.flush()
            s.refresh(row)
            info = _info(row)
            if actor is not None:
                audit.add(s, actor, "subscribe", f"subscription:{info.id}",
                          detail={"url": url, "kinds": list(kinds) if kinds else None,
                                  "after": cursor})
        return info, secret

    def all(self) -> list[SubscriptionInfo]:
        with read_session(self.engine) as s:
            return [_info(r) for r in s.exec(select(Subscription).order_by(
                col(Subscription.id)))]

    def get(self, subscription_id: int) -> SubscriptionInfo:
        with read_session(self.engine) as s:
            row = s.get(Subscription, subscription_id)
            if row is None:
                raise NotFound.of("notify.no_subscription", field="id", value=subscription_id)
            return _info(row)

    def delete(self, subscription_id: int, actor: Actor | None = None) -> None:
        with write_session(self.engine) as s:
            row = s.get(Subscription, subscription_id)
            if row is None:
                raise NotFound.of("notify.no_subscription", field="id", value=subscription_id)
            s.delete(row)
            if actor is not None:
                audit.add(s, actor, "unsubscribe", f"subscription:{subscription_id}",
                          detail={"url": row.url})

    def due(self, last_seq: int, now: float | None = None) -> list[Due]:
        """The subscribers with changes to receive whose next attempt is due."""
        now = time.time() if now is None else now
        with read_session(self.engine) as s:
            rows = s.exec(select(Subscription).where(
                col(Subscription.cursor) < last_seq,
                col(Subscription.next_attempt_at) <= now).order_by(col(Subscription.id)))
            return [Due(r.id, r.url, r.secret, _kinds(r.kinds), r.cursor, r.failures)
                    for r in rows if r.id is not None]

    def advance(self, subscription_id: int, cursor: int, *, sent: int) -> bool:
        """Move the cursor on (never back) after ``sent`` acknowledged deliveries; False when
        the subscription is gone."""
        with write_session(self.engine) as s:
            row = s.get(Subscription, subscription_id)
            if row is None:
                return False
            row.cursor = max(row.cursor, cursor)
            row.failures, row.next_attempt_at, row.last_error = 0, 0.0, None
            if sent:
                row.delivered += sent
                row.last_delivered_at = _now()
            s.add(row)
        return True

    def failed(self, subscription_id: int, error: str, retry_at: float) -> None:
        """Count a failed delivery and when to try again."""
        with write_session(self.engine) as s:
            row = s.get(Subscription, subscription_id)
            if row is None:
                return
            row.failures += 1
            row.next_attempt_at = retry_at
            row.last_error = error[:512]
            s.add(row)
