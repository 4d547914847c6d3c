"""JSON <-> RDF for service passports is lossless (property-based)."""

from __future__ import annotations

from hypothesis import given, settings
from rdflib.compare import isomorphic

from catalog.records.passport import Passport, from_triples, to_triples
from catalog.validation import to_graph
from tests.strategies import BASE, passports


@settings(max_examples=150, deadline=None)
@given(passports)
def test_json_to_rdf_and_back_is_lossless(p: Passport) -> None:
    iri = f"{BASE}id/service/{p.code}"
    graph = to_triples(p, iri)
    again = from_triples(graph, iri)
    assert again == p
    assert isomorphic(to_graph(graph), to_graph(to_triples(again, iri)))
