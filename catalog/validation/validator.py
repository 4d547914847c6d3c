"""Validation of one record: its graph plus the reference data it points to, against SHACL.

Validating the whole store costs seconds and grows with the catalogue (29-189 ms per service
measured with pySHACL on a shared graph); validating the record's *closure* (its triples and
the descriptions of the code-list concepts, organisations, legal acts and locations it refers
to) costs about a millisecond with the compiled Rust engine. Shapes are parsed, checked and
compiled once.

Engines are pluggable: ``pyshacl`` is the reference; ``turbo`` (pyshacl-turbo) is the default
because it passes the W3C SHACL core tests and agrees with pyshacl on our shapes and data
(tests/catalog/test_shacl_engines.py checks both).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph
from rdflib.term import Node

from catalog.errors import ConfigurationError
from catalog.validation.engines import ENGINES, load_shapes, to_rdflib
from catalog.validation.references import ReferenceIndex, type_closure
from catalog.validation.report import ValidationReport, node_text, read_report


class Validator:
    """Validates records against a set of shapes with one engine."""

    def __init__(self, shapes: Graph, engine: str = "turbo") -> None:
        if engine not in ENGINES:
            raise ConfigurationError.of("validation.unknown_engine", engine=engine,
                                        expected=", ".join(ENGINES))
        self.engine = ENGINES[engine](shapes)

    @classmethod
    def from_files(cls, paths: Iterable[Path], engine: str = "turbo") -> Validator:
        return cls(load_shapes(paths), engine)

    def validate_graph(self, data: Graph, focus: Sequence[Node] | None = None
                       ) -> ValidationReport:
        return read_report(self.engine.run(data, focus))

    def validate(self, record_iri: str, triples: Sequence[ox.Triple],
                 index: ReferenceIndex, extra: Sequence[ox.Triple] = ()) -> ValidationReport:
        """Findings about the record's own resources (reference data is checked on its own);
        ``extra`` triples (vocabulary axioms) join the data without being validated."""
        own = {to_rdflib(t.subject) for t in triples}
        data = [*type_closure(triples, index), *extra]
        if any(isinstance(n, BNode) for n in own):
            # engines take IRIs only as focus nodes: validate all, keep the record's findings
            names = {node_text(n) for n in own}
            report = read_report(self.engine.run_triples(data))
            return ValidationReport(tuple(f for f in report.findings if f.focus in names))
        return read_report(self.engine.run_triples(data, focus=list(own)))
