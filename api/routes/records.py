"""The REST routes of one kind of record, under ``/api/v1/{kind.path}``: the same for every kind
that declares a path (``/api/v1/services`` is the passports' instance).

Reads: one record (published, a version, the latest, or in force on a date) in any format, its
versions and transitions, the diff of two versions. Writes: create, replace, JSON Merge Patch,
submit, publish, withdraw, reject. Handlers parse, authorise through
:class:`catalog.workflow.publishing.Publishing` and answer; nothing body-sized runs on the event
loop (parsing, hashing, serialising: the thread pool).
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Body, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from api import conditional, idempotent
from api.answers import Answer, cache_of
from api.body import read_capped
from api.deps import (
    CodesDep,
    IdempotencyDep,
    OptionalPrincipalDep,
    PrincipalDep,
    SettingsDep,
)
from api.negotiation import RDF_MEDIA, UnsupportedMediaType, body_media, choose
from api.passport_read import passport_json
from api.schemas import ERRORS, VersionsOut, VersionStateOut
from catalog import gates, rdfio
from catalog.core import Catalog
from catalog.errors import InvalidInput, NotFound
from catalog.intake.readers import CSV_MEDIA, JSON_MEDIA, media_of, single_record
from catalog.queries.gone import raise_if_withdrawn
from catalog.records.kinds import RecordKind
from catalog.records.passport import Passport, from_triples
from catalog.settings import Settings
from catalog.workflow.access import Principal
from catalog.workflow.history import History, VersionView
from catalog.workflow.publishing import Publishing
from catalog.workflow.states import VersionState

_WRITE_MEDIA = ("application/json", "text/turtle", "application/ld+json",
                "application/rdf+xml", "application/n-triples")
REASON = Query(None, max_length=2000, description="Why: kept in the version's history.")


def _as_of(value: str | None) -> date | datetime | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput.of("records.as_of", field="as_of", value=value,
                              expected="YYYY-MM-DD or an ISO 8601 date and time") from exc


def _catalog(request: Request) -> Catalog:
    cat: Catalog = request.app.state.catalog
    return cat


def offered_media(kind: RecordKind) -> list[str]:
    """The formats a record of ``kind`` is answered in (the first when Accept allows any)."""
    return ["application/json", *RDF_MEDIA] + (["text/csv"] if kind.csv else [])


def record_key(kind: RecordKind, code: str, version: int | None, media: str) -> Hashable:
    """The answer cache's key of a published version (``None``: the one published now) of
    the record ``code`` in ``media``, as everyone without a token gets it."""
    return ("record", kind.name, code, "current" if version is None else version, media)


def _raise_if_withdrawn(request: Request, kind: RecordKind, code: str) -> None:
    catalog: Catalog = request.app.state.catalog
    iri = catalog.ledger.record_iri(kind.name, code)
    if iri is not None:
        raise_if_withdrawn(catalog.ledger, catalog.kinds, catalog.settings.base_uri, iri)


def _body_media(request: Request, kind: RecordKind) -> str:
    """The media type of a record's body: JSON, CSV (passports) or an RDF format; another is
    415, before the body is read."""
    return body_media(request, [*sorted(JSON_MEDIA), *([CSV_MEDIA] if kind.csv else [])])


def router_for(kind: RecordKind) -> APIRouter:
    """The routes of ``kind`` (which declares a path, a code and a JSON model)."""
    assert kind.path is not None
    path, noun = kind.path, kind.labels["en"]
    router = APIRouter(prefix="/api/v1", tags=[path], responses=ERRORS)
    offered = offered_media(kind)
    write_media = _WRITE_MEDIA + (("text/csv",) if kind.csv else ())
    body_doc = {"content": {m: {"schema": {"type": "string"}} for m in write_media}}

    def history(request: Request) -> History:
        s: Settings = request.app.state.settings
        return History(_catalog(request), s.timezone, kind)

    def publishing(request: Request) -> Publishing:
        return Publishing(_catalog(request), kind)

    def answer(status: int) -> idempotent.Answer:
        def make(state: VersionState) -> JSONResponse:
            headers = {"ETag": state.etag}
            if status == 201:
                headers["Location"] = f"/api/v1/{path}/{state.code}"
            return JSONResponse(state.to_dict(), status_code=status, headers=headers)
        return make

    # reads --------------------------------------------------------------------------------
    async def get_one(code: str, request: Request, principal: OptionalPrincipalDep,
                      version: str | None = Query(None, pattern=r"^([1-9][0-9]{0,8}|latest)$",
                                                  description="A version number, or `latest` "
                                                  "(unpublished versions need a token)"),
                      as_of: str | None = Query(None, description="The version in force on "
                                                "a date (YYYY-MM-DD, end of day) or at a time"),
                      ) -> Response:
        kind.check_code(code)
        media = choose(request, offered)
        number = int(version) if version and version != "latest" else None
        # what everyone without a token gets (a published version) is kept for the next one
        shared = principal is None and as_of is None and version != "latest"
        catalog = _catalog(request)

        def read() -> tuple[int, VersionView]:
            generation = catalog.head.read() if shared else 0  # before the read: see answers
            found = history(request).read_published(code) \
                if version is None and as_of is None else None
            return generation, found or history(request).read(
                code, principal, version=number, latest=version == "latest",
                as_of=_as_of(as_of))

        try:
            generation, view = await run_in_threadpool(read)
        except NotFound:
            if version is None and as_of is None:  # withdrawn: 410 with its last version
                await run_in_threadpool(_raise_if_withdrawn, request, kind, code)
            raise
        modified = view.published_at or view.created_at
        headers = {"ETag": view.etag, "Vary": "Accept, Authorization",
                   "Last-Modified": conditional.http_date(modified),
                   "X-Version": str(view.number), "X-Version-Status": view.status}
        if not view.public:
            headers["Cache-Control"] = "private, no-store"
        body, derived = None, False
        if media == "application/json" and kind.model is Passport:  # the effective passport
            when = _as_of(as_of)  # what it inherited then: the entry in force on that day
            on = when.date() if isinstance(when, datetime) else when
            body, derived = await run_in_threadpool(_passport, view, _catalog(request),
                                                    principal, on)
        # what a passport inherits follows its entry (and the day an edition comes into
        # force), not its version: never "not modified", never kept by version
        if not derived and conditional.not_modified(request, view.etag, modified):
            return Response(status_code=304, headers=headers)
        if body is None:
            body = await run_in_threadpool(_represent, kind, view, media)
        if shared and view.public and not derived:
            cache_of(request).put(record_key(kind, code, number, media), generation,
                                  Answer.of(body, media, headers, modified))
        return Response(body, media_type=media, headers=headers)

    async def versions(code: str, request: Request, principal: OptionalPrincipalDep
                       ) -> dict[str, object]:
        kind.check_code(code)
        views = await run_in_threadpool(history(request).versions, code, principal)
        shown = {v.number for v in views}
        pub = publishing(request)
        state = await run_in_threadpool(pub.state, code)
        moves = await run_in_threadpool(pub.history, code)
        return {
            "code": code,
            "published_version": state.published_version,
            "versions": [v.info() for v in views],
            "transitions": [{"version": t.version_number, "from": t.from_status,
                             "to": t.to_status, "by": t.author, "reason": t.reason,
                             "at": t.at.isoformat()}
                            for t in moves if t.version_number in shown],
        }

    async def diff(code: str, request: Request, principal: OptionalPrincipalDep,
                   from_: int = Query(..., alias="from", ge=1), to: int = Query(..., ge=1)
                   ) -> Any:
        kind.check_code(code)
        result = await run_in_threadpool(history(request).diff, code, principal, from_, to)
        return result.to_dict()

    router.add_api_route(
        f"/{path}/{{code}}", get_one, methods=["GET"], summary=f"A {noun}: the published "
        "version, unless `version` or `as_of` asks for another",
        responses={200: {"content": {m: {} for m in offered},
                         "description": f"The {noun} in the format asked for by Accept."},
                   304: {"description": "Not modified (If-None-Match)."}})
    router.add_api_route(f"/{path}/{{code}}/versions", versions, methods=["GET"],
                         response_model=VersionsOut, summary="Every version the caller may "
                         "see (the public: published ones), and the transitions")
    router.add_api_route(f"/{path}/{{code}}/diff", diff, methods=["GET"],
                         summary="What changed between two versions, field by field in "
                         "Romanian and English, and the RDF delta (N-Triples lines added and "
                         "removed)")

    # writes -------------------------------------------------------------------------------
    async def create(request: Request, principal: PrincipalDep, settings: SettingsDep,
                     idem: IdempotencyDep, codes: CodesDep, reason: str | None = REASON
                     ) -> JSONResponse:
        media = _body_media(request, kind)
        body = await read_capped(request, settings.max_record_bytes)
        pub = publishing(request)

        def write(hook: Any) -> VersionState:
            draft = single_record(kind, body, media, settings, codes=codes)
            return pub.create(principal, draft, reason=reason, on_commit=hook)

        return await idempotent.run(request, principal, idem, body, write, answer(201), 201)

    async def replace(code: str, request: Request, principal: PrincipalDep,
                      settings: SettingsDep, codes: CodesDep,
                      if_match: str | None = Header(None), reason: str | None = REASON
                      ) -> JSONResponse:
        media = _body_media(request, kind)
        body = await read_capped(request, settings.max_record_bytes)
        pub = publishing(request)

        def write() -> VersionState:
            draft = single_record(kind, body, media, settings,
                                  expected_iri=kind.iri(settings.base_uri, code), codes=codes)
            return pub.replace(principal, code, draft, if_match, reason=reason)

        return answer(200)(await run_in_threadpool(write))

    async def patch(code: str, request: Request, principal: PrincipalDep,
                    settings: SettingsDep, codes: CodesDep,
                    if_match: str | None = Header(None), reason: str | None = REASON
                    ) -> JSONResponse:
        body = await read_capped(request, settings.max_record_bytes)
        media = media_of(request.headers.get("content-type"), "application/merge-patch+json")
        if media not in JSON_MEDIA:
            raise UnsupportedMediaType.of("records.patch_media", field="Content-Type",
                                          value=media, expected="application/merge-patch+json")
        pub = publishing(request)

        def write() -> VersionState:
            doc = rdfio.load_json(gates.decode_utf8(body, what="JSON body"),
                                  max_nesting=settings.max_nesting)
            gates.check_storable_text(doc)
            return pub.patch(principal, code, doc, if_match, reason=reason, codes=codes)

        return answer(200)(await run_in_threadpool(write))

    router.add_api_route(f"/{path}", create, methods=["POST"], status_code=201,
                         response_model=VersionStateOut, openapi_extra={"requestBody": body_doc},
                         summary=f"Create a {noun}; its first version is a draft. Honours "
                         "`Idempotency-Key`.")
    router.add_api_route(f"/{path}/{{code}}", replace, methods=["PUT"],
                         response_model=VersionStateOut, openapi_extra={"requestBody": body_doc},
                         summary=f"A new draft version with the whole {noun} (needs If-Match)")
    router.add_api_route(f"/{path}/{{code}}", patch, methods=["PATCH"],
                         response_model=VersionStateOut, openapi_extra={"requestBody": {
                             "content": {"application/merge-patch+json": {
                                 "schema": {"type": "object"}}}}},
                         summary="A new draft version from a JSON Merge Patch (RFC 7396) of "
                         "the latest version")

    def transition(to: str) -> Any:
        async def handler(code: str, request: Request, principal: PrincipalDep,
                          idem: IdempotencyDep, if_match: str | None = Header(None),
                          reason: str | None = Body(None, embed=True, max_length=2000)
                          ) -> JSONResponse:
            body = (reason or "").encode("utf-8")
            pub = publishing(request)

            def write(hook: Any) -> VersionState:
                return pub.transition(principal, code, to, if_match, reason=reason,
                                      on_commit=hook)

            return await idempotent.run(request, principal, idem, body, write, answer(200),
                                        200)
        return handler

    for verb, status, doc in (
            ("submit", "submitted", "Send the latest draft for review (owner; needs If-Match)."),
            ("publish", "published", "Publish the submitted version (reviewer; needs If-Match)."),
            ("withdraw", "withdrawn", "Withdraw the published version (reviewer; If-Match of it)."),
            ("reject", "draft", "Send a submission back to draft, with a reason (reviewer).")):
        router.add_api_route(f"/{path}/{{code}}/{verb}", transition(status), methods=["POST"],
                             summary=doc, response_model=VersionStateOut)
    return router


def _passport(view: VersionView, catalog: Catalog, principal: Principal | None,
              on: date | None) -> tuple[bytes, bool]:
    return passport_json(catalog, from_triples(rdfio.parse_canonical(view.content), view.iri),
                         principal, on)


def _represent(kind: RecordKind, view: VersionView, media: str) -> bytes:
    """A version in ``media``: its plain JSON, a CSV row, or RDF (in the thread pool)."""
    triples = rdfio.parse_canonical(view.content)
    if media == "application/json":
        assert kind.mapping is not None
        model = kind.mapping.from_triples(triples, view.iri)
        data: bytes = model.model_dump_json(exclude_none=True).encode()
        return data
    if media == "text/csv":
        assert kind.csv is not None
        assert kind.mapping is not None
        return kind.csv.export([kind.mapping.from_triples(triples, view.iri)])
    return rdfio.serialize(triples, RDF_MEDIA[media])
