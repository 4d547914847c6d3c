"""semcat's domain core: records of every kind, their versions and review, validation, and the
projections that serve them (the quad store, the search index).

It knows nothing of HTTP or of any registry; ``api/`` and ``adapters/`` call it. The parts and
what each may import: docs/architecture.md.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

#: the names the package offers and the module each comes from, imported when first asked for
#: (PEP 562): ``import catalog.errors`` or ``catalog.settings`` does not load the whole core,
#: so a command that needs the ledger alone (``semcat token``) starts in a fraction of the time
_EXPORTS = {
    "Catalog": "catalog.core",
    "CatalogError": "catalog.errors",
    "Conflict": "catalog.errors",
    "Forbidden": "catalog.errors",
    "InvalidInput": "catalog.errors",
    "InvalidRecord": "catalog.errors",
    "NotFound": "catalog.errors",
    "QueryRejected": "catalog.errors",
    "QueryTimeout": "catalog.errors",
    "StoreUnavailable": "catalog.errors",
    "UnsafeInput": "catalog.errors",
    "builtin_kinds": "catalog.records.builtin",
    "Kinds": "catalog.records.kinds",
    "RecordKind": "catalog.records.kinds",
    "Passport": "catalog.records.passport",
    "Settings": "catalog.settings",
    "get_settings": "catalog.settings",
    "Finding": "catalog.validation",
    "ValidationReport": "catalog.validation",
    "Principal": "catalog.workflow.access",
    "ImportReport": "catalog.workflow.bulk",
    "RecordOutcome": "catalog.workflow.bulk",
    "Publishing": "catalog.workflow.publishing",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'catalog' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


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
