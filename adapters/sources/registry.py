"""Source type -> factory: how the engine builds the source a mapping declares.

A factory takes the checked mapping and returns a :class:`~adapters.sources.base.Source`. The
hub's registry (:func:`default_registry`) is built fresh for each engine: ``file`` always, and
``rest``, ``soap`` and ``rdf`` when their modules are installed (each module exposes a
``source_from_mapping(spec)`` factory). Tests register fakes on a registry of their own.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from adapters.mapping.spec import MappingSpec
from adapters.sources.base import Source
from adapters.sources.files import file_source
from catalog.errors import InvalidInput

SourceFactory = Callable[[MappingSpec], Source]

#: source types whose factory lives in a module of their own: type -> module
PLUGGED = {"rest": "adapters.sources.rest", "soap": "adapters.sources.soap",
           "rdf": "adapters.sources.rdf"}


def _file(spec: MappingSpec) -> Source:
    return file_source(spec.name, spec.source, spec.base_dir, spec.record.iterator)


class SourceRegistry:
    def __init__(self) -> None:
        self._factories: dict[str, SourceFactory] = {}

    def register(self, source_type: str, factory: SourceFactory) -> None:
        self._factories[source_type] = factory

    @property
    def types(self) -> list[str]:
        return sorted(self._factories)

    def build(self, spec: MappingSpec) -> Source:
        factory = self._factories.get(spec.source_type)
        if factory is None:
            raise InvalidInput.of("adapter.unknown_source", field="source.type",
                                  value=spec.source_type, expected=", ".join(self.types))
        return factory(spec)


def default_registry() -> SourceRegistry:
    """file, plus rest / soap / rdf where their modules provide ``source_from_mapping``."""
    registry = SourceRegistry()
    registry.register("file", _file)
    for source_type, module_name in PLUGGED.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        factory = getattr(module, "source_from_mapping", None)
        if callable(factory):
            registry.register(source_type, factory)
    return registry
