"""The ledger, the source of truth: records, immutable versions, the change sequence, and the
audit log and idempotency keys written in the same transactions."""

from catalog.ledger.repository import (
    OPEN_STATUSES,
    Appended,
    Change,
    ChangeRow,
    Institution,
    Ledger,
    NewVersion,
    Record,
    Version,
    VersionRow,
    concurrent_write,
)

__all__ = ["OPEN_STATUSES", "Appended", "Change", "ChangeRow", "Institution", "Ledger",
           "NewVersion", "Record", "Version", "VersionRow", "concurrent_write"]
