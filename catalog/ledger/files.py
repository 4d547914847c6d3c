"""The files of semantic assets, content-addressed (SHA-256): stored once whatever the number
of versions or assets that hold them, never changed, read back by their checksum."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sqlalchemy import Engine, LargeBinary
from sqlmodel import Column, Field, Session, SQLModel

from catalog.ledger.db import write_session


class AssetFile(SQLModel, table=True):
    __tablename__ = "asset_file"

    sha256: str = Field(primary_key=True, max_length=64)
    media_type: str = Field(max_length=127)
    byte_size: int
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def put_files(engine: Engine, files: list[tuple[bytes, str]]) -> list[str]:
    """Store each (content, media type) not stored yet; their checksums, in order."""
    sums = [digest(content) for content, _ in files]
    with write_session(engine) as session:
        for (content, media), sha in zip(files, sums, strict=True):
            if session.get(AssetFile, sha) is None:
                session.add(AssetFile(sha256=sha, media_type=media, byte_size=len(content),
                                      content=content))
    return sums


def get_file(engine: Engine, sha256: str) -> AssetFile | None:
    with Session(engine) as session:
        return session.get(AssetFile, sha256)
