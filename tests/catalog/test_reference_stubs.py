"""A service is known to the reference index by its class alone: compact, and answered as the
full entry was."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import RDF, URIRef

from catalog.namespaces import CPSV, RDF_TYPE
from catalog.validation import ReferenceIndex

IRI = "http://127.0.0.1:8000/id/service/ASP-0001"
TYPE = ox.Triple(ox.NamedNode(IRI), ox.NamedNode(RDF_TYPE), ox.NamedNode(CPSV + "PublicService"))
TITLE = ox.Triple(ox.NamedNode(IRI), ox.NamedNode("http://purl.org/dc/terms/title"),
                  ox.Literal("Titlu", language="ro"))


def test_a_stub_describes_the_record_by_its_class_only() -> None:
    index = ReferenceIndex()
    index.put(IRI, [TYPE, TITLE], stub_only=True)
    assert index.describe(IRI) == [(URIRef(IRI), RDF.type, URIRef(CPSV + "PublicService"))]
    assert index.types(IRI) == [TYPE]
    assert len(index) == 1


def test_a_full_entry_replaces_a_stub_and_drop_forgets_both() -> None:
    index = ReferenceIndex()
    index.put(IRI, [TYPE], stub_only=True)
    index.put(IRI, [TYPE, TITLE])
    assert len(index.describe(IRI)) == 2
    index.put(IRI, [TYPE], stub_only=True)
    assert len(index.describe(IRI)) == 1
    assert len(index) == 1
    index.drop(IRI)
    assert index.describe(IRI) == []
    assert index.types(IRI) == []
    assert len(index) == 0
