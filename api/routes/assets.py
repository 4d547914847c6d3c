"""Semantic assets beyond the routes every kind has: ``POST /api/v1/assets/harvest`` (a WSDL,
XSD, OpenAPI, JSON Schema or zip bundle read into an asset's operations and elements, a new
draft version with the diff of its elements), the files of an asset, and the diff of two
versions' elements."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from adapters.definitions.assets import harvest_asset
from adapters.definitions.bundle import MAX_BUNDLE_BYTES
from api.body import read_capped
from api.deps import CatalogDep, OptionalPrincipalDep, PrincipalDep
from api.schemas import ERRORS
from catalog import paths
from catalog.errors import NotFound
from catalog.ledger.files import digest, get_file
from catalog.records.asset import ASSET_TYPES, Asset
from catalog.records.elements import diff_elements
from catalog.workflow.history import History
from catalog.workflow.onceonly import once_only_report

router = APIRouter(prefix="/api/v1", tags=["assets"], responses=ERRORS)
_TYPE = "|".join(ASSET_TYPES)


@router.post("/assets/harvest", status_code=201, summary="Harvest a definition into an "
             "asset: its operations and elements, a new draft version (or, with dry_run, "
             "only what would be stored), and the diff of its elements against the latest "
             "version, each change breaking or compatible",
             openapi_extra={"requestBody": {"content": {
                 m: {"schema": {"type": "string", "format": "binary"}} for m in (
                     "application/wsdl+xml", "application/xml", "application/yaml",
                     "application/json", "application/zip")}}})
async def harvest(request: Request, principal: PrincipalDep, catalog: CatalogDep,
                  code: str = Query(..., max_length=64, description="The asset's code"),
                  filename: str = Query("definition", max_length=200, pattern=r"^[^/\\]+$",
                                        description="The uploaded file's name (a zip keeps "
                                        "the names of its members)"),
                  title_ro: str | None = Query(None, max_length=500),
                  title_en: str | None = Query(None, max_length=500),
                  title_ru: str | None = Query(None, max_length=500),
                  type: str | None = Query(None, pattern=f"^({_TYPE})$",
                                           description="ADMS asset type (default: "
                                           "ServiceDescription for WSDL and OpenAPI, Schema "
                                           "for XSD and JSON Schema)"),
                  version_info: str | None = Query(None, max_length=64),
                  dry_run: bool = Query(False),
                  if_match: str | None = Header(None),
                  reason: str | None = Query(None, max_length=2000)) -> JSONResponse:
    body = await read_capped(request, MAX_BUNDLE_BYTES)
    titles = {k: v for k, v in (("ro", title_ro), ("en", title_en), ("ru", title_ru)) if v}
    result = await run_in_threadpool(
        lambda: harvest_asset(catalog, principal, {filename: body}, code=code, title=titles,
                              asset_type=type, version_info=version_info, if_match=if_match,
                              dry_run=dry_run, reason=reason))
    status = 200 if dry_run or result.previous is not None else 201
    headers = {"ETag": result.state.etag} if result.state else {}
    return JSONResponse(result.to_dict(), status_code=status, headers=headers)


def _asset(request: Request, code: str, principal: Any, version: int | None) -> Asset:
    catalog = request.app.state.catalog
    kind = catalog.kinds["asset"]
    history = History(catalog, request.app.state.settings.timezone, kind)
    view = history.read(code, principal, version=version)
    asset = view.model(kind)
    assert isinstance(asset, Asset)
    return asset


@router.get("/assets/{code}/files/{name:path}", summary="A file of the asset (a "
            "distribution), as harvested; of the published version unless `version` is given",
            responses={200: {"content": {"application/octet-stream": {}}}})
async def asset_file(code: str, name: str, request: Request, catalog: CatalogDep,
                     principal: OptionalPrincipalDep,
                     version: int | None = Query(None, ge=1)) -> Response:
    asset = await run_in_threadpool(_asset, request, code, principal, version)
    dist = next((d for d in asset.distributions if d.name == name), None)
    stored = await run_in_threadpool(get_file, catalog.engine, dist.sha256) if dist else None
    content = stored.content if stored else _shipped(name, dist.sha256) if dist else None
    if dist is None or content is None:
        raise NotFound.of("assets.file_not_found", field="name", value=name, code=code)
    return Response(content, media_type=dist.media_type, headers={
        "ETag": f'"{dist.sha256}"', "Digest": f"sha-256={dist.sha256}",
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name.rsplit('/', 1)[-1])}",
        "X-Content-Type-Options": "nosniff"})


def _shipped(name: str, sha256: str) -> bytes | None:
    """A file of the demo's assets, shipped with the hub (the demo loads records, not files)."""
    path = paths.DEMO_DIR / "wsdl" / name
    if "/" in name or not path.is_file():
        return None
    data = path.read_bytes()
    return data if digest(data) == sha256 else None


@router.get("/assets/{code}/elements/diff", summary="What changed between two versions' "
            "elements and operations: added, removed, type or cardinality changed, each "
            "breaking or compatible")
async def elements_diff(code: str, request: Request, principal: OptionalPrincipalDep,
                        from_: int = Query(..., alias="from", ge=1), to: int = Query(..., ge=1)
                        ) -> dict[str, Any]:
    a = await run_in_threadpool(_asset, request, code, principal, from_)
    b = await run_in_threadpool(_asset, request, code, principal, to)
    changes = diff_elements(a.elements, b.elements, a.operations, b.operations)
    return {"code": code, "from": from_, "to": to,
            "breaking": any(c.breaking for c in changes),
            "changes": [c.model_dump(exclude_none=True) for c in changes]}


@router.get("/services/{code}/once-only", tags=["services"], summary="Once-only: each "
            "evidence of the service, asked of the applicant or obtainable from a registry "
            "through a data service (and the element that carries it)")
async def once_only(code: str, request: Request, principal: OptionalPrincipalDep,
                    version: int | None = Query(None, ge=1)) -> dict[str, Any]:
    catalog = request.app.state.catalog
    catalog.kinds["service"].check_code(code)
    return await run_in_threadpool(lambda: once_only_report(catalog, code, principal,
                                                            version=version))
