"""Conditional GETs: ETag, Last-Modified and 304 for views of the published catalogue.

A view of the published catalogue changes only when the store's watermark moves, so its ETag
is the watermark and a digest of what was asked; Last-Modified is the time of the last change.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime

from fastapi import Request
from fastapi.responses import Response


def etag_for(watermark: int, *parts: object) -> str:
    digest = hashlib.sha256("\x00".join(str(p) for p in parts).encode()).hexdigest()[:16]
    return f'W/"{watermark}-{digest}"'


def http_date(when: datetime) -> str:
    return format_datetime(when, usegmt=True)


def headers(etag: str, last_modified: datetime | None) -> dict[str, str]:
    out = {"ETag": etag, "Cache-Control": "public, max-age=0, must-revalidate",
           "Vary": "Accept"}
    if last_modified is not None:
        out["Last-Modified"] = http_date(last_modified)
    return out


def not_modified(request: Request, etag: str, last_modified: datetime | None) -> bool:
    """True when the client's copy is current (If-None-Match first, then If-Modified-Since)."""
    inm = request.headers.get("if-none-match")
    if inm is not None:
        wanted = etag.removeprefix("W/")
        return inm.strip() == "*" or wanted in (t.strip().removeprefix("W/")
                                                 for t in inm.split(","))
    ims = request.headers.get("if-modified-since")
    if ims and last_modified is not None:
        try:
            since = parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
        return last_modified.replace(microsecond=0) <= since
    return False


def answer_304(etag: str, last_modified: datetime | None) -> Response:
    return Response(status_code=304, headers=headers(etag, last_modified))
