"""Adapters: registry SOAP/REST sources, files and other catalogues turned into catalog records
(docs/adapters.md). It calls :mod:`catalog`, never the other way round.

- ``mapping/``: the mapping format (JSON Schema, YAML loader), references and the field mapping;
- ``sources/``: the Source/Item contract, the registry of source types, file sources;
- ``sync/``: runs (dry run, apply, resume, lock, schedule) through the one write path;
- ``crosswalks/``: SKOS code lists and SSSOM TSV of a mapping's crosswalks;
- ``definitions/``: bundles of WSDL/XSD and the hardened XML parser.
"""

from adapters.mapping.spec import MappingSpec, load, parse, schema
from adapters.sources.base import Item, Source
from adapters.sources.registry import SourceRegistry, default_registry
from adapters.sync.runner import RunReport, Sync

__all__ = ["Item", "MappingSpec", "RunReport", "Source", "SourceRegistry", "Sync",
           "default_registry", "load", "parse", "schema"]
