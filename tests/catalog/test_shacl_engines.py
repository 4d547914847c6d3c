"""The SHACL engines: both pass the W3C SHACL core suite, and agree on our shapes and data.

pySHACL is the reference; pyshacl-turbo is the default only because of these tests.
The W3C cases run as data, one parametrized case per test file of ``shared/w3c-data-shapes``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pyshacl
import pyshacl_turbo
import pytest
from rdflib import RDF, Graph, Namespace, URIRef

from catalog import paths, rdfio
from catalog.demo import reference_files
from catalog.records import split
from catalog.validation import (
    PyshaclEngine,
    ReferenceIndex,
    TurboEngine,
    ValidationReport,
    closure,
    load_shapes,
    read_report,
)
from tests.conftest import SHARED

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
SH = Namespace("http://www.w3.org/ns/shacl#")
CORE = SHARED / "w3c-data-shapes" / "tests" / "core"
BASE = "http://127.0.0.1:8000/"

VALIDATORS: dict[str, Callable[..., Any]] = {
    "pyshacl": pyshacl.validate,
    "turbo": pyshacl_turbo.validate,  # type: ignore[attr-defined]
}

#: Cases an engine is known to get wrong, with the reason; strict xfail shows any change.
KNOWN_FAILURES: dict[tuple[str, str], str] = {
    ("pyshacl", "property/uniqueLang-002"): "treats sh:uniqueLang \"1\"^^xsd:boolean as true",
    ("turbo", "property/uniqueLang-002"): "same as pySHACL, whose behaviour it copies",
}


def _test_files() -> list[str]:
    if not CORE.is_dir():
        return []
    out: list[str] = []
    for manifest in sorted(CORE.glob("*/manifest.ttl")):
        g = Graph().parse(manifest, format="turtle")
        for m in g.subjects(RDF.type, MF.Manifest):
            for lst in g.objects(m, MF.include):
                out.append(str(Path(str(lst).removeprefix("file://")).relative_to(CORE)))
    return out


def _case(rel: str) -> tuple[Graph, Graph, bool | None, int]:
    path = CORE / rel
    g = Graph().parse(path, format="turtle", publicID=path.as_uri())
    test = next(g.subjects(RDF.type, SHT.Validate))
    action = g.value(test, MF.action)
    result = g.value(test, MF.result)

    def load(ref: Any) -> Graph:
        return g if ref == URIRef(path.as_uri()) else Graph().parse(
            str(ref).removeprefix("file://"), format="turtle")

    data, shapes = load(g.value(action, SHT.dataGraph)), load(g.value(action, SHT.shapesGraph))
    if result == SHT.Failure:
        return data, shapes, None, 0
    conforms = bool(g.value(result, SH.conforms).toPython())  # type: ignore[union-attr]
    return data, shapes, conforms, len(list(g.objects(result, SH.result)))


def _cases() -> list[Any]:
    params = []
    for engine in VALIDATORS:
        for rel in _test_files():
            key = (engine, rel.removesuffix(".ttl"))
            marks = [pytest.mark.xfail(reason=KNOWN_FAILURES[key], strict=True)] \
                if key in KNOWN_FAILURES else []
            params.append(pytest.param(engine, rel, id=f"{engine}:{key[1]}", marks=marks))
    return params


@pytest.mark.shared
@pytest.mark.parametrize(("engine", "rel"), _cases())
def test_w3c_shacl_core(engine: str, rel: str, shared: Path) -> None:
    data, shapes, conforms, results = _case(rel)
    validate = VALIDATORS[engine]
    if conforms is None:
        with pytest.raises(Exception):  # noqa: B017,PT011  (any engine error is the pass)
            validate(data, shacl_graph=shapes, advanced=True, inference=None)
        return
    ok, report, _ = validate(data, shacl_graph=shapes, advanced=True, inference=None)
    top = [r for rep in report.subjects(RDF.type, SH.ValidationReport)
           for r in report.objects(rep, SH.result)]
    assert (ok, len(top)) == (conforms, results)


def test_the_w3c_suite_was_found(shared: Path) -> None:
    assert len(_test_files()) >= 90


# --- agreement on our shapes and data ------------------------------------------------------
def _demo_records() -> list[tuple[str, list[ox.Triple]]]:
    trig = paths.DEMO_DIR / "nomenclature.trig"
    quads = rdfio.parse(trig.read_bytes(), "trig", base_iri=BASE, max_bytes=10**8, max_nesting=64)
    return [(d.iri, d.triples) for d in split(quads)]


@pytest.fixture(scope="module")
def references() -> ReferenceIndex:
    index = ReferenceIndex()
    for f in reference_files():
        quads = rdfio.parse(f.read_bytes(), f.name, base_iri=BASE, max_bytes=10**8,
                            max_nesting=64)
        for d in split(quads):
            index.put(d.iri, d.triples)
    for iri, triples in _demo_records():
        index.put(iri, triples, stub_only=True)
    return index


def _mutations(iri: str, triples: list[ox.Triple]) -> dict[str, list[ox.Triple]]:
    xsd_int = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")

    def drop(pred: str, lang: str | None = None) -> list[ox.Triple]:
        return [t for t in triples if not (
            t.subject.value == iri and t.predicate.value.endswith(pred)
            and (lang is None or getattr(t.object, "language", None) == lang))]

    def retime() -> list[ox.Triple]:
        return [ox.Triple(t.subject, t.predicate, ox.Literal("10", datatype=xsd_int))
                if t.predicate.value.endswith("processingTime") else t for t in triples]

    return {"as-is": triples, "no-ro-title": drop("/title", "ro"),
            "no-authority": drop("hasCompetentAuthority"), "no-legal-basis":
            drop("hasLegalResource"), "bad-processing-time": retime()}


def _key(report: ValidationReport) -> set[tuple[str, str | None, str | None, str]]:
    return {(f.focus, f.path, f.constraint, f.severity) for f in report.findings}


@pytest.mark.parametrize("shape_set", ["profile", "official"])
def test_pyshacl_and_turbo_agree_on_demo_passports(shape_set: str, references: ReferenceIndex,
                                                  request: pytest.FixtureRequest) -> None:
    if shape_set == "official":
        shared = request.getfixturevalue("shared")
        shapes = load_shapes([shared / "cpsv-ap-3.2.0" / "cpsv-ap-SHACL.ttl"])
    else:
        shapes = load_shapes(sorted(paths.SHAPES_DIR.glob("*.ttl")))
    reference, fast = PyshaclEngine(shapes), TurboEngine(shapes)
    records = _demo_records()
    compared = violations = 0
    for iri, triples in records[:: max(1, len(records) // 12)]:
        for name, variant in _mutations(iri, triples).items():
            data = closure(iri, variant, references, full=True)
            expected, got = read_report(reference.run(data)), read_report(fast.run(data))
            assert _key(got) == _key(expected), (iri, name)
            assert got.conforms == expected.conforms
            compared += 1
            violations += len(expected.violations)
    assert compared >= 50
    assert violations > 0  # the mutations were seen as problems
