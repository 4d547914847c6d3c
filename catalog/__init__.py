"""semcat's domain core: records of every kind, their versions and review, validation, and the
projections that serve them (the quad store, the search index).

It knows nothing of HTTP or of any registry; ``api/`` and ``adapters/`` call it. The parts and
what each may import: docs/architecture.md.
"""

from catalog.core import Catalog
from catalog.errors import (
    CatalogError,
    Conflict,
    Forbidden,
    InvalidInput,
    InvalidRecord,
    NotFound,
    QueryRejected,
    QueryTimeout,
    StoreUnavailable,
    UnsafeInput,
)
from catalog.records.builtin import builtin_kinds
from catalog.records.kinds import Kinds, RecordKind
from catalog.records.passport import Passport
from catalog.settings import Settings, get_settings
from catalog.validation import Finding, ValidationReport
from catalog.workflow.access import Principal
from catalog.workflow.bulk import ImportReport, RecordOutcome
from catalog.workflow.publishing import Publishing

__all__ = [
    "Catalog",
    "CatalogError",
    "Conflict",
    "Finding",
    "Forbidden",
    "ImportReport",
    "InvalidInput",
    "InvalidRecord",
    "Kinds",
    "NotFound",
    "Passport",
    "Principal",
    "Publishing",
    "QueryRejected",
    "QueryTimeout",
    "RecordKind",
    "RecordOutcome",
    "Settings",
    "StoreUnavailable",
    "UnsafeInput",
    "ValidationReport",
    "builtin_kinds",
    "get_settings",
]
