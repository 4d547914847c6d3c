"""The contract between a source and the sync engine.

A source reads one registry, file or catalogue and yields its records as :class:`Item`, in a
stable order, each with the position a resumed run starts after. It never writes: the engine
maps items to records, plans and applies them through the one governed write path
(:class:`catalog.workflow.publishing.Publishing` as a ``source:NAME`` principal).

An item carries either ``data`` (what the source gave: a JSON value for REST, JSON Lines and CSV
rows, an lxml element for SOAP and XML) for the mapping's field expressions to read, or a
``draft`` already read as RDF (harvests of other CPSV-AP catalogues). An item the source could
not read carries ``problems`` instead: the engine rejects it with those reasons and goes on,
since one bad record never stops a run. A fault of the whole source (unreachable, refused
definition, answer over its cap) is raised as a :class:`catalog.errors.CatalogError`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from catalog.errors import CatalogError
from catalog.records.split import RecordDraft


@dataclass(frozen=True)
class Item:
    """One record as a source gives it."""

    #: the record's identity in the source, stable across runs (a code, a row key, an IRI)
    key: str
    #: the cursor after this item: a run resumed with ``after=position`` yields what follows
    position: str
    #: the source's record for the field mapping (JSON value or lxml element)
    data: Any = None
    #: or the record already read as RDF
    draft: RecordDraft | None = None
    #: why the item could not be read (the engine rejects it with these reasons)
    problems: tuple[CatalogError, ...] = ()
    #: where it came from: source catalogue, original IRI, harvest time ... (kept with the record)
    provenance: Mapping[str, str] = field(default_factory=dict)


class Source(Protocol):
    """A readable source of records."""

    #: the adapter's name (``source:NAME`` writes)
    name: str

    def items(self, after: str | None = None) -> Iterator[Item]:
        """The records after the position ``after`` (all of them when ``None``)."""
        ...

    def close(self) -> None:
        """Release connections and files."""
        ...
