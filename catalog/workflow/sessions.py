"""Browser sessions: a person's API token exchanged for a session, so pages can act for them.

A session is opened with a valid token and lives until it expires (``SEMCAT_SESSION_TTL_S``),
its holder logs out, or its token is revoked (a revoked token ends its sessions at once: every
read joins the token and checks it). The session id is random, handed to the browser once, and
stored only as its SHA-256; its CSRF token is derived from it (an HMAC keyed by the session id),
so it is never stored either and differs between sessions. Neither the token nor the session id
is ever logged.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete
from sqlmodel import Field, SQLModel, col, select

from catalog.ledger import Institution
from catalog.ledger.db import read_session, write_session
from catalog.workflow.access import Principal, Role, Token, Tokens


class BrowserSession(SQLModel, table=True):
    __tablename__ = "browser_session"

    id: int | None = Field(default=None, primary_key=True)
    id_hash: str = Field(max_length=64, unique=True, index=True)
    token_id: int = Field(foreign_key="token.id", index=True)
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Opened:
    """A session just opened: its id (for the cookie, shown only now) and who holds it."""

    session_id: str
    principal: Principal
    expires_at: datetime


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def csrf_token(session_id: str) -> str:
    """The CSRF token of a session: the same for the session's life, another for another."""
    return hmac.new(session_id.encode("utf-8"), b"semcat csrf", hashlib.sha256).hexdigest()


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=UTC)


class Sessions:
    """Opening, reading and closing browser sessions in the ledger."""

    def __init__(self, engine: Engine, ttl_s: float) -> None:
        self.engine, self.ttl = engine, timedelta(seconds=ttl_s)

    def open(self, token: str) -> Opened:
        """A session for the holder of ``token`` (Unauthenticated when it is unknown or
        revoked); expired sessions are cleared on the way."""
        principal = Tokens(self.engine).authenticate(token)
        session_id = "ss_" + secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        with write_session(self.engine) as s:
            s.execute(delete(BrowserSession).where(col(BrowserSession.expires_at) <= now))
            s.add(BrowserSession(id_hash=_digest(session_id), token_id=principal.token_id,
                                 created_at=now, expires_at=now + self.ttl))
        return Opened(session_id, principal, now + self.ttl)

    def principal(self, session_id: str) -> Principal | None:
        """Who holds the session, or None when it is unknown, expired or its token revoked."""
        if not session_id or len(session_id) > 128:
            return None
        with read_session(self.engine) as s:
            row = s.exec(select(BrowserSession, Token, Institution)
                         .join(Token, Token.id == BrowserSession.token_id)  # type: ignore[arg-type]
                         .join(Institution, Institution.id == Token.institution_id)  # type: ignore[arg-type]
                         .where(BrowserSession.id_hash == _digest(session_id))).first()
        if row is None:
            return None
        session, tok, inst = row
        if tok.revoked_at is not None or _aware(session.expires_at) <= datetime.now(UTC):
            return None
        assert tok.id is not None
        assert inst.id is not None
        return Principal(inst.code, inst.iri, Role(tok.role), tok.id, inst.id)

    def close(self, session_id: str) -> None:
        """End the session (logout); an unknown one is already ended."""
        with write_session(self.engine) as s:
            s.execute(delete(BrowserSession).where(
                col(BrowserSession.id_hash) == _digest(session_id)))

    def close_all(self, token_id: int) -> int:
        """End every session of a token (its revocation does it too); how many were open."""
        with write_session(self.engine) as s:
            result = s.execute(delete(BrowserSession).where(
                col(BrowserSession.token_id) == token_id))
            return int(getattr(result, "rowcount", 0) or 0)
