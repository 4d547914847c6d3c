"""The RDF harvest source: another country's CPSV-AP catalogue (RDF/XML, Turtle, JSON-LD,
N-Triples, N-Quads, TriG) read into harvested-service records, one :class:`Item` each.

The reading is domain logic and lives in :mod:`catalog.intake.harvest` (upgrade to CPSV-AP
3.2.0, records cut by links, the official shapes); this module reads the file under its size
cap, names the source and the harvest time, and gives each record to the sync engine as an
item: ``draft`` (the record as RDF), ``problems`` (every reason to reject it, each finding
naming its subject) and ``provenance`` (source catalogue, harvest time, original IRI, what the
source stated that the hub owns). :attr:`RdfSource.harvest` keeps the whole report (renames
done, resources shared or left out). No IRI read from the document is ever dereferenced; the
document itself is a local file (``file``) or downloaded once from the mapping's ``url``
(:mod:`adapters.sources.fetch`: public addresses only unless ``SEMCAT_HARVEST_ALLOW_PRIVATE``,
size cap, timeouts, no redirect to another host).

Until the sync engine reads mappings, ``python -m adapters.sources.rdf MAPPING.yaml`` reads a
mapping's file into records and prints the report (JSON with ``--format json``).
"""

from __future__ import annotations

import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from adapters.sources.base import Item
from adapters.sources.fetch import fetch
from adapters.sources.http import Limits
from catalog import rdfio, shapes
from catalog.errors import InvalidInput, TooLarge
from catalog.intake.cpsv_upgrade import renames_from
from catalog.intake.harvest import Harvest, HarvestOptions, Validate, read_harvest
from catalog.records.builtin import HARVESTED_SERVICE
from catalog.records.kinds import RecordKind
from catalog.settings import Settings
from catalog.validation import ReferenceIndex


def open_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most ``max_bytes`` (no device, FIFO or directory)."""
    try:
        info = path.stat()
    except OSError as exc:
        raise InvalidInput.of("harvest.source_file", field="source.file", value=str(path),
                              reason=exc.strerror or type(exc).__name__) from exc
    if not stat.S_ISREG(info.st_mode):
        raise InvalidInput.of("harvest.source_file", field="source.file", value=str(path),
                              reason="not a regular file")
    if info.st_size > max_bytes:
        raise TooLarge.of("input.too_large", field="source.file", value=info.st_size,
                          expected=f"<= {max_bytes} bytes", what=f"harvest file {path}",
                          size=info.st_size, limit=max_bytes)
    with path.open("rb") as f:
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:  # grew while read
        raise TooLarge.of("input.too_large", field="source.file", value=len(data),
                          expected=f"<= {max_bytes} bytes", what=f"harvest file {path}",
                          size=len(data), limit=max_bytes)
    return data


def standalone_validate(settings: Settings, kind: RecordKind = HARVESTED_SERVICE,
                        index: ReferenceIndex | None = None) -> Validate:
    """Validation of harvested records without a catalogue at hand (the kind's shapes alone;
    a catalogue's :meth:`catalog.core.Catalog.validate` does the same with its references)."""
    refs = index if index is not None else ReferenceIndex()
    return lambda draft: shapes.validate_variant(kind, draft, refs, settings.validation_engine)


@dataclass
class RdfSource:
    """A harvested CPSV-AP document as a :class:`adapters.sources.base.Source`."""

    name: str
    file: Path | None
    cpsv_ap: str
    settings: Settings
    fmt: str | None = None  # by the file's (or URL's) extension, or the answer's media type
    #: the document's address, when it is downloaded rather than read from ``file``
    url: str | None = None
    #: the largest document (the setting ``max_bulk_bytes`` at most)
    max_bytes: int | None = None
    #: the source catalogue as the mapping names it (its ``file`` or URL), for the records'
    #: provenance: never the server's own path to the file (the file's name when not given)
    catalogue: str | None = None
    default_language: str | None = None
    #: the hub institution that harvests the records (their owner: ``dct:publisher``)
    institution_iri: str | None = None
    #: the catalogue's validation (``Catalog.validate``), or the kind's shapes alone
    validate: Validate | None = None
    kind: RecordKind = HARVESTED_SERVICE
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    harvest: Harvest | None = field(default=None, init=False)

    def read(self) -> Harvest:
        """Read the whole document (once) into records."""
        if self.harvest is None:
            renames_from(self.cpsv_ap)  # an unknown version is refused before any reading
            data, fmt, name = self._document()
            options = HarvestOptions(source=self.catalogue or name,
                                     cpsv_ap=self.cpsv_ap,
                                     fmt=fmt, harvested_at=self.clock(),
                                     default_language=self.default_language,
                                     institution_iri=self.institution_iri)
            validate = self.validate or standalone_validate(self.settings, self.kind)
            self.harvest = read_harvest(data, options, self.kind, self.settings, validate)
        return self.harvest

    def _document(self) -> tuple[bytes, str, str]:
        """The document's bytes, its format (a name, file name or media type) and its name
        for the provenance (the file's name, or the URL)."""
        cap = min(self.max_bytes or self.settings.max_bulk_bytes,
                  self.settings.max_bulk_bytes)
        if self.url is None:
            if self.file is None:
                raise InvalidInput.of("harvest.source_file", field="source.file", value="",
                                      reason="the mapping names no file or url")
            return open_file(self.file, cap), self.fmt or self.file.name, self.file.name
        got = fetch(self.url, Limits(total_s=self.settings.harvest_timeout_s, max_bytes=cap),
                    allow_private=self.settings.harvest_allow_private)
        fmt = self.fmt or _format_of(got.url, got.media_type)
        return got.body, fmt, self.url

    def items(self, after: str | None = None) -> Iterator[Item]:
        """The records in document order; ``position`` is the record's ordinal (1-based)."""
        start = int(after) if after else 0
        for n, rec in enumerate(self.read().records, start=1):
            if n <= start:
                continue
            yield Item(key=rec.draft.iri, position=str(n), draft=rec.draft,
                       problems=tuple(rec.problems), provenance=dict(rec.provenance))

    def close(self) -> None:
        self.harvest = None


def _format_of(url: str, media_type: str) -> str:
    """The format of a downloaded document: its path's extension, else its media type."""
    path = url.split("?", 1)[0].split("#", 1)[0]
    for candidate in (path.rsplit("/", 1)[-1], media_type):
        try:
            return rdfio.format_for(candidate).name
        except InvalidInput:
            continue
    raise InvalidInput.of("harvest.url_format", field="source.format", value=url,
                          expected=", ".join(sorted(rdfio.FORMATS)))
