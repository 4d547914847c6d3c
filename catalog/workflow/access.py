"""Who may do what: principals, roles, bearer tokens, and the ownership rule.

Every write has a principal: a token holder (an institution's publisher, a reviewer, an admin),
an operator at the command line (``operator:NAME``), the loader of the shipped data
(``loader:demo``), or an adapter source (``source:NAME``, acting for the institution its mapping
names). Operators and the loader act with the admin role.

The rule "an institution edits only its own passports" lives here, so that the HTTP API, the
CLI and adapter syncs all obey it:

- ``publisher``: writes drafts and submits passports whose competent authority is its own
  institution;
- ``reviewer``: additionally publishes and withdraws passports of any institution (the
  e-government agency reviews the whole nomenclature);
- ``admin``: everything, including tokens and the audit log.

Tokens are random, shown once, and stored only as their SHA-256; a revoked token stops working
at once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Literal

from sqlalchemy import Engine, text
from sqlmodel import Field, SQLModel, select

from catalog.errors import CatalogError, Forbidden, InvalidInput, NotFound
from catalog.ledger import Institution, audit
from catalog.ledger.audit import Actor
from catalog.ledger.db import read_session, write_session
from catalog.messages import Localized


class Role(StrEnum):
    PUBLISHER = "publisher"
    REVIEWER = "reviewer"
    ADMIN = "admin"


class Unauthenticated(CatalogError):
    code = "unauthenticated"


class Token(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    institution_id: int = Field(foreign_key="institution.id")
    role: str = Field(max_length=16)
    label: str = Field(max_length=256)
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    revoked_at: datetime | None = None


Via = Literal["token", "operator", "loader", "source"]


@dataclass(frozen=True)
class Principal:
    """Who writes: a token of one institution with one role, or an operator, the loader, or
    an adapter source."""

    institution: str
    institution_iri: str
    role: Role
    token_id: int
    institution_id: int = 0
    via: Via = "token"
    who: str = ""  # the operator's name, the loader's, the source's

    @classmethod
    def operator(cls, name: str) -> Principal:
        """A person at the server's command line (``semcat import``, ``semcat token``)."""
        return cls("", "", Role.ADMIN, 0, via="operator", who=name or "unknown")

    @classmethod
    def loader(cls, name: str = "demo") -> Principal:
        """The loader of the data the hub ships (the demo nomenclature, reference data)."""
        return cls("", "", Role.ADMIN, 0, via="loader", who=name)

    @classmethod
    def source(cls, name: str, institution: str, institution_iri: str, institution_id: int,
               *, trusted: bool = False) -> Principal:
        """An adapter source writing for one institution; a trusted one also publishes."""
        return cls(institution, institution_iri, Role.REVIEWER if trusted else Role.PUBLISHER,
                   0, institution_id, via="source", who=name)

    @property
    def name(self) -> str:
        if self.via == "token":
            return f"{self.institution}/{self.role.value}#{self.token_id}"
        return f"{self.via}:{self.who}"

    @property
    def actor(self) -> Actor:
        return Actor(self.name, self.institution or None, self.role.value)

    def can_read_drafts(self, authority_iri: str | None) -> bool:
        """Read the unpublished versions of a passport: its own institution and reviewers."""
        return self.can_edit(authority_iri) or self.can_review()

    def can_edit(self, authority_iri: str | None) -> bool:
        """Write drafts of a passport whose competent authority is ``authority_iri``."""
        return self.role is Role.ADMIN or authority_iri == self.institution_iri

    def can_review(self) -> bool:
        return self.role in (Role.REVIEWER, Role.ADMIN)


def require_edit(principal: Principal, authority_iri: str | None, code: str) -> None:
    """The principal may write the passport ``code`` whose competent authority is given."""
    if not principal.can_edit(authority_iri):
        authority = Localized({"en": authority_iri or "not given",
                               "ro": authority_iri or "nespecificată",
                               "ru": authority_iri or "не указан"})
        raise Forbidden.of(
            "access.not_owner", field="competent_authority", value=authority_iri,
            expected=principal.institution_iri, institution=principal.institution, code=code,
            authority=authority, institution_iri=principal.institution_iri)


