"""Source type -> factory: how the engine builds the source a mapping declares.

A factory takes the checked mapping and returns a :class:`~adapters.sources.base.Source`. The
hub's registry (:func:`default_registry`) is built fresh for each engine: ``file`` and ``rdf``
(another catalogue's CPSV-AP document), and ``rest`` and ``soap`` when their modules expose a
``source_from_mapping(spec, context)`` factory. Tests register fakes on a registry of their own.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from adapters.mapping.spec import MappingSpec
from adapters.sources.base import Source
from adapters.sources.files import file_source
from catalog.core import Catalog
from catalog.errors import InvalidInput
from catalog.records import RecordDraft
from catalog.settings import Settings
from catalog.validation import ValidationReport


@dataclass(frozen=True)
class SourceContext:
    """What a source may need of the hub that runs it."""

    settings: Settings
    #: the IRI of the mapping's institution (the owner of harvested records)
    institution_iri: str | None = None
    #: the catalogue's validation of a record (harvests validate as they read)
    validate: Callable[[RecordDraft], ValidationReport] | None = None
    #: the catalogue itself (an MConnect header reads the legal basis of a published service)
    catalog: Catalog | None = None


SourceFactory = Callable[[MappingSpec, SourceContext], Source]

#: source types whose factory lives in a module of their own: type -> module
PLUGGED = {"rest": "adapters.sources.rest", "soap": "adapters.sources.soap"}


def _file(spec: MappingSpec, _context: SourceContext) -> Source:
    return file_source(spec.name, spec.source, spec.base_dir, spec.record.iterator)


def _rdf(spec: MappingSpec, context: SourceContext) -> Source:
    """Another catalogue's CPSV-AP document (``adapters/sources/rdf.py``): its ``file``
    relative to the mapping, or to the working directory (the clone's root) as the harvest
    examples write it; or its ``url`` (downloaded when the run reads it)."""
    from adapters.sources.rdf import RdfSource

    src = spec.source
    url = src.get("url")
    path: Path | None = None
    name = str(url or src.get("file") or src.get("path"))
    if url is None:
        path = spec.path(name)
        if not path.exists() and not Path(name).is_absolute():
            path = Path(name).resolve()
    return RdfSource(name=spec.name, file=path, url=url,
                     cpsv_ap=str(src.get("cpsv_ap") or src.get("cpsv_ap_version") or "3.2.0"),
                     settings=context.settings, fmt=src.get("format"),
                     catalogue=src.get("catalogue") or name, max_bytes=src.get("max_bytes"),
                     default_language=src.get("untagged_language"),
                     institution_iri=context.institution_iri, validate=context.validate)


class SourceRegistry:
    def __init__(self) -> None:
        self._factories: dict[str, SourceFactory] = {}

    def register(self, source_type: str, factory: SourceFactory) -> None:
        self._factories[source_type] = factory

    @property
    def types(self) -> list[str]:
        return sorted(self._factories)

    def build(self, spec: MappingSpec, context: SourceContext) -> Source:
        factory = self._factories.get(spec.source_type)
        if factory is None:
            raise InvalidInput.of("adapter.unknown_source", field="source.type",
                                  value=spec.source_type, expected=", ".join(self.types))
        return factory(spec, context)


def default_registry() -> SourceRegistry:
    """file, plus rest / soap / rdf where their modules provide ``source_from_mapping``."""
    registry = SourceRegistry()
    registry.register("file", _file)
    registry.register("rdf", _rdf)
    for source_type, module_name in PLUGGED.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        factory = getattr(module, "source_from_mapping", None)
        if callable(factory):
            registry.register(source_type, factory)
    return registry
