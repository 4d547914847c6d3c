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

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Protocol

import pyoxigraph as ox
import pyshacl
import pyshacl_turbo
from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RLiteral
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from catalog.errors import ConfigurationError

Severity = Literal["violation", "warning", "info"]
_SEVERITY: dict[Node, Severity] = {SH.Violation: "violation", SH.Warning: "warning",
                                   SH.Info: "info"}


@dataclass(frozen=True)
class Finding:
    """One problem found in a record."""

    focus: str
    path: str | None
    value: str | None
    message_en: str
    message_ro: str
    severity: Severity
    shape: str | None
    constraint: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "focus": self.focus,
            "path": self.path,
            "value": self.value,
            "message": {"en": self.message_en, "ro": self.message_ro},
            "severity": self.severity,
            "shape": self.shape,
            "constraint": self.constraint,
        }


@dataclass(frozen=True)
class ValidationReport:
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def conforms(self) -> bool:
        """No violation (warnings and infos do not block)."""
        return not any(f.severity == "violation" for f in self.findings)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def merged(self, other: ValidationReport) -> ValidationReport:
        return ValidationReport(self.findings + other.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "conforms": self.conforms,
            "violations": len(self.violations),
            "warnings": len(self.warnings),
            "findings": [f.to_dict() for f in self.findings],
        }


class Engine(Protocol):
    name: str

    def run(self, data: Graph, focus: Sequence[Node] | None = None) -> Graph:
        """Validate ``data`` (only the ``focus`` nodes when given); the SHACL report graph."""
        ...

    def run_triples(self, triples: Sequence[ox.Triple], focus: Sequence[Node] | None = None
                    ) -> Graph:
        """The same, for data given as pyoxigraph triples (the per-record path)."""
        ...


class PyshaclEngine:
    """The reference engine (pySHACL)."""

    name = "pyshacl"

    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes

    def run(self, data: Graph, focus: Sequence[Node] | None = None) -> Graph:
        _, report, _ = pyshacl.validate(data, shacl_graph=self.shapes, inference=None,
                                        advanced=True, allow_warnings=False,
                                        focus_nodes=list(focus) if focus else None,  # type: ignore[arg-type]
                                        )
        assert isinstance(report, Graph)
        return report

    def run_triples(self, triples: Sequence[ox.Triple], focus: Sequence[Node] | None = None
                    ) -> Graph:
        return self.run(to_graph(triples), focus)


class TurboEngine:
    """pyshacl-turbo: the same API, shapes compiled once to a Rust program."""

    name = "turbo"

    def __init__(self, shapes: Graph) -> None:
        try:
            self._compiled = pyshacl_turbo.compile_shapes(  # type: ignore[no-untyped-call]
                shapes, advanced=True)
        except Exception as exc:  # the engine's own error types, reported as configuration
            raise ConfigurationError(f"the SHACL shapes cannot be compiled: {exc}") from exc

    def run(self, data: Graph | ox.Store, focus: Sequence[Node] | None = None) -> Graph:
        _, report, _ = self._compiled.validate(
            data, inference=None, focus_nodes=list(focus) if focus is not None else None)
        assert isinstance(report, Graph)
        return report

    def run_triples(self, triples: Sequence[ox.Triple], focus: Sequence[Node] | None = None
                    ) -> Graph:
        """The engine reads a pyoxigraph store natively: no rdflib graph is built (about
        1.5 ms less per passport)."""
        store = ox.Store()
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        return self.run(store, focus)


ENGINES: dict[str, Callable[[Graph], Engine]] = {"pyshacl": PyshaclEngine, "turbo": TurboEngine}


def load_shapes(paths: Iterable[Path]) -> Graph:
    """Parse shapes files and check them against SHACL-for-SHACL (once, at load)."""
    g = Graph()
    for p in paths:
        try:
            g.parse(p, format="turtle")
        except Exception as exc:
            raise ConfigurationError(f"shapes file {p} cannot be parsed: {exc}") from exc
    conforms, _, text = pyshacl_turbo.meta_validate(  # type: ignore[no-untyped-call]
        g, inference=None)
    if not conforms:
        raise ConfigurationError(f"the shapes are not valid SHACL: {text[:2000]}")
    return g


