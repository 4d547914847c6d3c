"""RDF representations of a resource or a graph: which media types a client may ask for, and
the bytes written for each (the IRIs of the catalogue and the Graph Store Protocol share them).

Aliases answer in the media type the client asked for: ``text/n3`` (Turtle is N3),
``application/json`` (JSON-LD) and ``text/plain`` (N-Triples). JSON-LD is compacted with the
CPSV-AP 3.2.0 context (:func:`catalog.rdfio.compact_jsonld`), which it names by URL; a client
that cannot fetch a context asks for the expanded form with the JSON-LD 1.1 profile
(``Accept: application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"``). TriG and
N-Quads put the triples in their record's named graph (the default graph when there is none).
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


EXPANDED = "http://www.w3.org/ns/json-ld#expanded"


def wants_expanded(accept: str) -> bool:
    """Whether ``Accept`` asks for JSON-LD in the expanded form (JSON-LD 1.1 §9.1 profiles)."""
    return any(EXPANDED in part and "json" in part.split(";")[0]
               for part in accept.split(","))


def write(triples: Sequence[ox.Triple], media: str, graph: str | None = None, *,
          expanded: bool = False) -> bytes:
    """``triples`` in the format of ``media`` (a key of :data:`RDF_ANSWERS`); JSON-LD compacted
    unless ``expanded``."""
    info = rdfio.FORMATS[RDF_ANSWERS[media]]
    if info.name == "jsonld" and expanded:
        return ox.serialize(list(triples), format=ox.RdfFormat.JSON_LD) or b""
    if info.datasets and info.name != "jsonld":
        name: ox.NamedNode | ox.DefaultGraph = (ox.NamedNode(graph) if graph
                                                 else ox.DefaultGraph())
        return rdfio.serialize([ox.Quad(t.subject, t.predicate, t.object, name)
                                for t in triples], info)
    return rdfio.serialize(triples, info)


__all__ = ["EXPANDED", "FORMAT_WORDS", "RDF_ANSWERS", "wants_expanded", "write"]
