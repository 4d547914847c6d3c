"""Copies of the catalogue for integrators: ``/api/v1/dump`` (the published state at one change
sequence number, streamed) and ``/api/v1/changes`` (every change after a cursor, in order)."""

from __future__ import annotations

import json

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response, StreamingResponse
from starlette.background import BackgroundTask

from api.deps import CatalogDep
from api.negotiation import choose
from api.schemas import ERRORS
from catalog.queries.feed import DUMP_FORMATS, Dump, changes
from catalog.queries.spool import Spools

router = APIRouter(prefix="/api/v1", tags=["integration"], responses=ERRORS)
#: media types a dump is asked for with (N-Quads first: what */* gets), and their formats
_BY_MEDIA = {media: name for name, media in DUMP_FORMATS.items()} | {
    "application/x-trig": "trig", "text/n3": "turtle"}


def accepts_gzip(header: str) -> bool:
    """Whether ``Accept-Encoding`` admits gzip (``gzip;q=0`` refuses it, ``*`` admits it)."""
    weights: dict[str, float] = {}
    for part in header.lower().split(","):
        name, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if name:
            weights[name.strip()] = q
    return weights.get("gzip", weights.get("x-gzip", weights.get("*", 0.0))) > 0


@router.get("/dump", responses={200: {"content": {m: {} for m in DUMP_FORMATS.values()}}})
async def dump(request: Request, catalog: CatalogDep,
               format: str | None = Query(None, pattern="^(nquads|trig|turtle)$",
                                          description="nquads (gzip-encoded when the client "
                                          "accepts it), trig, or turtle (the union of the "
                                          "records); without it, Accept chooses (N-Quads for "
                                          "*/*)")
               ) -> StreamingResponse:
    """Every published record, consistent at one change sequence number (header
    `X-Change-Seq`: continue with `/api/v1/changes?after=` it). The dump is read from the
    ledger into a spool as fast as the ledger gives it, and sent from there: a slow client
    holds no ledger connection. A client runs at most 2 dumps at once (429 beyond)."""
    if format is None:
        media = choose(request, list(_BY_MEDIA))
        format = _BY_MEDIA[media]
    gzip = accepts_gzip(request.headers.get("accept-encoding", ""))
    spools: Spools = request.app.state.spools
    release = spools.acquire(request.client.host if request.client else "unknown")
    try:
        stream = spools.start(await run_in_threadpool(Dump, catalog.ledger, format, gzip=gzip),
                              release)
    except BaseException:
        release()
        raise
    ext = {"nquads": "nq", "trig": "trig", "turtle": "ttl"}[format]
    tag = f"dump-{format}{'-gz' if gzip else ''}-{stream.seq}"
    headers = {"X-Change-Seq": str(stream.seq), "ETag": f'"{tag}"',
               "Content-Disposition": f'attachment; filename="semcat-{stream.seq}.{ext}"',
               "Vary": "Accept, Accept-Encoding"}
    if gzip:
        headers["Content-Encoding"] = "gzip"
    return StreamingResponse(iter(stream), media_type=stream.media_type, headers=headers,
                             background=BackgroundTask(stream.close))


@router.get("/changes")
async def change_feed(request: Request, catalog: CatalogDep,
                      after: int = Query(0, ge=0, description="Cursor: the last `seq` you have "
                                         "(0 for everything; a dump's X-Change-Seq)"),
                      limit: int = Query(500, ge=1, le=5000),
                      content: bool = Query(True, description="Include the N-Triples of each "
                                            "published version")) -> Response:
    """Published changes in sequence order: `publish` (with the version's content) and
    `withdraw`. Follow `next` until `items` is empty; resume from your last `seq`."""
    def build() -> tuple[bytes, str]:
        page = changes(catalog.ledger, after, limit)
        nxt = f"/api/v1/changes?after={page.next_after}&limit={limit}" + \
            ("" if content else "&content=false")
        body = json.dumps({"items": [i.to_dict(content) for i in page.items],
                           "last_seq": page.last_seq, "next": nxt}, ensure_ascii=False)
        return body.encode("utf-8"), nxt

    body, nxt = await run_in_threadpool(build)  # up to 5,000 versions: not on the event loop
    return Response(body, media_type="application/json",
                    headers={"Link": f'<{nxt}>; rel="next"'})