@lru_cache(maxsize=65536)
def _iri(value: str) -> URIRef:
    return URIRef(value)


def to_rdflib(term: Any) -> Node:
    """A pyoxigraph term as an rdflib term."""
    if isinstance(term, ox.NamedNode):
        return _iri(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return RLiteral(term.value, lang=term.language)
        return RLiteral(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported term {term!r}")


def to_graph(triples: Iterable[ox.Triple]) -> Graph:
    g = Graph(bind_namespaces="none")
    for t in triples:
        g.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return g


def _messages(report: Graph, result: Node) -> tuple[str, str]:
    by_lang: dict[str, str] = {}
    for m in report.objects(result, SH.resultMessage):
        if isinstance(m, RLiteral):
            by_lang.setdefault(m.language or "", str(m))
    en = by_lang.get("en") or by_lang.get("") or next(iter(by_lang.values()), "constraint failed")
    ro = by_lang.get("ro") or en
    return en, ro


def _text(node: Node | None) -> str | None:
    if node is None:
        return None
    return str(node) if not isinstance(node, BNode) else f"_:{node}"


def read_report(report: Graph) -> ValidationReport:
    findings: list[Finding] = []
    for rep in report.subjects(RDF.type, SH.ValidationReport):
        for res in report.objects(rep, SH.result):
            en, ro = _messages(report, res)
            sev = report.value(res, SH.resultSeverity)
            findings.append(
                Finding(
                    focus=_text(report.value(res, SH.focusNode)) or "",
                    path=_text(report.value(res, SH.resultPath)),
                    value=_text(report.value(res, SH.value)),
                    message_en=en,
                    message_ro=ro,
                    severity=_SEVERITY.get(sev, "violation") if sev is not None else "violation",
                    shape=_text(report.value(res, SH.sourceShape)),
                    constraint=_text(report.value(res, SH.sourceConstraintComponent)),
                )
            )
    findings.sort(key=lambda f: (f.severity != "violation", f.focus, f.path or ""))
    return ValidationReport(tuple(findings))


_RDF_TYPE = str(RDF.type)
_LABELS = tuple(URIRef(p) for p in (
    "http://www.w3.org/2004/02/skos/core#prefLabel", "http://data.europa.eu/eli/ontology#title",
    "http://purl.org/dc/terms/title", "http://www.w3.org/2000/01/rdf-schema#label",
    "https://schema.org/name", "http://www.w3.org/ns/locn#fullAddress"))


class ReferenceIndex:
    """Descriptions of the resources records point to: concepts, organisations, acts, places.

    Keyed by subject IRI; fed from every published non-service record and a type stub for
    every service (so ``cv:relatedService`` and ``dct:requires`` links check by class).
    """

    def __init__(self) -> None:
        self._by_subject: dict[str, list[tuple[Node, Node, Node]]] = {}
        self._types: dict[str, list[ox.Triple]] = {}  # the rdf:type triples, for closures
        self._by_record: dict[str, set[str]] = {}
        self._lock = threading.Lock()  # writers only: readers see the old or the new entries

    def __len__(self) -> int:
        return len(self._by_subject)

    def put(self, record_iri: str, triples: Sequence[ox.Triple], *, stub_only: bool = False
            ) -> None:
        """Replace what the index knows of a record. The new entries are built first and
        swapped in, so a validation running meanwhile never sees the record missing."""
        fresh: dict[str, list[tuple[Node, Node, Node]]] = {}
        types: dict[str, list[ox.Triple]] = {}
        for t in triples:
            if not isinstance(t.subject, ox.NamedNode):
                continue
            typed = t.predicate.value == _RDF_TYPE
            if stub_only and (t.subject.value != record_iri or not typed):
                continue
            fresh.setdefault(t.subject.value, []).append(
                (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object))
            )
            if typed:
                types.setdefault(t.subject.value, []).append(t)
        with self._lock:
            for gone in self._by_record.get(record_iri, set()) - fresh.keys():
                self._by_subject.pop(gone, None)
                self._types.pop(gone, None)
            self._by_subject.update(fresh)  # each key is replaced in one step
            for subject in fresh:
                self._types[subject] = types.get(subject, [])
            self._by_record[record_iri] = set(fresh)

    def drop(self, record_iri: str) -> None:
        with self._lock:
            for s in self._by_record.pop(record_iri, set()):
                self._by_subject.pop(s, None)
                self._types.pop(s, None)

    def describe(self, iri: str) -> list[tuple[Node, Node, Node]]:
        return self._by_subject.get(iri, [])

    def types(self, iri: str) -> list[ox.Triple]:
        """The ``rdf:type`` triples of a described resource."""
        return self._types.get(iri, [])

    def label(self, iri: str) -> dict[str, str] | None:
        """The name of a described resource by language (preferred label, title or name)."""
        found: dict[URIRef, dict[str, str]] = {}
        for _s, p, o in self.describe(iri):
            if p in _LABELS and isinstance(o, RLiteral):
                found.setdefault(p, {}).setdefault(o.language or "", str(o))  # type: ignore[arg-type]
        return next((found[p] for p in _LABELS if p in found), None)


def closure(record_iri: str, triples: Sequence[ox.Triple], index: ReferenceIndex, *,
            full: bool = False) -> Graph:
    """The record's triples plus what the shapes need of the resources it refers to.

    By default the types of the referenced resources: every profile constraint on a reference
    is an ``sh:class``. With ``full``, whole descriptions three links deep, so that the
    reference resources validate too (the official CPSV-AP shapes check the organisations, the
    organisations that passed the laws, the events of a scheme). That closure is ~900 triples
    for a passport, against ~130: it is for conformance checks, not for every write.
    """
    g = to_graph(triples)
    seen = {str(s) for s in g.subjects()}
    frontier = {str(o) for o in g.objects() if isinstance(o, URIRef)} - seen
    for _level in range(3 if full else 1):
        nxt: set[str] = set()
        for iri in frontier:
            for tr in index.describe(iri):
                if full or tr[1] == RDF.type:
                    g.add(tr)
                if isinstance(tr[2], URIRef):
                    nxt.add(str(tr[2]))
        seen |= frontier
        frontier = nxt - seen
    return g


def type_closure(triples: Sequence[ox.Triple], index: ReferenceIndex) -> list[ox.Triple]:
    """The record's triples plus the types of the resources it refers to (the default
    :func:`closure`, as pyoxigraph triples)."""
    own = {t.subject for t in triples}
    out = list(triples)
    for iri in {t.object.value for t in triples if isinstance(t.object, ox.NamedNode)
                and t.object not in own}:
        out.extend(index.types(iri))
    return out


class Validator:
    """Validates records against a set of shapes with one engine."""

    def __init__(self, shapes: Graph, engine: str = "turbo") -> None:
        if engine not in ENGINES:
            raise ConfigurationError(f"unknown validation engine {engine!r}",
                                     expected=", ".join(ENGINES))
        self.engine = ENGINES[engine](shapes)

    @classmethod
    def from_files(cls, paths: Iterable[Path], engine: str = "turbo") -> Validator:
        return cls(load_shapes(paths), engine)

    def validate_graph(self, data: Graph, focus: Sequence[Node] | None = None
                       ) -> ValidationReport:
        return read_report(self.engine.run(data, focus))

    def validate(self, record_iri: str, triples: Sequence[ox.Triple],
                 index: ReferenceIndex) -> ValidationReport:
        """Findings about the record's own resources (reference data is checked on its own)."""
        own = {to_rdflib(t.subject) for t in triples}
        data = type_closure(triples, index)
        if any(isinstance(n, BNode) for n in own):
            # engines take IRIs only as focus nodes: validate all, keep the record's findings
            names = {_text(n) for n in own}
            report = read_report(self.engine.run_triples(data))
            return ValidationReport(tuple(f for f in report.findings if f.focus in names))
        return read_report(self.engine.run_triples(data, focus=list(own)))
