"""Validation of one record against SHACL: the record's graph plus the reference data it
points to."""

from catalog.validation.shacl import (
    Finding,
    ReferenceIndex,
    ValidationReport,
    Validator,
)

__all__ = ["Finding", "ReferenceIndex", "ValidationReport", "Validator"]
