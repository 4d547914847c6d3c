"""``Idempotency-Key`` on POST: a retried request gets the first answer and writes nothing new.

The key is scoped to the caller's institution and bound to the request (method, path, media
type and body); the answer is stored in the write's own transaction (see
:mod:`catalog.idempotency`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlmodel import Session

from catalog.ledger.idempotency import Claim, Idempotency, Replay, request_hash
from catalog.workflow.access import Principal
from catalog.workflow.states import VersionState

Answer = Callable[[VersionState], JSONResponse]
#: runs the write, storing the answer through the hook it is given (or None without a key)
Write = Callable[[Callable[[Session, VersionState], None] | None], VersionState]


def _stored(resp: JSONResponse) -> dict[str, Any]:
    import json

    headers = {k: v for k, v in resp.headers.items() if k.lower() in ("etag", "location")}
    return {"body": json.loads(bytes(resp.body)), "headers": headers}


def replayed(replay: Replay) -> JSONResponse:
    return JSONResponse(replay.body.get("body"), status_code=replay.status_code,
                        headers={**replay.body.get("headers", {}),
                                 "Idempotent-Replayed": "true"})


async def claim(request: Request, principal: Principal, idem: Idempotency, body: bytes
                ) -> Claim | Replay | None:
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    digest = await run_in_threadpool(
        request_hash, request.method, request.url.path, request.url.query,
        request.headers.get("content-type", ""), request.headers.get("if-match", ""), body)
    return await run_in_threadpool(idem.begin, principal.institution_id, key, digest)


async def run(request: Request, principal: Principal, idem: Idempotency, body: bytes,
              write: Write, answer: Answer, status: int) -> JSONResponse:
    """Run ``write`` once per key: the first time for real, afterwards the stored answer."""
    got = await claim(request, principal, idem, body)
    if isinstance(got, Replay):
        return replayed(got)
    hook = None
    if isinstance(got, Claim):
        taken = got

        def hook(s: Session, state: VersionState) -> None:
            Idempotency.complete_in(s, taken, status, _stored(answer(state)))
    try:
        state = await run_in_threadpool(write, hook)
    except BaseException:
        if isinstance(got, Claim):
            await run_in_threadpool(idem.release, got)
        raise
    return answer(state)
