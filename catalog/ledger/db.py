"""The ledger's database: engine factory (SQLite by default, PostgreSQL by URL) and migrations.

SQLite runs in WAL mode with ``synchronous=FULL`` so that an acknowledged commit survives a
kill -9 or a power cut, and every write transaction starts with ``BEGIN IMMEDIATE`` (a deferred
``BEGIN`` gave tens of thousands of "database is locked" errors with 8 writers).

A database that cannot be reached while reading (connection refused or lost, a file that cannot
be opened, a pool with no free connection in time) becomes :class:`LedgerUnavailable` (HTTP 503
with ``Retry-After``) in :func:`reachable`, the one place that translates SQLAlchemy's errors.
"""

from __future__ import annotations

import errno
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import Session

from catalog.errors import InsufficientStorage, LedgerUnavailable, StoreUnavailable

log = logging.getLogger(__name__)

WRITE_OPTION = "semcat_write"
#: PostgreSQL advisory lock that serialises ledger writes, so that change sequence numbers are
#: committed in the order they are taken (SQLite gets the same from BEGIN IMMEDIATE). Without
#: it, a writer holding seq n could commit after one holding n+1 had been projected, and the
#: projector's watermark would pass n for ever.
LEDGER_WRITE_LOCK = 0x5E3CA7


def create_db_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, FULL sync and immediate write transactions."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _configure_sqlite(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session whose transaction takes the write lock at once (SQLite) and commits on exit."""
    with engine.connect() as conn:
        conn = conn.execution_options(**{WRITE_OPTION: True})
        with Session(bind=conn) as session:
            try:
                if conn.dialect.name == "postgresql":
                    session.execute(text("SELECT pg_advisory_xact_lock(:k)"),
                                    {"k": LEDGER_WRITE_LOCK})
                yield session
                session.commit()
            except BaseException as exc:
                session.rollback()
                if _out_of_space(exc):
                    log.error("a ledger write failed for want of space: %s", exc)
                    raise InsufficientStorage.of(
                        "storage.full", expected="free space in the data folder") from exc
                raise


_NO_SPACE = ("database or disk is full", "no space left on device", "disk full",
             "readonly database", "read-only file system", "could not extend file")


def _out_of_space(exc: BaseException) -> bool:
    """A write refused by a full disk or a read-only data folder (SQLite, PostgreSQL, OS)."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EROFS, errno.EDQUOT):
        return True
    if isinstance(exc, DBAPIError):
        text_ = str(getattr(exc, "orig", exc)).lower()
        return any(s in text_ for s in _NO_SPACE) or \
            getattr(getattr(exc, "orig", None), "sqlstate", None) == "53100"
    return False


@contextmanager
def reachable() -> Iterator[None]:
    """Translate "the database cannot be reached now" into :class:`LedgerUnavailable`; other
    database errors (a wrong statement, a broken constraint) pass unchanged."""
    try:
        yield
    except (OperationalError, InterfaceError, PoolTimeout) as exc:
        log.warning("the ledger database cannot be read: %s", getattr(exc, "orig", exc) or exc)
        raise LedgerUnavailable.of("ledger.unavailable") from exc
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
        log.warning("the ledger database connection was lost: %s", exc.orig)
        raise LedgerUnavailable.of("ledger.unavailable") from exc


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    with reachable(), Session(engine) as session:
        yield session


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision."""
    script_dir = Path(__file__).parent / "migrations"
    cfg = Config()
    cfg.set_main_option("script_location", str(script_dir))
    cfg.attributes["connection_engine"] = engine
    try:
        command.upgrade(cfg, "head")
    except OperationalError as exc:
        raise StoreUnavailable.of("ledger.cannot_migrate", reason=exc.orig) from exc
