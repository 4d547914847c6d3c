"""A restarted server takes over at once the idempotency claims of the process it replaces
(a claim names the process instance that holds it): a retry after a crash is not told to wait
minutes for a claim nobody will complete."""

from __future__ import annotations

import socket

import pytest
from sqlalchemy import text

from catalog.core import Catalog
from catalog.ledger.idempotency import Claim, Idempotency, KeyInFlight
from catalog.ledger.leases import process_holder


def _institution(cat: Catalog) -> int:
    with cat.engine.connect() as conn:
        return int(conn.execute(text("SELECT id FROM institution WHERE code = 'ASP'")
                                ).scalar_one())


def test_a_claim_of_a_dead_process_is_taken_over_at_once(sqlite_catalog: Catalog) -> None:
    idem, inst = Idempotency(sqlite_catalog.engine), _institution(sqlite_catalog)
    first = idem.begin(inst, "key-1", "digest")
    assert isinstance(first, Claim)
    with pytest.raises(KeyInFlight):  # our own claim, still running
        idem.begin(inst, "key-1", "digest")
    dead = f"{socket.gethostname()}:{2**22 + 12345}:deadbeef"  # no such process here
    with sqlite_catalog.engine.begin() as conn:
        conn.execute(text("UPDATE idempotency SET holder = :h WHERE key = 'key-1'"), {"h": dead})
    again = idem.begin(inst, "key-1", "digest")
    assert isinstance(again, Claim)
    with sqlite_catalog.engine.connect() as conn:
        assert conn.execute(text("SELECT holder FROM idempotency WHERE key = 'key-1'")
                            ).scalar_one() == process_holder()


def test_a_claim_of_another_host_waits_for_its_lease(sqlite_catalog: Catalog) -> None:
    idem, inst = Idempotency(sqlite_catalog.engine), _institution(sqlite_catalog)
    assert isinstance(idem.begin(inst, "key-2", "digest"), Claim)
    with sqlite_catalog.engine.begin() as conn:
        conn.execute(text("UPDATE idempotency SET holder = 'elsewhere:1:x' WHERE key = 'key-2'"))
    with pytest.raises(KeyInFlight):
        idem.begin(inst, "key-2", "digest")
