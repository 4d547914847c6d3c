"""The reads of the published catalogue answered from memory, before the routing of the app.

:class:`ReadFastLane` is an ASGI middleware (inside :class:`api.request_context.RequestContext`,
so answers get their request id, security and CORS headers like any other). For a GET of

- a record's published version (``/api/v1/{kind path}/{code}``, optionally ``?version=N``),
  without ``Authorization``: a token holder may see drafts, so it always goes to the route;
- a catalogue IRI (``/id/…``, ``/codelist/…``, ``/eli/…``; ``?lang=`` and ``?format=``);
- a search (``/api/v1/search`` with ``q``, ``lang``, ``limit``, ``cursor``, ``kind``),

it works out the same cache key as the route (:func:`api.routes.records.record_key`,
:class:`api.pages.routes.Asked`, :func:`api.routes.search.search_tag`), reads the ledger's
head (one small read on a thread, shared by the requests that arrived before it started:
:class:`SharedHead`) and answers from :class:`api.answers.AnswerCache` when an
answer is kept for that head: 304 when the client's copy is current, else the answer. Anything
else (another parameter, a repeated one, a format the hub does not write, a key with nothing
kept) goes on to the app, whose route makes the answer and keeps it. The lane only ever
serves what a route kept, under the key the route computed from the same request.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Hashable
from urllib.parse import parse_qsl, urlsplit

import anyio.to_thread
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from api.answers import Answer, AnswerCache
from api.negotiation import choose
from api.pages.routes import ROOTS, Asked
from api.routes.records import offered_media, record_key
from api.routes.search import search_tag
from catalog.core import Catalog
from catalog.errors import CatalogError
from catalog.projections.search import check_query
from catalog.records.kinds import RecordKind

API = "/api/v1/"
SEARCH = "/api/v1/search"
_SEARCH_PARAMS = frozenset({"q", "lang", "limit", "cursor", "kind"})
_PAGE_PARAMS = frozenset({"lang", "format"})
_NUMBER = re.compile(r"[1-9][0-9]{0,8}")
_LIMIT = re.compile(r"[0-9]{1,4}")


def _params(scope: Scope, allowed: frozenset[str]) -> dict[str, str] | None:
    """The query parameters, when each is one of ``allowed`` and given once; else None."""
    raw = scope.get("query_string", b"").decode("latin-1")
    pairs = parse_qsl(raw, keep_blank_values=True)
    params = dict(pairs)
    if len(params) != len(pairs) or not params.keys() <= allowed:
        return None
    return params


class _Paths:
    """Which paths the lane answers, from the app's catalogue (read at the first request)."""

    def __init__(self, catalog: Catalog) -> None:
        settings = catalog.settings
        self.base_uri = settings.base_uri
        self.prefix = urlsplit(settings.base_uri).path.rstrip("/")
        self.roots = tuple(f"{self.prefix}/{r}/" for r in ROOTS)
        self.kinds: dict[str, tuple[RecordKind, list[str]]] = {
            k.path: (k, offered_media(k)) for k in catalog.kinds if k.path is not None}

    def key(self, scope: Scope) -> Hashable | None:
        """The cache key of the request, or None when the lane leaves it to the app."""
        path: str = scope["path"]
        if path == SEARCH:
            return self._search(scope)
        if path.startswith(API):
            return self._record(scope, path[len(API):])
        if path.startswith(self.roots):
            params = _params(scope, _PAGE_PARAMS)
            if params is None:
                return None
            return Asked.of(Request(scope), self.base_uri, self.prefix).key
        return None

    def _record(self, scope: Scope, rest: str) -> Hashable | None:
        kind_path, _, code = rest.partition("/")
        found = self.kinds.get(kind_path)
        if found is None or not code or "/" in code:
            return None
        kind, offered = found
        request = Request(scope)
        if "authorization" in request.headers:
            return None  # a token holder's answer may differ (drafts): made by the route
        params = _params(scope, frozenset({"version"}))
        if params is None:
            return None
        version = params.get("version")
        if version is not None and not _NUMBER.fullmatch(version):
            return None
        kind.check_code(code)
        media = choose(request, offered)
        return record_key(kind, code, int(version) if version else None, media)

    @staticmethod
    def _search(scope: Scope) -> Hashable | None:
        params = _params(scope, _SEARCH_PARAMS)
        if params is None:
            return None
        limit = params.get("limit", "20")
        if not _LIMIT.fullmatch(limit):
            return None
        text = check_query(params.get("q", ""))
        return ("search", *search_tag(text, params.get("lang"), int(limit),
                                      params.get("cursor"), params.get("kind", "service")))


class SharedHead:
    """The ledger's head for requests on the event loop: one read on a thread at a time,
    shared by every request that arrived before it started (a request arriving while a read
    runs waits for the next one), so each request still gets a head read after it arrived,
    and 16 requests at once cost one thread hop instead of 16."""

    def __init__(self, read: Callable[[], int]) -> None:
        self._read = read
        self._next: asyncio.Future[int] | None = None  # the read the next arrivals wait for
        self._reading = False

    async def read(self) -> int:
        if self._next is None:
            self._next = asyncio.get_running_loop().create_future()
        waiting = self._next
        if not self._reading:
            self._reading = True
            asyncio.get_running_loop().create_task(self._reads())
        return await asyncio.shield(waiting)

    async def _reads(self) -> None:
        try:
            while self._next is not None:
                waiting, self._next = self._next, None  # later arrivals: the next read
                try:
                    waiting.set_result(await anyio.to_thread.run_sync(self._read))
                except Exception as exc:  # each waiter gets it (the ledger unreachable)
                    waiting.set_exception(exc)
                    waiting.exception()  # retrieved: no warning when nobody waits any more
        finally:
            self._reading = False


class ReadFastLane:
    """``app.add_middleware(ReadFastLane)``: kept answers of published reads (see above)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._paths: _Paths | None = None
        self._head: SharedHead | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        cache: AnswerCache | None = getattr(state, "answers", None)
        catalog: Catalog | None = getattr(state, "catalog", None)
        if cache is None or not cache.enabled or catalog is None:
            await self.app(scope, receive, send)
            return
        if self._paths is None or self._head is None:
            self._paths, self._head = _Paths(catalog), SharedHead(catalog.head.read)
        answer = await self._kept(self._paths, cache, self._head, scope)
        if answer is None:
            await self.app(scope, receive, send)
        else:
            await answer.response(Request(scope))(scope, receive, send)

    @staticmethod
    async def _kept(paths: _Paths, cache: AnswerCache, head: SharedHead, scope: Scope
                    ) -> Answer | None:
        try:
            key = paths.key(scope)
            if key is None:
                return None
            generation = await head.read()
        except CatalogError:  # a bad code, an unknown format, the ledger unreachable: the
            return None  # route answers it in its own words
        return cache.get(key, generation)


__all__ = ["ReadFastLane", "SharedHead"]
