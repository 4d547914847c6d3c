"""The ledger's head: the last change sequence number, read cheaply enough to ask per request.

Every answer cache of the read side is keyed by it: a change committed by any process (another
worker, the command line, an adapter run) moves it, so a cached answer is never served after
the change it predates. It is read on one connection of its own, outside the pool and in
autocommit mode, with one plain statement: ~10 µs on SQLite, one round trip on PostgreSQL
(a pooled session spends ~0.5 ms on checkout, ``BEGIN`` and rollback around the same read).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from typing import Any

from sqlalchemy import Engine

from catalog.errors import LedgerUnavailable

log = logging.getLogger(__name__)

HEAD_SQL = "SELECT coalesce(max(seq), 0) FROM change"


class LedgerHead:
    """The last change sequence number of the ledger on ``engine``, read on demand (thread
    safe; one statement at a time on the reader's own connection)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._conn: Any = None  # a detached DBAPI connection, opened at the first read
        self._errors: type[Exception] = engine.dialect.loaded_dbapi.Error

    def read(self) -> int:
        """The head now: every change committed before this call is at or below it."""
        with self._lock:
            try:
                if self._conn is None:
                    self._conn = self._open()
                cur = self._conn.cursor()
                try:
                    cur.execute(HEAD_SQL)
                    row = cur.fetchone()
                finally:
                    cur.close()
            except self._errors as exc:
                self._drop()
                log.warning("the ledger head cannot be read: %s", exc)
                raise LedgerUnavailable.of("ledger.unavailable") from exc
        return int(row[0] or 0) if row else 0

    def _open(self) -> Any:
        raw = self._engine.raw_connection()  # the engine's connect hooks (SQLite pragmas) run
        driver = raw.driver_connection
        raw.detach()  # ours alone: the pool neither counts it nor hands it to anyone else
        try:
            if self._engine.dialect.name == "postgresql":
                driver.autocommit = True  # type: ignore[union-attr]
            # SQLite: the engine's connections run in autocommit (isolation_level None)
        except BaseException:
            raw.close()
            raise
        return raw

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(self._errors):
                conn.close()

    def close(self) -> None:
        with self._lock:
            self._drop()


__all__ = ["HEAD_SQL", "LedgerHead"]
