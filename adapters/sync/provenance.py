"""Where a record written by an adapter came from, in its RDF and in its history.

In the record's content (PROV-O and DCMI terms, on resources under the record's IRI, its
``#source`` and ``#source-agent``: blank nodes would cost every validation of the record ~30x,
measured with pyshacl-turbo)::

    <root> dct:source <root#source> .
    <root#source> a prov:Entity ;
        dct:identifier "KEY" ;                 # the item's key in the source
        dct:isPartOf <https://registry/...> ;  # the registry, catalogue or file it was read from
        prov:wasAttributedTo <root#source-agent> .
    <root#source-agent> a prov:SoftwareAgent ; rdfs:label "source:NAME" .

Only what stays the same from run to run is content, so that a re-run of an unchanged source
writes nothing. The run's number and the time of the read (and, for a harvest, the harvest
time, the original IRI and what the source stated that the hub owns) are the version's
provenance in the ledger (:attr:`catalog.records.RecordDraft.provenance`): shown with the
version in the history (``/versions``) and in the audit entry of the write.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyoxigraph as ox

from adapters.mapping.spec import MappingSpec
from catalog.namespaces import DCT, PROV, RDF_TYPE, RDFS
from catalog.records import RecordDraft


def location_of(spec: MappingSpec) -> str:
    """The source as the provenance names it: a registry's or catalogue's address (without
    its query), or a file's name (never the hub's own path to it)."""
    src: Mapping[str, Any] = spec.source
    kind = spec.source_type
    if kind == "rest":
        return _no_query(str(src.get("base_url", "")).rstrip("/") + str(src.get("path", "")))
    if kind == "soap":
        where = src.get("endpoint")
        return _no_query(str(where)) if where else Path(str(src.get("wsdl", "wsdl"))).name
    if kind == "rdf":
        named = src.get("catalogue") or src.get("url")
        return _no_query(str(named)) if named else \
            Path(str(src.get("file") or src.get("path"))).name
    return Path(str(src.get("path", ""))).name


def _no_query(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.hostname:
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{parts.hostname}{port}{parts.path}"
    return url


def _part_of(location: str) -> ox.NamedNode | ox.Literal:
    if location.startswith(("http://", "https://")):
        try:
            return ox.NamedNode(location)
        except ValueError:
            pass
    return ox.Literal(location)


def stamp(draft: RecordDraft, adapter: str, key: str, location: str) -> None:
    """Add the stable provenance (see the module) to ``draft``'s content."""
    root = ox.NamedNode(draft.iri)
    entity, agent = ox.NamedNode(draft.iri + "#source"), ox.NamedNode(draft.iri + "#source-agent")
    draft.triples += [
        ox.Triple(root, ox.NamedNode(DCT + "source"), entity),
        ox.Triple(entity, ox.NamedNode(RDF_TYPE), ox.NamedNode(PROV + "Entity")),
        ox.Triple(entity, ox.NamedNode(DCT + "identifier"), ox.Literal(key)),
        ox.Triple(entity, ox.NamedNode(DCT + "isPartOf"), _part_of(location)),
        ox.Triple(entity, ox.NamedNode(PROV + "wasAttributedTo"), agent),
        ox.Triple(agent, ox.NamedNode(RDF_TYPE), ox.NamedNode(PROV + "SoftwareAgent")),
        ox.Triple(agent, ox.NamedNode(RDFS + "label"), ox.Literal(f"source:{adapter}")),
    ]


def version_provenance(adapter: str, run_id: int, key: str, location: str, read_at: str,
                       item: Mapping[str, str]) -> dict[str, str]:
    """What the version's history and audit keep of its origin (see the module)."""
    out = {"source": f"source:{adapter}", "run": str(run_id), "key": key,
           "location": location, "read_at": read_at}
    for name, value in item.items():  # a harvest's: source, harvested_at, original_iri ...
        out.setdefault(name if name != "source" else "catalogue", value)
    return out
