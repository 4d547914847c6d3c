"""The review workflow of a passport version: statuses, allowed moves, and their history.

``draft -> submitted -> published -> withdrawn``; a reviewer may send a submission back to
``draft``; a new version (a new draft, or a version published directly by a reviewer) may
follow any state and supersedes the open draft or submission before it, and, once published,
the version published before it. Every move is a :class:`Transition` row written in the same
transaction as the change it records: who, when, why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Field, SQLModel

#: status -> statuses a version in it may move to
TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"submitted"}),
    "submitted": frozenset({"published", "draft"}),
    "published": frozenset({"withdrawn"}),
    "withdrawn": frozenset(),
    "superseded": frozenset(),
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
    """The latest version of a passport, as a writer must name it (its ETag)."""

    code: str
    iri: str
    number: int
    status: str
    content_hash: str
    published_version: int | None
    authority: str | None = None

    @property
    def etag(self) -> str:
        return version_etag(self.code, self.number, self.status, self.content_hash)

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "iri": self.iri, "version": self.number,
                "status": self.status, "published_version": self.published_version}


def version_etag(code: str, number: int, status: str, content_hash: str) -> str:
    """A strong ETag naming one version of one passport in one workflow state: a write made
    with an ETag read before a submission, publication or withdrawal gets 412."""
    return f'"{code}.{number}.{status}.{content_hash[:16]}"'
