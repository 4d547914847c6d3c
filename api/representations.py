"""RDF representations of a resource or a graph: which media types a client may ask for, and
the bytes written for each (the IRIs of the catalogue and the Graph Store Protocol share them).

Aliases answer in the media type the client asked for: ``text/n3`` (Turtle is N3),
``application/json`` (JSON-LD) and ``text/plain`` (N-Triples). JSON-LD is compacted with the
CPSV-AP 3.2.0 context (:func:`catalog.rdfio.compact_jsonld`); TriG and N-Quads put the triples
in their record's named graph (the default graph when there is none).
"""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from catalog import rdfio

#: media type asked for -> format written (a name of :data:`catalog.rdfio.FORMATS`)
RDF_ANSWERS: dict[str, str] = {
    "text/turtle": "turtle",
    "application/ld+json": "jsonld",
    "application/n-triples": "ntriples",
    "application/rdf+xml": "rdfxml",
    "application/trig": "trig",
    "application/n-quads": "nquads",
    "text/n3": "turtle",
    "application/json": "jsonld",
    "text/plain": "ntriples",
}
#: the short ``?format=`` names
FORMAT_WORDS: dict[str, str] = {"ttl": "text/turtle", "jsonld": "application/ld+json",
                                "nt": "application/n-triples", "rdf": "application/rdf+xml",
                                "trig": "application/trig", "nq": "application/n-quads",
                                "n3": "text/n3", "json": "application/json",
                                "txt": "text/plain"}


def write(triples: Sequence[ox.Triple], media: str, graph: str | None = None) -> bytes:
    """``triples`` in the format of ``media`` (a key of :data:`RDF_ANSWERS`)."""
    info = rdfio.FORMATS[RDF_ANSWERS[media]]
    if info.datasets and info.name != "jsonld":
        name: ox.NamedNode | ox.DefaultGraph = (ox.NamedNode(graph) if graph
                                                 else ox.DefaultGraph())
        return rdfio.serialize([ox.Quad(t.subject, t.predicate, t.object, name)
                                for t in triples], info)
    return rdfio.serialize(triples, info)


__all__ = ["FORMAT_WORDS", "RDF_ANSWERS", "write"]
