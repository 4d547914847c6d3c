"""Every vocabulary namespace the catalog speaks, spelt once.

CPSV-AP 3.2.0 namespaces as published by SEMIC; ``SC`` is our national profile
(see ``vocabularies/profile.ttl``). Each namespace is a plain IRI prefix string; ``term``
helpers give full IRIs.
"""

from __future__ import annotations

from typing import Final

RDF: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS: Final = "http://www.w3.org/2000/01/rdf-schema#"
XSD: Final = "http://www.w3.org/2001/XMLSchema#"
OWL: Final = "http://www.w3.org/2002/07/owl#"
SH: Final = "http://www.w3.org/ns/shacl#"
SKOS: Final = "http://www.w3.org/2004/02/skos/core#"
DCT: Final = "http://purl.org/dc/terms/"
CPSV: Final = "http://purl.org/vocab/cpsv#"
CV: Final = "http://data.europa.eu/m8g/"
ELI: Final = "http://data.europa.eu/eli/ontology#"
ADMS: Final = "http://www.w3.org/ns/adms#"
DCAT: Final = "http://www.w3.org/ns/dcat#"
LOCN: Final = "http://www.w3.org/ns/locn#"
SCHEMA: Final = "https://schema.org/"
FOAF: Final = "http://xmlns.com/foaf/0.1/"
GEO: Final = "http://www.opengis.net/ont/geosparql#"
TIME: Final = "http://www.w3.org/2006/time#"
ORG: Final = "http://www.w3.org/ns/org#"
PROV: Final = "http://www.w3.org/ns/prov#"
SC: Final = "https://w3id.org/semcat/ns#"
SC_SHAPES: Final = "https://w3id.org/semcat/shapes#"
EU_AUTHORITY: Final = "http://publications.europa.eu/resource/authority/"
SD: Final = "http://www.w3.org/ns/sparql-service-description#"
W3C_FORMATS: Final = "http://www.w3.org/ns/formats/"
SSSOM: Final = "https://w3id.org/sssom/"
SEMAPV: Final = "https://w3id.org/semapv/vocab/"
VCARD: Final = "http://www.w3.org/2006/vcard/ns#"
IANA_MEDIA: Final = "http://www.iana.org/assignments/media-types/"
SPDX: Final = "http://spdx.org/rdf/terms#"

#: Prefix map used for Turtle output and SPARQL prologues.
PREFIXES: Final[dict[str, str]] = {
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "owl": OWL,
    "sh": SH,
    "skos": SKOS,
    "dct": DCT,
    "cpsv": CPSV,
    "cv": CV,
    "eli": ELI,
    "adms": ADMS,
    "dcat": DCAT,
    "locn": LOCN,
    "schema": SCHEMA,
    "foaf": FOAF,
    "geo": GEO,
    "time": TIME,
    "org": ORG,
    "sc": SC,
    "sd": SD,
}

RDF_TYPE: Final = RDF + "type"

#: Graph that holds the projection's own bookkeeping (the watermark) inside the quad store.
META_GRAPH: Final = "urn:semcat:meta"
WATERMARK_SUBJECT: Final = "urn:semcat:projection"
WATERMARK_PREDICATE: Final = SC + "watermark"
#: The lease epoch of the last process that wrote the projection (fences out late writers).
FENCE_PREDICATE: Final = SC + "writerEpoch"


def sparql_prologue() -> str:
    """``PREFIX`` lines for every namespace above."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
