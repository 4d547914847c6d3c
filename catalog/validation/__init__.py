"""Validation of one record against SHACL: the record's graph plus the reference data it
points to (:mod:`~catalog.validation.references`), with a compiled or a reference engine
(:mod:`~catalog.validation.engines`), read into findings (:mod:`~catalog.validation.report`)."""

from catalog.validation.engines import (
    ENGINES,
    Engine,
    PyshaclEngine,
    TurboEngine,
    load_shapes,
    to_graph,
    to_rdflib,
)
from catalog.validation.references import ReferenceIndex, closure, type_closure
from catalog.validation.report import Finding, Severity, ValidationReport, read_report
from catalog.validation.validator import Validator

__all__ = ["ENGINES", "Engine", "Finding", "PyshaclEngine", "ReferenceIndex", "Severity",
           "TurboEngine", "ValidationReport", "Validator", "closure", "load_shapes",
           "read_report", "to_graph", "to_rdflib", "type_closure"]
