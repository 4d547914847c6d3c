"""Remote quad store: any SPARQL 1.1 server over the Protocol and the Graph Store Protocol.

Transport errors become :class:`StoreUnavailable` here and nowhere else. Answers are parsed in
full before use: ``oxigraph serve --timeout-s`` answers a cancelled query with 200 and a
truncated body, which must never pass for a complete result.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import httpx
import pyoxigraph as ox

from catalog.errors import StoreInDoubt, StoreUnavailable
from catalog.namespaces import META_GRAPH
from catalog.queries import BoundQuery, values_text
from catalog.queries import load as named_query
from catalog.store import GraphOp, Row, update_text, watermark_query


@contextmanager
def _mapped(what: str) -> Iterator[None]:
    try:
        yield
    except httpx.TimeoutException as exc:
        raise StoreUnavailable.of("store.timeout", what=what) from exc
    except httpx.HTTPError as exc:
        raise StoreUnavailable.of("store.failed", what=what, reason=exc) from exc
    except (SyntaxError, ValueError) as exc:
        raise StoreUnavailable.of("store.malformed", what=what, reason=exc) from exc


class RemoteStore:
    detached = True  # the server goes on with an update whose client died

    def __init__(self, query_url: str, update_url: str, gsp_url: str,
                 timeout_s: float = 30.0) -> None:
        self.query_url, self.update_url, self.gsp_url = query_url, update_url, gsp_url
        self._http = httpx.Client(timeout=httpx.Timeout(timeout_s), follow_redirects=False,
                                  trust_env=False)

    def _check(self, resp: httpx.Response, what: str) -> None:
        if resp.status_code >= 400:
            raise StoreUnavailable.of("store.status", status=resp.status_code, what=what,
                                      text=resp.text[:300])

    def apply(self, ops: Sequence[GraphOp], watermark: int, fence: int | None = None
              ) -> None:
        """One SPARQL Update. :class:`StoreInDoubt` when it was sent and no answer came (the
        server may still apply it); an answer, even an error, means it is over."""
        body = update_text(ops, watermark, fence).encode("utf-8")
        try:
            with _mapped("update"):
                resp = self._http.post(self.update_url, content=body,
                                       headers={"Content-Type": "application/sparql-update"})
        except StoreUnavailable as exc:
            cause = exc.__cause__
            if isinstance(cause, httpx.TransportError) and not isinstance(
                    cause, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)):
                raise StoreInDoubt(exc.message, message_ro=exc.message_ro,
                                   message_ru=exc.message_ru,
                                   message_id=exc.message_id) from cause
            raise
        self._check(resp, "update")

    def _query(self, query: str, accept: str) -> httpx.Response:
        with _mapped("query"):
            resp = self._http.post(
                self.query_url,
                content=query.encode("utf-8"),
                headers={"Content-Type": "application/sparql-query", "Accept": accept},
            )
            self._check(resp, "query")
            return resp

    def select(self, query: str) -> list[Row]:
        resp = self._query(query, "application/sparql-results+json")
        with _mapped("query"):
            res = ox.parse_query_results(resp.content, ox.QueryResultsFormat.JSON)
            assert isinstance(res, ox.QuerySolutions)
            names = [v.value for v in res.variables]
            return [{n: s[n] for n in names if s[n] is not None} for s in res]

    def run(self, query: BoundQuery, *, max_rows: int | None = None) -> list[Row]:
        """The Protocol has no bindings: the values go in a ``VALUES`` block at the start of
        the top-level WHERE group, written by pyoxigraph (:func:`values_text`)."""
        rows = self.select(values_text(query))
        return rows if max_rows is None else rows[:max_rows]

    def ask(self, query: str) -> bool:
        resp = self._query(query, "application/sparql-results+json")
        with _mapped("query"):
            return bool(resp.json()["boolean"])

    def watermark(self) -> int:
        rows = [r for r in self.run(watermark_query()) if "w" in r]
        return int(rows[0]["w"].value) if rows else 0

    def graph(self, iri: str) -> list[ox.Triple]:
        with _mapped("graph read"):
            resp = self._http.get(self.gsp_url, params={"graph": iri},
                                  headers={"Accept": "application/n-triples"})
            if resp.status_code == 404:
                return []
            self._check(resp, "graph read")
            return [q.triple for q in ox.parse(resp.content, format=ox.RdfFormat.N_TRIPLES)]

    def graph_names(self) -> set[str]:
        rows = self.run(named_query("record_graphs").bind())
        return {r["g"].value for r in rows if r["g"].value != META_GRAPH}

    def triple_count(self) -> int:
        rows = self.run(named_query("triple_count").bind())
        return int(rows[0]["n"].value)

    def describe(self) -> str:
        return f"SPARQL server at {self.query_url}"

    def close(self) -> None:
        self._http.close()
