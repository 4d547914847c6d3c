"""Reading a bulk file record by record, in memory that does not grow with the file.

:func:`stream_items` yields the items of a bulk file (a binary file object) lazily, each a
:class:`~catalog.records.RecordDraft` or an :class:`~catalog.intake.readers.Unreadable`, and
counts the bytes it has read (:attr:`ItemStream.bytes_read`) for a progress bar.

- **JSON Lines** (``.jsonl``, ``.ndjson``): line by line. A line over
  ``settings.max_record_bytes`` is an :class:`Unreadable` (the rest of it is skipped, never
  held); a file whose first character is ``[`` is a JSON list and is read whole.
- **CSV**: row by row (:class:`CsvFileLines` into :func:`~catalog.records.csvformat.iter_csv`);
  a row over ``settings.max_record_bytes`` stops the read (CSV cannot resynchronise inside a
  row), as do bad UTF-8 and malformed CSV, with the line.
- **N-Quads**: pyoxigraph's streaming parser over the file; a record is a run of quads of one
  named graph, at most ``settings.max_record_bytes`` of N-Quads. A graph whose quads are split
  into several runs (another graph in between) cannot be streamed correctly: a first pass over
  the file (parsing only, ~2 % of an import's time) finds such graphs, and every run of them is
  refused as an :class:`Unreadable` naming the graph, so no part of such a record is written.
  Quads in the default graph belong to no record here and are refused the same way (import
  triples as Turtle or N-Triples, which are read whole). A syntax error is found by the first
  pass, before anything is written. The first pass holds the set of graph names (~100 bytes a
  record).
- **Other formats** (Turtle, TriG, N-Triples, JSON-LD, RDF/XML, a ``.json`` document): read
  whole, within ``settings.max_bulk_bytes``, as :func:`~catalog.intake.readers.bulk_items` does.

The gates are the same as for a whole file: UTF-8, nesting depth, the JSON passport model, and
:func:`~catalog.intake.checks.check_record` (caps, text, server-owned properties, typed
literals); for
streamed formats a record failing them is an :class:`Unreadable` at its position.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from typing import BinaryIO

import pyoxigraph as ox

from catalog import gates, rdfio
from catalog.errors import CatalogError, InvalidInput, TooLarge
from catalog.intake import checks
from catalog.intake.readers import (
    CSV_MEDIA,
    JSONL_MEDIA,
    BulkItem,
    Unreadable,
    _row_error,
    bulk_items,
    csv_draft,
    draft_of,
    own_record,
    passport_from_data,
)
from catalog.records import RecordDraft, split
from catalog.records.codes import CodeLookup
from catalog.settings import Settings

_CHUNK = 1 << 16
_NQUADS = frozenset({"application/n-quads", "nquads"})


class _Counting(io.RawIOBase):
    """A binary file that counts the bytes read through it."""

    def __init__(self, raw: BinaryIO) -> None:
        super().__init__()
        self._raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._raw.read(len(buffer))
        buffer[:len(data)] = data
        self.count += len(data)
        return len(data)

    def uncounted(self) -> BinaryIO:
        """The file underneath, rewound: for a first pass that is not progress."""
        self._raw.seek(0)
        return self._raw


class ItemStream:
    """The items of one bulk file, read lazily; ``bytes_read`` of ``size`` so far."""

    def __init__(self, file: BinaryIO, name: str, settings: Settings,
                 codes: CodeLookup | None = None) -> None:
        self.name = name
        self.size = _size_of(file)
        self._file = _Counting(file)
        read = _reader_for(name)
        self._items = (read(self._file, settings, codes) if read is not None
                       else _whole_named(name)(io.BufferedReader(self._file, _CHUNK), settings,
                                               codes))

    @property
    def bytes_read(self) -> int:
        return self._file.count

    def __iter__(self) -> Iterator[BulkItem]:
        return self._items


def stream_items(file: BinaryIO, media_or_name: str, settings: Settings,
                 codes: CodeLookup | None = None) -> ItemStream:
    """The records of a bulk file (by its name's extension or media type), read lazily; short
    codes in JSON passports become concept IRIs through ``codes``."""
    return ItemStream(file, media_or_name, settings, codes)


def streamed(media_or_name: str) -> bool:
    """Whether a format is read record by record (else whole, within the bulk cap)."""
    return _reader_for(media_or_name) is not None


Reader = Callable[["_Counting", Settings, CodeLookup | None], Iterator[BulkItem]]


def _reader_for(media_or_name: str) -> Reader | None:
    name = media_or_name.lower()
    if name in JSONL_MEDIA or name.endswith((".jsonl", ".ndjson")):
        return _json_lines
    if name == CSV_MEDIA or name.endswith(".csv"):
        return _csv_rows
    if name in _NQUADS or name.endswith(".nq"):
        return _nquads
    return None


def _size_of(file: BinaryIO) -> int | None:
    try:
        return os.fstat(file.fileno()).st_size
    except (OSError, AttributeError, io.UnsupportedOperation):
        return None


# --- read whole ---------------------------------------------------------------------------
def _whole_named(name: str
                 ) -> Callable[[BinaryIO, Settings, CodeLookup | None], Iterator[BulkItem]]:
    def read(file: BinaryIO, settings: Settings, codes: CodeLookup | None
             ) -> Iterator[BulkItem]:
        data = file.read(settings.max_bulk_bytes + 1)
        gates.check_size(data, settings.max_bulk_bytes, what="the import file")
        yield from bulk_items(data, name, settings, codes)
    return read


# --- JSON Lines ---------------------------------------------------------------------------
def _json_lines(counting: _Counting, settings: Settings, codes: CodeLookup | None
                ) -> Iterator[BulkItem]:
    file = io.BufferedReader(counting, _CHUNK)
    limit = settings.max_record_bytes
    first = True
    n = 0
    while True:
        line = file.readline(limit + 1)
        if not line:
            return
        n += 1
        if first:
            line = line.removeprefix(b"\xef\xbb\xbf")
            if line.lstrip().startswith(b"["):  # a JSON list, not JSON Lines
                rest = io.BufferedReader(_Prepend(line, file))
                yield from _whole_named(".json")(rest, settings, codes)
                return
            first = not line.strip()
        if len(line) > limit and not line.endswith(b"\n"):
            size = len(line) + _skip_line(file)
            yield Unreadable(f"line {n}", TooLarge(
                f"line {n} is {size} bytes; at most {limit} bytes are accepted for one record",
                message_ro=f"linia {n}: {size} octeți; se acceptă cel mult {limit} octeți "
                           "pentru o înregistrare", value=size, expected=f"<= {limit} bytes",
                line=n))
            continue
        if not line.strip():
            continue
        yield _json_line(line, n, settings, codes)


def _json_line(line: bytes, n: int, settings: Settings, codes: CodeLookup | None
               ) -> BulkItem:
    position = f"line {n}"
    try:
        text = gates.decode_utf8(line, what=f"JSON line {n}")
        item = rdfio.load_json(text, max_nesting=settings.max_nesting, what=f"JSON line {n}")
        draft = draft_of(passport_from_data(item, position, codes), settings.base_uri)
        checks.check_record(draft, settings)
    except CatalogError as exc:
        if isinstance(exc, InvalidInput) and exc.line in (None, 1):
            exc.line = n
        return Unreadable(position, exc)
    return draft


def _skip_line(file: BinaryIO) -> int:
    """Read past the end of the current line; the bytes skipped."""
    skipped = 0
    while chunk := file.readline(_CHUNK):
        skipped += len(chunk)
        if chunk.endswith(b"\n"):
            break
    return skipped


class _Prepend(io.RawIOBase):
    """``head`` then the rest of ``file``: a peeked line put back."""

    def __init__(self, head: bytes, file: BinaryIO) -> None:
        super().__init__()
        self._head, self._file = head, file

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._head[:len(buffer)] if self._head else self._file.read(len(buffer))
        self._head = self._head[len(data):]
        buffer[:len(data)] = data
        return len(data)


# --- CSV ----------------------------------------------------------------------------------
def _csv_rows(counting: _Counting, settings: Settings, codes: CodeLookup | None
              ) -> Iterator[BulkItem]:
    from catalog.records import csvformat

    lines = CsvFileLines(io.BufferedReader(counting, _CHUNK), settings.max_record_bytes)
    for row in csvformat.iter_csv(lines, max_rows=None, on_row=lines.next_row):
        if row.passport is None:
            yield Unreadable(f"row {row.row}", _row_error(row))
            continue
        try:
            draft = csv_draft(row.passport, f"row {row.row}", settings.base_uri, codes)
        except CatalogError as exc:
            yield Unreadable(f"row {row.row}", exc)
            continue
        try:
            checks.check_record(draft, settings)
        except CatalogError as exc:
            yield Unreadable(f"row {row.row}", exc, iri=draft.iri, kind=draft.kind,
                             code=draft.code)
            continue
        yield draft


class CsvFileLines:
    """The decoded lines of a binary CSV file; a row over ``max_row_bytes`` stops the read."""

    def __init__(self, file: BinaryIO, max_row_bytes: int) -> None:
        self.file, self.limit, self.row_bytes, self.n = file, max_row_bytes, 0, 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        raw = self.file.readline(self.limit + 1 - self.row_bytes)
        if not raw:
            raise StopIteration
        self.n += 1
        self.row_bytes += len(raw)
        if self.row_bytes > self.limit:
            raise TooLarge(f"the CSV row reaching line {self.n} is over {self.limit} bytes",
                           message_ro=f"rândul CSV care ajunge la linia {self.n} are peste "
                                      f"{self.limit} octeți", value=self.row_bytes,
                           expected=f"<= {self.limit} bytes per row", line=self.n)
        text = gates.decode_utf8(raw, what=f"line {self.n} of the CSV file")
        return text if self.n > 1 else text.removeprefix("\ufeff")

    def next_row(self) -> None:
        """A row ended: the next one's bytes count from zero."""
        self.row_bytes = 0


# --- N-Quads ------------------------------------------------------------------------------
def _nquads(file: _Counting, settings: Settings, _codes: CodeLookup | None
            ) -> Iterator[BulkItem]:
    split_graphs = _split_graphs(file.uncounted(), settings)
    file.uncounted()  # rewound for the second pass, which counts
    yield from _graph_runs(io.BufferedReader(file, _CHUNK), settings, split_graphs)


def _parse(file: BinaryIO, settings: Settings) -> Iterator[ox.Quad]:
    try:
        yield from ox.parse(file, format=ox.RdfFormat.N_QUADS, base_iri=settings.base_uri)
    except SyntaxError as exc:
        raise InvalidInput(f"malformed nquads: {exc.msg}", message_ro=f"nquads incorect: "
                           f"{exc.msg}", line=exc.lineno, column=exc.offset) from exc
    except (ValueError, OSError) as exc:
        raise InvalidInput(f"malformed nquads: {exc}") from exc


def _split_graphs(file: BinaryIO, settings: Settings) -> set[str]:
    """The graphs whose quads come in more than one run (the first pass, before any write)."""
    seen: set[str] = set()
    split_: set[str] = set()
    current: str | None = None
    for q in _parse(file, settings):
        g = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
        if g != current:
            if g in seen:
                split_.add(g)
            seen.add(g)
            current = g
    return split_


def _graph_runs(file: BinaryIO, settings: Settings, split_graphs: set[str]
                ) -> Iterator[BulkItem]:
    limit = settings.max_record_bytes
    run: list[ox.Quad] = []
    size = 0
    current: str | None = None
    n = 0
    too_large = False
    for q in _parse(file, settings):
        g = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
        if g != current:
            if current is not None:
                yield _record(run, current, n, size, limit, too_large, split_graphs, settings)
            run, size, current, too_large = [], 0, g, False
            n += 1
        size += len(str(q)) + 3
        if size > limit:
            too_large, run = True, []  # keep counting, hold nothing
        elif not too_large:
            run.append(q)
    if current is not None:
        yield _record(run, current, n, size, limit, too_large, split_graphs, settings)


def _record(run: list[ox.Quad], graph: str, n: int, size: int, limit: int, too_large: bool,
            split_graphs: set[str], settings: Settings) -> BulkItem:
    position = f"graph {n} <{graph}>" if graph else f"graph {n} (the default graph)"
    if not graph:
        return Unreadable(position, InvalidInput(
            "triples in the default graph belong to no record in an N-Quads import; put each "
            "record's quads in its own named graph, or import triples as Turtle or N-Triples",
            message_ro="tripletele din graful implicit nu aparțin niciunei înregistrări într-un "
                       "import N-Quads; puneți-le în graful numit al înregistrării",
            expected="every quad in a named graph (one per record)"))
    if graph in split_graphs:
        return Unreadable(position, InvalidInput(
            f"the quads of graph <{graph}> are not contiguous (another graph comes between "
            "them); a streamed N-Quads import needs each record's quads together: sort the "
            "file by graph, or import it as TriG",
            message_ro=f"quad-urile grafului <{graph}> nu sunt consecutive; sortați fișierul "
                       "după graf sau importați-l ca TriG",
            value=graph, expected="the quads of each graph in one run"))
    if too_large:
        return Unreadable(position, TooLarge(
            f"graph <{graph}> is {size} bytes of N-Quads; at most {limit} bytes are accepted "
            "for one record", message_ro=f"graful <{graph}>: {size} octeți; se acceptă cel "
            f"mult {limit} octeți pentru o înregistrare", value=size,
            expected=f"<= {limit} bytes"))
    try:
        drafts = split(run)
        for d in drafts:
            own_record(d)
            checks.check_record(d, settings)
    except CatalogError as exc:
        return Unreadable(position, exc)
    assert len(drafts) == 1  # one named graph is one record
    draft: RecordDraft = drafts[0]
    return draft

