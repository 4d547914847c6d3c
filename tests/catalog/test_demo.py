"""The demo nomenclature: realistic, complete, valid against our shapes and the official ones."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from catalog import rdfio
from catalog.core import Catalog
from catalog.demo import load_demo
from catalog.namespaces import CV, DCT, SKOS
from catalog.records.passport import from_triples, to_triples
from catalog.settings import Settings
from catalog.validation import Validator, closure

BASE = "http://127.0.0.1:8000/"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Catalog]:
    cat = Catalog(Settings(env="test", data_dir=tmp_path_factory.mktemp("demo")))
    report = load_demo(cat)
    assert report.rejected == [], [o.iri for o in report.rejected]
    yield cat
    cat.close()


def _services(cat: Catalog) -> dict[str, list[ox.Triple]]:
    return {iri: rdfio.parse_canonical(c) for iri, c in cat.ledger.published().items()
            if "/id/service/" in iri}


def test_demo_has_the_required_nomenclature(demo: Catalog) -> None:
    counts = demo.ledger.counts()
    assert counts["service"] >= 40
    assert counts["location"] == 22
    services = _services(demo)
    titles = " | ".join(
        t.object.value.lower() for ts in services.values() for t in ts
        if t.predicate.value == DCT + "title" and isinstance(t.object, ox.Literal)
        and t.object.language == "en" and t.subject.value in services
    )
    for needed in ("unemployment", "disability", "driving licence", "duplicate", "pension",
                   "marriage", "divorce"):
        assert needed in titles, needed


def test_22_one_stop_shop_services_12_asp_10_cnas(demo: Catalog) -> None:
    cups = BASE + "codelist/channel-type/cups"
    offered: list[str] = []
    for iri, triples in _services(demo).items():
        channels = {t.subject.value for t in triples
                    if t.predicate.value == DCT + "type" and t.object == ox.NamedNode(cups)}
        if channels:
            offered.append(iri.rsplit("/", 1)[1])
            places = {t.object.value for t in triples
                      if t.subject.value in channels and t.predicate.value == DCT + "spatial"}
            assert len(places) == 17
    assert len(offered) == 22
    assert sum(c.startswith("ASP-") for c in offered) == 12
    assert sum(c.startswith("CNAS-") for c in offered) == 10


def test_18_life_events_with_ro_and_en_labels(demo: Catalog) -> None:
    content = demo.ledger.published()[BASE + "codelist/life-event"]
    triples = rdfio.parse_canonical(content)
    events = {t.subject.value for t in triples
              if t.predicate.value.endswith("#type") and t.object == ox.NamedNode(CV + "LifeEvent")}
    assert len(events) == 18
    for ev in events:
        langs = {t.object.language for t in triples if t.subject.value == ev
                 and t.predicate.value == SKOS + "prefLabel" and isinstance(t.object, ox.Literal)}
        assert {"ro", "en"} <= langs, ev


def test_every_demo_passport_conforms_to_our_shapes(demo: Catalog) -> None:
    for iri, triples in _services(demo).items():
        report = demo.validator.validate(iri, triples, demo.references)
        assert report.findings == (), (iri, report.to_dict())


@pytest.mark.shared
def test_every_demo_passport_conforms_to_official_cpsv_ap_320(demo: Catalog, shared: Path) -> None:
    official = Validator.from_files([shared.parent / "external/cpsv-ap-3.2.0/cpsv-ap-SHACL.ttl"],
                                    engine="pyshacl")
    for iri, triples in _services(demo).items():
        report = official.validate_graph(closure(iri, triples, demo.references, full=True))
        assert report.conforms, (iri, [f.message_en for f in report.violations][:5])


def test_loading_the_demo_again_changes_nothing(demo: Catalog) -> None:
    seq = demo.ledger.last_seq()
    report = load_demo(demo)
    assert report.count("created") == 0
    assert demo.ledger.last_seq() == seq


def test_passport_json_maps_back_to_the_same_rdf(demo: Catalog) -> None:
    for iri, triples in _services(demo).items():
        passport = from_triples(triples, iri)
        assert rdfio.canonical_ntriples(to_triples(passport, iri)) == \
            rdfio.canonical_ntriples(triples), iri


def test_store_serves_each_passport_by_code(demo: Catalog) -> None:
    for iri in _services(demo):
        code = iri.rsplit("/", 1)[1]
        got = rdfio.canonical_ntriples(demo.service_graph(code))
        assert got == demo.ledger.published()[iri]
