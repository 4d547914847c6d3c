"""Reading passports: one passport (published, a version, or in force on a date) in any format,
its versions and history, the diff of two versions, and the CSV export of the nomenclature.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api import conditional
from api.deps import HistoryDep, OptionalPrincipalDep, PublishingDep
from api.negotiation import RDF_MEDIA, choose
from api.schemas import ERRORS, VersionsOut
from catalog import rdfio
from catalog.errors import InvalidInput
from catalog.intake import csvformat
from catalog.records.passport import CODE_PATTERN
from catalog.workflow.history import VersionView

router = APIRouter(prefix="/api/v1", tags=["services"], responses=ERRORS)
OFFERED = ["application/json", *RDF_MEDIA, "text/csv"]


def _check_code(code: str) -> None:
    if not re.fullmatch(CODE_PATTERN, code):
        raise InvalidInput(f"{code!r} is not a service code", field="code", value=code,
                           message_ro=f"{code!r} nu este un cod de serviciu",
                           expected="e.g. ASP-0001 (" + CODE_PATTERN + ")")


def _as_of(value: str | None) -> date | datetime | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(f"as_of {value!r} is not a date", field="as_of", value=value,
                           message_ro=f"as_of {value!r} nu este o dată",
                           expected="YYYY-MM-DD or an ISO 8601 date and time") from exc


@router.get("/services/{code}",
            responses={200: {"content": {m: {} for m in OFFERED},
                             "description": "The passport in the format asked for by Accept."},
                       304: {"description": "Not modified (If-None-Match)."}})
async def get_service(code: str, request: Request, history: HistoryDep,
                      principal: OptionalPrincipalDep,
                      version: str | None = Query(None, pattern=r"^([1-9][0-9]{0,8}|latest)$",
                                                  description="A version number, or `latest` "
                                                  "(unpublished versions need a token)"),
                      as_of: str | None = Query(None, description="The version in force on a "
                                                "date (YYYY-MM-DD, end of day) or at a time"),
                      ) -> Response:
    """A passport: the published version, unless `version` or `as_of` asks for another."""
    _check_code(code)
    media = choose(request, OFFERED)
    view: VersionView = await run_in_threadpool(
        lambda: history.read(code, principal, version=int(version) if version and
                             version != "latest" else None, latest=version == "latest",
                             as_of=_as_of(as_of)))
    headers = {"ETag": view.etag, "Vary": "Accept, Authorization",
               "Last-Modified": conditional.http_date(view.published_at or view.created_at),
               "X-Version": str(view.number), "X-Version-Status": view.status}
    if not view.public:
        headers["Cache-Control"] = "private, no-store"
    if conditional.not_modified(request, view.etag, None):
        return Response(status_code=304, headers=headers)
    if media == "application/json":
        body = view.passport().model_dump_json(exclude_none=True).encode()
    elif media == "text/csv":
        body = csvformat.export_csv([view.passport()])
    else:
        body = rdfio.serialize(rdfio.parse_canonical(view.content), RDF_MEDIA[media])
    return Response(body, media_type=media, headers=headers)


@router.get("/services/{code}/versions", response_model=VersionsOut)
async def versions(code: str, history: HistoryDep, pub: PublishingDep,
                   principal: OptionalPrincipalDep) -> dict[str, object]:
    """Every version the caller may see (the public: published ones), and the transitions."""
    _check_code(code)
    views = await run_in_threadpool(history.versions, code, principal)
    shown = {v.number for v in views}
    state = await run_in_threadpool(pub.state, code)
    moves = await run_in_threadpool(pub.history, code)
    return {
        "code": code,
        "published_version": state.published_version,
        "versions": [v.info() for v in views],
        "transitions": [{"version": t.version_number, "from": t.from_status, "to": t.to_status,
                         "by": t.author, "reason": t.reason, "at": t.at.isoformat()}
                        for t in moves if t.version_number in shown],
    }


@router.get("/services/{code}/diff")
async def diff(code: str, history: HistoryDep, principal: OptionalPrincipalDep,
               from_: int = Query(..., alias="from", ge=1), to: int = Query(..., ge=1)
               ) -> Any:
    """What changed between two versions, field by field in Romanian and English, and the
    RDF delta (N-Triples lines added and removed)."""
    _check_code(code)
    result = await run_in_threadpool(history.diff, code, principal, from_, to)
    return result.to_dict()
