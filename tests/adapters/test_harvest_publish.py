"""Harvested records through the one write path: a ``source:NAME`` principal of the harvesting
institution imports them as the kind ``harvested-service``, validated against the official
CPSV-AP 3.2.0 shapes alone, not the national profile."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from sqlmodel import select

from adapters.sources.rdf import RdfSource
from catalog.core import Catalog
from catalog.ledger import Record
from catalog.ledger.db import read_session
from catalog.namespaces import CPSV, DCT
from catalog.records.builtin import HARVESTED_SERVICE, SERVICE
from catalog.records.split import RecordDraft, split
from catalog.settings import Settings
from catalog.workflow.access import Principal
from catalog.workflow.publishing import Publishing
from tests.conftest import open_catalog

LAVORO = "datasets/trento-cpsv-ap-2/trento_servizi_lavoro.rdf"


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Catalog]:
    cat = open_catalog(Settings(env="test", data_dir=tmp_path_factory.mktemp("data")))
    yield cat
    cat.close()


def _age(catalog: Catalog) -> Principal:
    iri = catalog.settings.base_uri + "id/org/age"
    return Principal.source("trento-cpsv-ap-2-lavoro", "AGE", iri, 0)


def test_the_kind_is_a_variant_never_picked_by_class(catalog: Catalog) -> None:
    assert catalog.kinds.of_class(CPSV + "PublicService") is SERVICE
    assert catalog.kinds["harvested-service"] is HARVESTED_SERVICE
    doc = "<https://x.example/s> a <http://purl.org/vocab/cpsv#PublicService> ."
    quads = list(ox.parse(doc, format=ox.RdfFormat.TURTLE))
    assert [d.kind for d in split(quads, catalog.kinds)] == ["service"]


def test_harvested_records_are_imported_by_the_harvesting_institution(
        catalog: Catalog, shared: Path) -> None:
    principal = _age(catalog)
    source = RdfSource("trento-cpsv-ap-2-lavoro", shared / LAVORO,
                       "2.2.1", catalog.settings, validate=catalog.validate,
                       institution_iri=principal.institution_iri)
    items = list(source.items())
    assert len(items) == 40
    drafts = [i.draft for i in items if i.draft is not None and not i.problems]
    report = Publishing(catalog).import_records(principal, drafts, atomic=False,
                                                publish=False)
    assert report.summary() == {"created": 40, "updated": 0, "unchanged": 0, "rejected": 0}
    with read_session(catalog.engine) as s:
        kinds = {r.kind for r in s.exec(select(Record).where(
            Record.iri.in_([d.iri for d in drafts])))}  # type: ignore[attr-defined]
    assert kinds == {"harvested-service"}
    # the same record read as a national passport breaks the national profile
    draft = drafts[0]
    national = RecordDraft(draft.iri, "service", list(draft.triples), declared=SERVICE)
    assert not catalog.validate(national).conforms
    assert catalog.validate(draft).conforms
    # the record's owner in the hub is the harvesting institution, not Trento's authority
    assert draft.authority == principal.institution_iri
    assert any(t.predicate.value == DCT + "publisher" for t in draft.triples)


def test_another_institution_cannot_import_them(catalog: Catalog, shared: Path) -> None:
    age = _age(catalog)
    source = RdfSource("x", shared / LAVORO, "2.2.1", catalog.settings,
                       validate=catalog.validate, institution_iri=age.institution_iri)
    draft = next(i.draft for i in source.items() if i.draft is not None and not i.problems)
    other = Principal.source("x", "ASP", catalog.settings.base_uri + "id/org/asp", 0)
    report = Publishing(catalog).import_records(other, [draft], atomic=False, publish=False)
    assert report.summary()["rejected"] == 1
    assert report.outcomes[0].error is not None
    assert report.outcomes[0].error.code == "forbidden"


def test_national_passports_are_not_validated_against_the_official_shapes(
        catalog: Catalog) -> None:
    from rdflib import URIRef
    from rdflib.namespace import RDF, SH

    from catalog import shapes

    profile = shapes.profile_shapes(catalog.kinds)
    official = shapes.variant_validator(tuple(shapes.kind_files([HARVESTED_SERVICE])),
                                        catalog.settings.validation_engine)
    assert official is shapes.variant_validator(  # compiled once
        tuple(shapes.kind_files([HARVESTED_SERVICE])), catalog.settings.validation_engine)
    node_shapes = {str(s) for s in profile.subjects(RDF.type, SH.NodeShape)}
    assert node_shapes
    assert not any(s.startswith("https://semiceu.github.io/CPSV-AP/") for s in node_shapes)
    assert (None, SH.targetClass, URIRef(CPSV + "PublicService")) in profile


def test_a_national_passport_named_outside_its_family_is_refused_by_the_import(
        catalog: Catalog) -> None:
    """Only a variant (a harvested service) keeps an IRI of its own: a national passport is
    ``id/service/{code}``, as the national lists expect, in a bulk import as in a single
    write."""
    from pathlib import Path as _Path

    trig = _Path(__file__).resolve().parents[2] / "vocabularies" / "demo" / "nomenclature.trig"
    draft = next(d for d in catalog.parse(trig.read_bytes(), trig.name) if d.kind == "service")
    old, new = draft.iri, "https://elsewhere.example/svc/1"

    def moved(n: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Any:
        return ox.NamedNode(new + n.value[len(old):]) \
            if isinstance(n, ox.NamedNode) and n.value.startswith(old) else n

    elsewhere = RecordDraft(new, "service", [ox.Triple(moved(t.subject), t.predicate,
                                                       moved(t.object)) for t in draft.triples])
    report = Publishing(catalog).import_records(Principal.operator("t"), [elsewhere],
                                                atomic=False, publish=False)
    assert report.summary()["rejected"] == 1
    error = report.outcomes[0].error
    assert error is not None
    assert error.message_id == "publish.other_record"
    assert error.message == f"the document must describe the public service {old}, not {new}"
