"""``GET /health``: are the ledger, the store and the search index reachable, and how far
behind the ledger are the projections."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import CatalogDep
from catalog.errors import CatalogError

router = APIRouter(tags=["health"])


@router.get("/health")
def health(catalog: CatalogDep) -> JSONResponse:
    body: dict[str, Any] = {"status": "ok"}
    try:
        body["ledger"] = {"status": "ok", "last_seq": catalog.ledger.last_seq(),
                          "records": catalog.ledger.counts()}
    except Exception as exc:  # any driver error means the ledger is down
        body["ledger"] = {"status": "error", "error": type(exc).__name__}
        body["status"] = "error"
    try:
        st = catalog.status()
        body["store"] = {"status": "ok", "kind": catalog.store.describe() if catalog.store
                         else None, "watermark": st.store_watermark, "lag": st.lag}
        if st.lag:
            body["status"] = "degraded" if body["status"] == "ok" else body["status"]
    except (CatalogError, OSError) as exc:
        body["store"] = {"status": "error", "error": str(exc)}
        body["status"] = "error"
    try:
        mark = catalog.search_index.watermark()
        lag = max(0, body.get("ledger", {}).get("last_seq", mark) - mark)
        body["search"] = {"status": "ok", "watermark": mark, "lag": lag}
        if lag and body["status"] == "ok":
            body["status"] = "degraded"
    except Exception as exc:  # the index lives in the ledger database: any driver error
        body["search"] = {"status": "error", "error": type(exc).__name__}
        body["status"] = "error"
    return JSONResponse(body, status_code=200 if body["status"] != "error" else 503)
