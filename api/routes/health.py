"""``GET /health``: can the hub serve, each part checked by a cheap real operation.

- the ledger: its last change sequence and record counts (a read);
- the store: its watermark (a read) and how far it lags the ledger, and graphs left to verify
  after a takeover from a projector that died with an update in flight (a read of its lease);
- the search index: its watermark and lag;
- the data folder: a small file written, synced and removed (a full disk or a read-only
  folder fails here before a write does);
- user queries: a trivial query run where user queries run (a worker on the current
  snapshot, or the remote server), never from the cache.

``ok``; ``degraded`` (200) with the reasons when the hub serves but something is not right (a
projection lags, the data folder is not writable, queries fail); ``error`` (503) when it cannot
serve (the ledger or the store cannot be reached). No filesystem path and no exception text is
shown: the details are in the server's log.
"""

from __future__ import annotations

import logging
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.deps import CatalogDep
from catalog.core import Catalog
from catalog.queries.endpoint import QueryService

router = APIRouter(tags=["health"])
log = logging.getLogger(__name__)


def _write_probe(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    probe = folder / f".health-{uuid.uuid4().hex}"
    try:
        with probe.open("wb") as f:
            f.write(b"\0" * 4096)
            f.flush()
            os.fsync(f.fileno())
    finally:
        probe.unlink(missing_ok=True)


def _utc(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _check(body: dict[str, Any], part: str, reason: str, fatal: bool) -> None:
    body[part] = {**body.get(part, {}), "status": "error"}
    body["reasons"].append(reason)
    if fatal:
        body["status"] = "error"
    elif body["status"] == "ok":
        body["status"] = "degraded"


def _store_work(catalog: Catalog, body: dict[str, Any]) -> None:
    """A rebuild not finished, graphs left to verify after a takeover (from the lease row)."""
    if catalog.store_rebuilding():
        body["store"]["rebuilding"] = True
        body["reasons"].append("the store is being rebuilt from the ledger")
        if body["status"] == "ok":
            body["status"] = "degraded"
    pending = catalog.verifying()
    if pending is not None:
        count, until = pending
        body["store"]["verifying"] = {"graphs": count, "until": _utc(until)}
        body["reasons"].append(
            f"verifying {count} graph(s) of the store against the ledger after a takeover "
            f"(an update of a projector that stopped may land until {_utc(until)})")
        if body["status"] == "ok":
            body["status"] = "degraded"


def _health(catalog: Catalog, queries: QueryService | None) -> dict[str, Any]:
    body: dict[str, Any] = {"status": "ok", "reasons": []}
    last: int | None = None
    try:
        last = catalog.ledger.last_seq()
        body["ledger"] = {"status": "ok", "last_seq": last, "records": catalog.ledger.counts()}
    except Exception:  # any driver error means the ledger is down
        log.exception("health: the ledger cannot be read")
        _check(body, "ledger", "the ledger database cannot be read", fatal=True)
    try:
        st = catalog.status()
        body["store"] = {"status": "ok", "kind": catalog.store.describe() if catalog.store
                         else None, "watermark": st.store_watermark, "lag": st.lag}
        if st.lag and body["status"] == "ok":
            body["status"] = "degraded"
            body["reasons"].append(f"the store is {st.lag} change(s) behind the ledger")
    except Exception:
        log.exception("health: the store cannot be read")
        _check(body, "store", "the quad store cannot be reached", fatal=True)
    try:
        mark = catalog.search_index.watermark()
        lag = max(0, (last if last is not None else mark) - mark)
        body["search"] = {"status": "ok", "watermark": mark, "lag": lag}
        if lag:
            body["reasons"].append(f"the search index is {lag} change(s) behind the ledger")
            if body["status"] == "ok":
                body["status"] = "degraded"
    except Exception:  # the index lives in the ledger database: any driver error
        log.exception("health: the search index cannot be read")
        _check(body, "search", "the search index cannot be read", fatal=True)
    if body.get("store", {}).get("status") == "ok":
        try:  # read after the lags, which move fastest
            _store_work(catalog, body)
        except Exception:  # the lease lives in the ledger database: any driver error
            log.exception("health: the store's lease cannot be read")
            _check(body, "ledger", "the ledger database cannot be read", fatal=True)
    try:
        _write_probe(catalog.settings.data_dir)
        body["data_dir"] = {"status": "ok"}
    except OSError as exc:
        log.warning("health: the data folder cannot be written: %s", exc)
        _check(body, "data_dir", "the data folder cannot be written (full, or read-only)",
               fatal=False)
    if queries is not None:
        try:
            queries.probe()
            body["queries"] = {"status": "ok"}
        except Exception:
            log.exception("health: user queries cannot run")
            _check(body, "queries", "SPARQL queries cannot run", fatal=False)
    return body


@router.get("/health")
def health(request: Request, catalog: CatalogDep) -> JSONResponse:
    body = _health(catalog, getattr(request.app.state, "queries", None))
    return JSONResponse(body, status_code=200 if body["status"] != "error" else 503)
