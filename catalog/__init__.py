"""semcat's domain core: records, versions, the quad store, validation and projection.

It knows nothing of HTTP or of any registry; ``api/`` and ``adapters/`` call it.
"""

from catalog.core import Catalog, ImportReport, RecordOutcome
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
from catalog.records.passport import Passport
from catalog.settings import Settings, get_settings
from catalog.validation import Finding, ValidationReport

__all__ = [
    "Catalog",
    "CatalogError",
    "Conflict",
    "Finding",
    "Forbidden",
    "ImportReport",
    "InvalidInput",
    "InvalidRecord",
    "NotFound",
    "Passport",
    "QueryRejected",
    "QueryTimeout",
    "RecordOutcome",
    "Settings",
    "StoreUnavailable",
    "UnsafeInput",
    "ValidationReport",
    "get_settings",
]
