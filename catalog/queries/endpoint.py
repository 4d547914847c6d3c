"""User SPARQL: checked, answered from a cache or run where it can be stopped at its deadline.

Every query is bounded: a deadline (``query_timeout_s``), a row cap (``query_max_rows``) and a
byte cap (``query_max_result_bytes``) on its answer, and a number of queries one client may have
running at once (``query_max_per_client``, :class:`TooManyQueries` beyond it). An answer cut by a
cap says so (:attr:`QueryAnswer.truncated_by`); one cut by the deadline is an error.

Complete answers are kept in a bounded LRU keyed by (store watermark, normalised query text,
dataset, result format), so a repeated query is answered without touching a worker or the remote
server; a change in the store moves the watermark and so leaves the old answers unused.

Embedded store: in :class:`catalog.store.sandbox.QuerySandbox` on a snapshot from which the
bookkeeping graph (:data:`META_GRAPH`) is removed; the default graph is the union of the record
graphs. Remote store: on the server, with an HTTP deadline, the answer parsed in full before it
is passed on (``oxigraph serve --timeout-s`` answers a cancelled query with 200 and a cut body).
There the union default graph is made by the hub: it sends the record graphs as the protocol
dataset (any SPARQL 1.1 server; its cost grows with the number of records), unless
``sparql_remote_union`` says the server already makes its default graph the union of its named
graphs (e.g. ``oxigraph serve --union-default-graph``), in which case the watermark triple is
visible to queries. The remote watermark is read at most every ``REMOTE_MARK_TTL_S`` seconds.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox

from catalog.errors import QueryTimeout, StoreUnavailable, TooManyQueries
from catalog.namespaces import META_GRAPH, WATERMARK_PREDICATE, WATERMARK_SUBJECT
from catalog.queries import load as named_query
from catalog.queries.guard import (
    CheckedQuery,
    QueryDataset,
    QueryForm,
    check_offset,
    check_query,
    precheck,
)
from catalog.queries.results import (
    FORMATS,
    Limits,
    ResultFormat,
    compacted,
    fitting,
    write_result,
)
from catalog.settings import Settings
from catalog.store import QuadStore
from catalog.store.embedded import EmbeddedStore
from catalog.store.remote import RemoteStore
from catalog.store.sandbox import Job, Pool, QueryAnswer, QuerySandbox

REMOTE_MARK_TTL_S = 0.25
#: A graph name the projection never writes: how an empty dataset part is sent to a server.
NO_GRAPH = "urn:semcat:no-graph"
_WM_S, _WM_P = ox.NamedNode(WATERMARK_SUBJECT), ox.NamedNode(WATERMARK_PREDICATE)
_META = ox.NamedNode(META_GRAPH)
_HIDDEN = frozenset({META_GRAPH})


def normalise(text: str) -> str:
    """The form of a query text used to run it and to key the cache."""
    return text.strip().replace("\r\n", "\n")


def _compact(answer: QueryAnswer, fmt: ResultFormat) -> QueryAnswer:
    """A complete ``jsonld`` answer compacted (after the query's deadline: compacting is the
    hub's own work, not the query's); others as they are."""
    if fmt.name != "jsonld" or answer.truncated:
        return answer
    body = compacted(answer.body, answer.rows)
    return answer if body is None else dataclasses.replace(answer, body=body)


def restrict(dataset: QueryDataset | None) -> QueryDataset | None:
    """``dataset`` without the bookkeeping graphs: a record graph or nothing."""
    if dataset is None:
        return None
    return QueryDataset(tuple(g for g in dataset.default if g not in _HIDDEN),
                        tuple(g for g in dataset.named if g not in _HIDDEN))


class AnswerCache:
    """A bounded LRU of complete answers, by count and by bytes."""

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._items: OrderedDict[tuple[Any, ...], QueryAnswer] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: tuple[Any, ...]) -> QueryAnswer | None:
        with self._lock:
            answer = self._items.get(key)
            if answer is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return answer

    def put(self, key: tuple[Any, ...], answer: QueryAnswer) -> None:
        size = len(answer.body) + 256
        if self.max_entries <= 0 or size > self.max_bytes // 8:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body) + 256
            self._items[key] = answer
            self._bytes += size
            while len(self._items) > self.max_entries or self._bytes > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped.body) + 256


class ClientLimiter:
    """At most ``per_client`` queries running at once for one client address."""

    def __init__(self, per_client: int) -> None:
        self.per_client = per_client
        self._running: dict[str, int] = {}
        self._lock = threading.Lock()

    @contextmanager
    def admit(self, client: str | None) -> Iterator[None]:
        if client is None:
            yield
            return
        with self._lock:
            n = self._running.get(client, 0)
            if n >= self.per_client:
                raise TooManyQueries.of(
                    "sparql.too_many", value=n, expected=f"<= {self.per_client} concurrent "
                    "queries", running=n, limit=self.per_client)
            self._running[client] = n + 1
        try:
            yield
        finally:
            with self._lock:
                left = self._running[client] - 1
                if left:
                    self._running[client] = left
                else:
                    del self._running[client]


class QueryService:
    def __init__(self, settings: Settings, store: QuadStore) -> None:
        self.settings = settings
        self.store = store
        self.limits = Limits(settings.query_max_rows, settings.query_max_result_bytes,
                             settings.query_max_offset)
        self.cache = AnswerCache(settings.query_cache_entries, settings.query_cache_bytes)
        self.limiter = ClientLimiter(settings.query_max_per_client)
        self._forms: OrderedDict[str, QueryForm | None] = OrderedDict()
        self._last_mark: tuple[int, ox.Quad] | None = None
        self._sandbox: QuerySandbox | None = None
        self._remote: _Remote | None = None
        if isinstance(store, EmbeddedStore):
            self._sandbox = QuerySandbox(
                settings.data_dir / "snapshots", store.snapshot,
                workers=settings.query_workers, hidden_graphs=sorted(_HIDDEN),
                keep_s=2 * settings.query_timeout_s + 5,
                memory_mb=settings.query_worker_memory_mb,
                nice=settings.query_worker_nice,
            )
        else:
            assert isinstance(store, RemoteStore)
            self._remote = _Remote(settings, store, self.limits)

    def form(self, text: str) -> QueryForm | None:
        """The query form, read cheaply (see :func:`precheck`), for format negotiation; the
        size and nesting gates run here, before any parser."""
        text = normalise(text)
        if text in self._forms:
            return self._forms[text]
        form = precheck(text, max_bytes=self.settings.max_query_bytes,
                        max_nesting=self.settings.max_nesting)
        self._forms[text] = form
        if len(self._forms) > 4096:
            self._forms.popitem(last=False)
        return form

    def mark(self) -> int:
        """The store's watermark (change sequence): the generation of every cached answer.

        Embedded: while the watermark triple last read is still in the store, nothing was
        projected since (every projection replaces it), which a lookup of that one quad tells
        in ~1 µs, a fifth of reading the watermark."""
        if isinstance(self.store, EmbeddedStore):
            native = self.store.native
            last = self._last_mark
            if last is not None and last[1] in native:
                return last[0]
            found = [(int(q.object.value), q) for q in
                     native.quads_for_pattern(_WM_S, _WM_P, None, _META)
                     if isinstance(q.object, ox.Literal)]
            if not found:
                return 0
            self._last_mark = max(found, key=lambda f: f[0])
            return self._last_mark[0]
        assert self._remote is not None
        return self._remote.mark()

    def _job(self, text: str, fmt: ResultFormat, dataset: QueryDataset | None) -> Job:
        return Job(text, fmt.name, self.limits, self.settings.max_query_bytes,
                   self.settings.max_nesting, dataset, self.settings.base_uri)

    def _start(self, text: str, result_format: str | None, dataset: QueryDataset | None
               ) -> tuple[str, ResultFormat, QueryDataset | None, int, tuple[Any, ...]]:
        """The normalised text, the format, the dataset without hidden graphs, the watermark
        and the cache key."""
        text = normalise(text)
        graph = self.form(text) in ("CONSTRUCT", "DESCRIBE")
        fmt = fitting(FORMATS[result_format or ("ntriples" if graph else "json")], graph)
        dataset = restrict(dataset)
        mark = self.mark()
        return text, fmt, dataset, mark, (mark, text, dataset, fmt.name)

    def run(self, text: str, *, result_format: str | None = None,
            dataset: QueryDataset | None = None) -> QueryAnswer:
        """Answer ``text`` from the calling thread (SPARQL JSON or N-Triples by default)."""
        text, fmt, dataset, mark, key = self._start(text, result_format, dataset)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        if self._sandbox is not None:
            answer = self._sandbox.run(self._job(text, fmt, dataset), mark=mark,
                                       timeout_s=self.settings.query_timeout_s)
        else:
            assert self._remote is not None
            answer = self._remote.run(text, fmt, dataset, time.monotonic()
                                      + self.settings.query_timeout_s)
        answer = _compact(answer, fmt)
        self.cache.put(key, answer)
        return answer

    def probe(self, timeout_s: float = 2.0) -> None:
        """Run a trivial query where user queries run (a worker on the current snapshot, or
        the remote server), never from the cache; raises when they cannot answer."""
        text, fmt, dataset, mark, _key = self._start("ASK {}", None, None)
        if self._sandbox is not None:
            self._sandbox.run(self._job(text, fmt, dataset), mark=mark,
                              timeout_s=min(timeout_s, self.settings.query_timeout_s))
        else:
            assert self._remote is not None
            self._remote.run(text, fmt, dataset, time.monotonic() + timeout_s)

    async def answer(self, text: str, *, result_format: str | None = None,
                     dataset: QueryDataset | None = None, client: str | None = None
                     ) -> QueryAnswer:
        """Answer ``text`` from the event loop: from the cache without waiting, else on a
        worker (or the remote server) within the deadline, counted against ``client``."""
        text, fmt, dataset, mark, key = self._start(text, result_format, dataset)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        with self.limiter.admit(client):
            if self._sandbox is not None:
                answer = await self._sandbox.arun(self._job(text, fmt, dataset), mark=mark,
                                                  timeout_s=self.settings.query_timeout_s)
            else:
                assert self._remote is not None
                answer = await self._remote.arun(text, fmt, dataset)
        if fmt.name == "jsonld":
            answer = await asyncio.to_thread(_compact, answer, fmt)
        self.cache.put(key, answer)
        return answer

    def close(self) -> None:
        if self._sandbox is not None:
            self._sandbox.close()
        if self._remote is not None:
            self._remote.close()


# --- the remote path ----------------------------------------------------------------------
class _Body(io.RawIOBase):
    """A streamed HTTP body as a file, stopped at the deadline and at ``limit`` bytes."""

    def __init__(self, chunks: Iterator[bytes], deadline: float, limit: int,
                 timeout_s: float) -> None:
        self._chunks, self._deadline, self._limit = chunks, deadline, limit
        self._timeout_s = timeout_s
        self._buf, self._seen = b"", 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        while not self._buf:
            if time.monotonic() > self._deadline:
                raise _remote_cut(self._timeout_s)
            try:
                self._buf = next(self._chunks)
            except StopIteration:
                return 0
            except httpx.HTTPError as exc:  # e.g. a chunked body that stops mid-way
                raise _incomplete() from exc
            self._seen += len(self._buf)
            if self._seen > self._limit:
                raise StoreUnavailable.of("store.answer_too_large", limit=self._limit)
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n


def _remote_cut(timeout_s: float) -> QueryTimeout:
    return QueryTimeout.of("sparql.remote_timeout", expected=f"<= {timeout_s:g} s",
                           timeout_s=timeout_s)


def _incomplete() -> QueryTimeout:
    return QueryTimeout.of("sparql.remote_incomplete")


_TABULAR_ACCEPT = "application/sparql-results+json"
#: JSON-LD first: a cut JSON-LD document never parses, a cut N-Triples one can look whole
_GRAPH_ACCEPT = "application/ld+json, application/n-triples;q=0.5"


class _Remote:
    """Queries on a remote SPARQL server, bounded like the embedded ones."""

    def __init__(self, settings: Settings, store: RemoteStore, limits: Limits) -> None:
        self.settings, self.store, self.limits = settings, store, limits
        self._slots: Pool[int] = Pool(range(settings.query_workers))
        self._mark: tuple[float, int] = (-1.0, 0)
        self._graphs: tuple[int, tuple[str, ...]] | None = None
        self._http = httpx.Client(follow_redirects=False, trust_env=False)
        self._checked: OrderedDict[str, CheckedQuery] = OrderedDict()  # texts found safe

    def close(self) -> None:
        self._http.close()

    def mark(self) -> int:
        at, mark = self._mark
        if time.monotonic() - at > REMOTE_MARK_TTL_S:
            mark = self.store.watermark()
            self._mark = (time.monotonic(), mark)
        return mark

    def _record_graphs(self) -> tuple[str, ...]:
        mark = self.mark()
        if self._graphs is None or self._graphs[0] != mark:
            rows = self.store.run(named_query("record_graphs").bind())
            names = sorted(r["g"].value for r in rows
                           if "g" in r and r["g"].value not in _HIDDEN)
            self._graphs = (mark, tuple(names))
        return self._graphs[1]

    def _check(self, text: str) -> CheckedQuery:
        known = self._checked.get(text)
        if known is None:
            known = check_query(text, max_bytes=self.settings.max_query_bytes,
                                max_nesting=self.settings.max_nesting)
            check_offset(known, self.limits.offset)
            self._checked[text] = known
            if len(self._checked) > 4096:
                self._checked.popitem(last=False)
        return known

    def _dataset(self, text: str, dataset: QueryDataset | None) -> QueryDataset | None:
        checked = self._check(text)
        if dataset is not None:
            return dataset
        if checked.dataset is not None:
            return restrict(checked.dataset)
        if self.settings.sparql_remote_union:
            return None
        graphs = self._record_graphs()
        return QueryDataset(graphs, graphs)

    def run(self, text: str, fmt: ResultFormat, dataset: QueryDataset | None,
            deadline: float) -> QueryAnswer:
        timeout_s = self.settings.query_timeout_s
        sent = self._dataset(text, dataset)
        form: list[tuple[str, str]] = [("query", text)]
        if sent is not None:  # an empty list is sent as a graph that never exists
            form += [("default-graph-uri", g) for g in sent.default or (NO_GRAPH,)]
            form += [("named-graph-uri", g) for g in sent.named or (NO_GRAPH,)]
        accept = _GRAPH_ACCEPT if fmt.graph else _TABULAR_ACCEPT
        try:
            with self._http.stream(
                    "POST", self.store.query_url, content=urlencode(form).encode(),
                    headers={"Accept": accept,
                             "Content-Type": "application/x-www-form-urlencoded"},
                    timeout=max(0.01, deadline - time.monotonic())) as resp:
                if resp.status_code >= 400:
                    resp.read()
                    raise StoreUnavailable.of("store.query_status", status=resp.status_code,
                                              text=resp.text[:300])
                body = _Body(resp.iter_bytes(), deadline, 8 * self.limits.bytes + (1 << 20),
                             timeout_s)
                media = resp.headers.get("content-type", "").split(";")[0].strip()
                return self._write(body, media, fmt)
        except httpx.TimeoutException as exc:
            raise _remote_cut(timeout_s) from exc
        except httpx.HTTPError as exc:
            raise StoreUnavailable.of("store.query_failed_remote", reason=exc) from exc

    def _write(self, body: _Body, media: str, fmt: ResultFormat) -> QueryAnswer:
        """Parse the server's answer as it streams in, and write it in ``fmt``; a malformed
        (cut) answer is an error, never a result."""
        reader = io.BufferedReader(body)
        try:
            result: Any
            if media in ("application/ld+json", "application/n-triples", "text/turtle"):
                rdf = ox.RdfFormat.from_media_type(media)
                assert rdf is not None
                result = (q.triple for q in ox.parse(reader, format=rdf))
            else:
                result = ox.parse_query_results(reader, ox.QueryResultsFormat.JSON)
            w = write_result(result, fmt, self.limits)
        except (SyntaxError, ValueError) as exc:
            raise _incomplete() from exc
        return QueryAnswer(w.body, w.media_type, w.rows, w.truncated)

    async def arun(self, text: str, fmt: ResultFormat, dataset: QueryDataset | None
                   ) -> QueryAnswer:
        """:meth:`run` in a thread, at most ``query_workers`` at once."""
        deadline = time.monotonic() + self.settings.query_timeout_s
        slot = await self._slots.atake(self.settings.query_timeout_s)
        if slot is None:
            raise QueryTimeout.of("sparql.no_slot", timeout_s=self.settings.query_timeout_s)
        try:
            return await asyncio.to_thread(self.run, text, fmt, dataset, deadline)
        finally:
            self._slots.put(slot)
