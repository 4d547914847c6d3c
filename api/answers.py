"""Answers of the published catalogue kept in memory: a record in a format, its page in a
language, a page of search results, each kept with the ledger's head it was made at.

One bounded LRU per app (``SEMCAT_READ_CACHE_BYTES``; 0 turns it off), by bytes: body and
headers, and a fixed overhead per entry. An answer is served again while the ledger's head
(:class:`catalog.ledger.head.LedgerHead`, read for every request) has not moved: any publish or
withdrawal, by this process or another, moves it, and the next request makes the answer
again. The generation is read before an answer is made, so an answer is never older than the
generation it is kept under; one made while a projection (the store, the search index) had not
reached that generation is not kept at all (:meth:`AnswerCache.put` is not called).

Only answers everyone gets are kept: published versions asked for without credentials, pages
and searches of the published catalogue. Drafts, and whatever a token holder asks for, are
made for each request (the routes decide; see :mod:`api.read_lane`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response

from api import conditional

#: bytes counted for an entry besides its body and headers (key, objects, dict slot)
OVERHEAD = 512


@dataclass(frozen=True)
class Answer:
    """A complete 200 answer: body, media type, headers (ETag among them)."""

    body: bytes
    media_type: str
    headers: tuple[tuple[str, str], ...]
    etag: str
    last_modified: datetime | None = None

    @classmethod
    def of(cls, body: bytes, media_type: str, headers: Mapping[str, str],
           last_modified: datetime | None = None) -> Answer:
        return cls(body, media_type, tuple(headers.items()), headers["ETag"], last_modified)

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + OVERHEAD

    def response(self, request: Request) -> Response:
        """The answer, or 304 when the client's copy is this one (If-None-Match, else
        If-Modified-Since)."""
        headers = dict(self.headers)
        if conditional.not_modified(request, self.etag, self.last_modified):
            return Response(status_code=304, headers=headers)
        return Response(self.body, media_type=self.media_type, headers=headers)


class AnswerCache:
    """A bounded LRU of answers by key, each valid for one generation (the ledger's head)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, tuple[int, Answer]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    @property
    def bytes(self) -> int:
        """Bytes held now (never more than ``max_bytes``)."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: Hashable, generation: int) -> Answer | None:
        """The answer kept for ``key`` at ``generation``; None when there is none (an answer
        of an older generation is dropped)."""
        with self._lock:
            kept = self._items.get(key)
            if kept is None or kept[0] != generation:
                self.misses += 1
                if kept is not None and kept[0] < generation:
                    self._drop(key)
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return kept[1]

    def put(self, key: Hashable, generation: int, answer: Answer) -> None:
        """Keep ``answer`` for ``key`` at ``generation`` (unless a newer one is kept, or it
        would take more than an eighth of the cache); the least recently used go first."""
        size = answer.size
        if size > self.max_bytes // 8:
            return
        with self._lock:
            kept = self._items.get(key)
            if kept is not None:
                if kept[0] > generation:
                    return  # made meanwhile at a newer generation: that one stays
                self._drop(key)
            self._items[key] = (generation, answer)
            self._bytes += size
            while self._bytes > self.max_bytes:
                oldest = next(iter(self._items))
                self._drop(oldest)

    def _drop(self, key: Hashable) -> None:
        _generation, answer = self._items.pop(key)
        self._bytes -= answer.size

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {"entries": len(self._items), "bytes": self._bytes,
                    "max_bytes": self.max_bytes, "hits": self.hits, "misses": self.misses}


def cache_of(request: Request) -> AnswerCache:
    cache: AnswerCache = request.app.state.answers
    return cache


__all__ = ["OVERHEAD", "Answer", "AnswerCache", "cache_of"]
