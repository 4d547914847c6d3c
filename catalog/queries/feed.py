"""How integrators copy the catalogue and keep their copy exact: dumps and the change feed.

A dump is the published state at ONE change sequence number, read from the ledger in one
transaction and streamed record by record (memory stays flat in the catalogue's size). The
change feed lists every change of what is published, in sequence order, with the content of
each published version: applying it after a dump's sequence number gives the catalogue as it
is. Blank nodes are labelled per record (``_:r<n>x<label>``), since N-Quads, TriG and Turtle
documents share one blank-node scope.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import pyoxigraph as ox

from catalog import rdfio
from catalog.errors import InvalidInput
from catalog.ledger import Ledger

#: name -> media type of a dump
DUMP_FORMATS: Final[dict[str, str]] = {"nquads": "application/n-quads",
                                       "trig": "application/trig",
                                       "turtle": "text/turtle"}


def _record_triples(content: str, n: int) -> list[ox.Triple]:
    triples = rdfio.parse_canonical(content)
    if "_:" not in content:
        return triples

    def own(term: Any) -> Any:
        return ox.BlankNode(f"r{n}x{term.value}") if isinstance(term, ox.BlankNode) else term

    return [ox.Triple(own(t.subject), t.predicate, own(t.object)) for t in triples]


def _chunk(fmt: str, iri: str, triples: list[ox.Triple]) -> bytes:
    if fmt == "nquads":
        g = str(ox.NamedNode(iri))
        return "".join(f"{t.subject} {t.predicate} {t.object} {g} .\n"
                       for t in triples).encode("utf-8")
    lines = "".join(f"  {t} .\n" for t in triples)
    if fmt == "trig":
        return f"{ox.NamedNode(iri)} {{\n{lines}}}\n".encode()
    return rdfio.serialize(triples, "turtle") + b"\n"


class Dump:
    """A dump being streamed: :attr:`seq` is known before the first byte is sent."""

    def __init__(self, ledger: Ledger, fmt: str, *, gzip: bool) -> None:
        if fmt not in DUMP_FORMATS:
            raise InvalidInput(f"no dump format {fmt!r}", field="format", value=fmt,
                               message_ro=f"formatul de export {fmt!r} nu există",
                               expected=", ".join(DUMP_FORMATS))
        self.fmt, self.gzip = fmt, gzip
        self.media_type = DUMP_FORMATS[fmt]
        self._snapshot: AbstractContextManager[tuple[int, Iterator[tuple[str, str, str]]]] = \
            ledger.snapshot()
        self.seq, self._rows = self._snapshot.__enter__()
        self._open = True
        self._lock = threading.Lock()  # close() may come from another thread mid-chunk
        self._count = 0

    def __iter__(self) -> Iterator[bytes]:
        packer = zlib.compressobj(6, zlib.DEFLATED, 31) if self.gzip else None
        try:
            while (out := self._next_chunk()) is not None:
                yield packer.compress(out) if packer else out
            if packer is not None:
                yield packer.flush()
        finally:
            self.close()

    def _next_chunk(self, size: int = 256 * 1024) -> bytes | None:
        """About ``size`` bytes of records, or None at the end (or once closed)."""
        with self._lock:
            if not self._open:
                return None
            buffer: list[bytes] = []
            got = 0
            for iri, _kind, content in self._rows:
                self._count += 1
                data = _chunk(self.fmt, iri, _record_triples(content, self._count))
                buffer.append(data)
                got += len(data)
                if got >= size:
                    break
            return b"".join(buffer) if buffer else None

    def close(self) -> None:
        """End the read transaction (after the last chunk, or when the client went away)."""
        with self._lock:
            if self._open:
                self._open = False
                self._snapshot.__exit__(None, None, None)


@dataclass(frozen=True)
class FeedItem:
    seq: int
    op: str  # publish | withdraw
    kind: str
    iri: str
    code: str | None
    version: int | None
    at: datetime | None
    content: str | None  # canonical N-Triples of the published version

    def to_dict(self, with_content: bool) -> dict[str, Any]:
        out: dict[str, Any] = {"seq": self.seq, "op": self.op, "kind": self.kind,
                               "iri": self.iri, "code": self.code, "version": self.version,
                               "at": self.at.isoformat() if self.at else None}
        if with_content:
            out["content"] = self.content if self.op == "publish" else None
        return out


@dataclass(frozen=True)
class FeedPage:
    items: list[FeedItem]
    last_seq: int  # the ledger's latest change when the page was read
    next_after: int  # where the next page starts (``after=``)


def changes(ledger: Ledger, after: int, limit: int = 500) -> FeedPage:
    """Every change of what is published after ``after``, in order (at most ``limit``)."""
    last = ledger.last_seq()
    rows = ledger.changes_after(after, limit)
    items = [FeedItem(r.seq, r.op, r.kind, r.iri, r.code, r.version_number, r.at, r.content)
             for r in rows]
    return FeedPage(items, last, items[-1].seq if items else after)
