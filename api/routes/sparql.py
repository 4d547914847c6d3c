"""``/sparql``: read-only SPARQL 1.1 queries (the full protocol is its own issue)."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.deps import QueriesDep

router = APIRouter(tags=["sparql"])


@router.get("/sparql")
async def sparql_get(queries: QueriesDep,
                     query: str = Query(..., description="SPARQL 1.1 query text")) -> Response:
    answer = await run_in_threadpool(queries.run, query)
    headers = {"X-SPARQL-Truncated": "true"} if answer.truncated else {}
    return Response(answer.body, media_type=answer.media_type, headers=headers)
