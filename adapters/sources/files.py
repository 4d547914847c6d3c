"""File sources: CSV (one item per row, a dict of column -> text), JSON Lines (one item per
line) and JSON (the items an iterator finds in the document, the whole document otherwise).

Positions are item numbers (``"12"``: the twelfth row, line or element), so a resumed run reads
on from the item after its cursor. Sizes are capped before reading; a row or line that cannot
be read is an item with problems (rejected with its reason), not the end of the run.
"""

from __future__ import annotations

import csv
import json
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import jmespath

from adapters.sources.base import Item
from catalog import gates
from catalog.errors import CatalogError, InvalidInput, TooLarge

#: default cap of a source file
MAX_FILE_BYTES = 512 * 1024 * 1024
#: cap of a JSON document read whole (not streamed)
MAX_JSON_BYTES = 64 * 1024 * 1024
#: deepest nesting of a JSON item
MAX_NESTING = 64


def _skip(after: str | None) -> int:
    return int(after) if after and after.isdigit() else 0


class FileSource:
    """A CSV, JSON Lines or JSON file."""

    def __init__(self, name: str, path: Path, fmt: str, *, encoding: str = "utf-8",
                 delimiter: str = ",", iterator: str | None = None,
                 max_bytes: int = MAX_FILE_BYTES) -> None:
        self.name, self.path, self.format = name, path, fmt
        self.encoding, self.delimiter, self.iterator = encoding, delimiter, iterator
        self.max_bytes = max_bytes
        try:
            st = path.stat()
        except OSError as exc:
            raise InvalidInput.of("adapter.source_missing", value=path.name) from exc
        if not stat.S_ISREG(st.st_mode):  # a device (/dev/zero), a pipe, a folder
            raise InvalidInput.of("adapter.source_unreadable", value=path.name,
                                  expected=fmt.upper(), reason="it is not a regular file")
        size = st.st_size
        limit = min(max_bytes, MAX_JSON_BYTES) if fmt == "json" else max_bytes
        if size > limit:
            raise TooLarge.of("adapter.source_too_large", value=path.name, limit=limit)

    def items(self, after: str | None = None) -> Iterator[Item]:
        skip = _skip(after)
        if self.format == "csv":
            yield from self._csv(skip)
        elif self.format == "jsonl":
            yield from self._jsonl(skip)
        else:
            yield from self._json(skip)

    def close(self) -> None:
        return None

    def _unreadable(self, why: str) -> InvalidInput:
        return InvalidInput.of("adapter.source_unreadable", value=self.path.name,
                               expected=self.format.upper(), reason=why)

    def _csv(self, skip: int) -> Iterator[Item]:
        with self.path.open(encoding=self.encoding, newline="") as f:
            try:
                reader = csv.reader(f, delimiter=self.delimiter)
                header = next(reader, None)
                if not header:
                    return
                header = [h.strip().lstrip("\ufeff") for h in header]
                for n, row in enumerate(reader, start=1):
                    if n <= skip or not any(c.strip() for c in row):
                        continue
                    yield self._row(n, header, row)
            except (csv.Error, UnicodeDecodeError) as exc:
                raise self._unreadable(str(exc)[:200]) from exc

    def _row(self, n: int, header: list[str], row: list[str]) -> Item:
        where = f"row {n}"
        if len(row) != len(header):
            return Item(where, str(n), problems=(InvalidInput.of(
                "adapter.item_unreadable", field=where,
                expected=f"{len(header)} columns", reason=f"it has {len(row)}"),))
        data = dict(zip(header, row, strict=True))
        return Item(where, str(n), data=data)

    def _jsonl(self, skip: int) -> Iterator[Item]:
        with self.path.open("rb") as f:
            for n, line in enumerate(f, start=1):
                if n <= skip or not line.strip():
                    continue
                where = f"line {n}"
                try:
                    data = self._decode(line)
                except CatalogError as exc:
                    yield Item(where, str(n), problems=(exc,))
                    continue
                except (ValueError, UnicodeDecodeError) as exc:
                    yield Item(where, str(n), problems=(InvalidInput.of(
                        "adapter.item_unreadable", field=where, expected="JSON",
                        reason=str(exc)[:200]),))
                    continue
                yield Item(where, str(n), data=data)

    @staticmethod
    def _decode(raw: bytes) -> Any:
        text = raw.decode("utf-8")
        gates.check_nesting(text, MAX_NESTING, what="JSON", json=True)
        return json.loads(text)

    def _json(self, skip: int) -> Iterator[Item]:
        try:
            doc = self._decode(self.path.read_bytes())
        except (ValueError, UnicodeDecodeError) as exc:
            raise self._unreadable(str(exc)[:200]) from exc
        found = jmespath.search(self.iterator, doc) if self.iterator else doc
        values = found if isinstance(found, list) else [] if found is None else [found]
        for n, data in enumerate(values, start=1):
            if n > skip:
                yield Item(f"item {n}", str(n), data=data)


def file_source(name: str, source: Mapping[str, Any], base_dir: Path,
                iterator: str | None) -> FileSource:
    """The file source a mapping declares."""
    return FileSource(name, (base_dir / source["path"]).resolve(), source["format"],
                      encoding=source.get("encoding", "utf-8"),
                      delimiter=source.get("delimiter", ","), iterator=iterator,
                      max_bytes=source.get("max_bytes", MAX_FILE_BYTES))