#: what a reviewer does, in every language
_REVIEW_ACTS = {
    "publish": Localized({"en": "publishing", "ro": "publicarea", "ru": "публикация"}),
    "withdraw": Localized({"en": "withdrawing", "ro": "retragerea", "ru": "отзыв"}),
    "reject": Localized({"en": "sending back", "ro": "returnarea",
                         "ru": "возврат на доработку"}),
    "import": Localized({"en": "an import that publishes", "ro": "un import care publică",
                         "ru": "импорт с публикацией"}),
}


def require_review(principal: Principal, act: str, code: str | None = None) -> None:
    """The principal may ``act`` (publish, withdraw, reject, import) as a reviewer."""
    if not principal.can_review():
        raise Forbidden.of(
            "access.review_role_passport" if code else "access.review_role", field="role",
            value=principal.role.value, expected="reviewer or admin", act=_REVIEW_ACTS[act],
            code=code)


def require_admin(principal: Principal) -> None:
    if principal.role is not Role.ADMIN:
        raise Forbidden.of("access.admin_role", field="role", value=principal.role.value,
                           expected="admin")


#: who acts from the command line when no name is given (an operator of the server)
OPERATOR = Actor("operator:cli", None, Role.ADMIN.value)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Tokens:
    """Issuing, checking and revoking bearer tokens."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(self, institution: str, role: str, label: str = "",
               by: Actor = OPERATOR) -> tuple[int, str]:
        """A new token for ``institution`` with ``role``: (id, the token, shown only now)."""
        try:
            parsed = Role(role)
        except ValueError as exc:
            raise InvalidInput.of("access.unknown_role", field="role", value=role,
                                  expected=", ".join(r.value for r in Role)) from exc
        secret = "sc_" + secrets.token_urlsafe(32)
        with write_session(self.engine) as s:
            inst = s.exec(select(Institution).where(Institution.code == institution)).first()
            if inst is None or inst.id is None:
                raise NotFound.of("catalogue.no_institution", field="institution",
                                  value=institution)
            tok = Token(token_hash=_digest(secret), institution_id=inst.id, role=parsed.value,
                        label=label or f"{institution} {parsed.value}")
            s.add(tok)
            s.flush()
            assert tok.id is not None
            audit.add(s, by, "token.create", f"token:{tok.id}",
                      detail={"institution": institution, "role": parsed.value,
                              "label": tok.label})
            return tok.id, secret

    def authenticate(self, secret: str) -> Principal:
        with read_session(self.engine) as s:
            row = s.exec(select(Token, Institution)
                         .join(Institution, Institution.id == Token.institution_id)  # type: ignore[arg-type]
                         .where(Token.token_hash == _digest(secret))).first()
        if row is None or row[0].revoked_at is not None or row[0].id is None:
            raise Unauthenticated.of("access.token_unknown", field="Authorization")
        tok, inst = row
        assert tok.id is not None
        assert inst.id is not None
        return Principal(inst.code, inst.iri, Role(tok.role), tok.id, inst.id)

    def revoke(self, token_id: int, by: Actor = OPERATOR) -> None:
        with write_session(self.engine) as s:
            tok = s.get(Token, token_id)
            if tok is None:
                raise NotFound.of("access.no_token", field="token", value=token_id)
            tok.revoked_at = datetime.now(UTC)
            s.add(tok)
            # its browser sessions end with it (catalog/workflow/sessions.py, migration 0012)
            s.execute(text("DELETE FROM browser_session WHERE token_id = :t"), {"t": token_id})
            audit.add(s, by, "token.revoke", f"token:{token_id}")

    def list(self) -> list[Token]:
        with read_session(self.engine) as s:
            return list(s.exec(select(Token)))
