"""User SPARQL: checked, then run where it can be stopped at its deadline.

Embedded store: in :class:`catalog.store.sandbox.QuerySandbox` on a snapshot. Remote store: on
the server, with an HTTP deadline, and the answer parsed in full before it is passed on.
"""

from __future__ import annotations

import json

import httpx
import pyoxigraph as ox

from catalog.errors import QueryTimeout, StoreUnavailable
from catalog.settings import Settings
from catalog.sparql_guard import check_query
from catalog.store import QuadStore
from catalog.store.embedded import EmbeddedStore
from catalog.store.remote import RemoteStore
from catalog.store.sandbox import QueryAnswer, QuerySandbox


class QueryService:
    def __init__(self, settings: Settings, store: QuadStore) -> None:
        self.settings = settings
        self.store = store
        self._sandbox: QuerySandbox | None = None
        if isinstance(store, EmbeddedStore):
            self._sandbox = QuerySandbox(
                settings.data_dir / "snapshots", store.snapshot, store.watermark,
                workers=settings.query_workers,
            )

    def run(self, text: str) -> QueryAnswer:
        checked = check_query(text, max_bytes=self.settings.max_query_bytes,
                              max_nesting=self.settings.max_nesting)
        if self._sandbox is not None:
            return self._sandbox.run(checked.text, timeout_s=self.settings.query_timeout_s,
                                     max_rows=self.settings.query_max_rows)
        assert isinstance(self.store, RemoteStore)
        return self._remote(checked.text, checked.form in ("SELECT", "ASK"))

    def _remote(self, text: str, tabular: bool) -> QueryAnswer:
        assert isinstance(self.store, RemoteStore)
        accept = "application/sparql-results+json" if tabular else "application/n-triples"
        try:
            resp = httpx.post(self.store.query_url, content=text.encode(),
                              headers={"Content-Type": "application/sparql-query",
                                       "Accept": accept},
                              timeout=self.settings.query_timeout_s, trust_env=False)
        except httpx.TimeoutException as exc:
            raise QueryTimeout(
                f"the query ran longer than its {self.settings.query_timeout_s:g} s limit",
                message_ro="interogarea a depășit limita de timp",
            ) from exc
        except httpx.HTTPError as exc:
            raise StoreUnavailable(f"the SPARQL server failed: {exc}") from exc
        if resp.status_code >= 400:
            raise StoreUnavailable(f"the SPARQL server answered {resp.status_code}")
        try:  # a cut answer (200 with a truncated body) must not pass for a result
            if tabular:
                doc = json.loads(resp.content)
                rows = len(doc.get("results", {}).get("bindings", [])) if "results" in doc else 1
            else:
                rows = len(list(ox.parse(resp.content, format=ox.RdfFormat.N_TRIPLES)))
        except (ValueError, SyntaxError) as exc:
            raise QueryTimeout(
                "the SPARQL server returned an incomplete answer (cut at its own time limit)",
                message_ro="serverul SPARQL a întors un răspuns incomplet",
            ) from exc
        return QueryAnswer(resp.content, accept, rows, False)

    def close(self) -> None:
        if self._sandbox is not None:
            self._sandbox.close()
