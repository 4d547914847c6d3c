"""Trusted adapters: an admin decides that an adapter's records are published without review
(never the mapping itself, which its provider writes). The decision is audited."""

from __future__ import annotations

from catalog.core import Catalog
from catalog.ledger import audit, syncs
from catalog.ledger.db import write_session
from catalog.workflow.access import Principal, require_admin


def set_trust(catalog: Catalog, adapter: str, trusted: bool, by: Principal) -> None:
    require_admin(by)
    syncs.set_trusted(catalog.engine, adapter, trusted, by.name)
    with write_session(catalog.engine) as s:
        audit.add(s, by.actor, "adapter.trust" if trusted else "adapter.distrust",
                  f"source:{adapter}")
