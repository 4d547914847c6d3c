"""Adapters: the mapping format (``GET /api/v1/schema/mapping.json``, public) and the admin
API of the hub's adapters (``/api/v1/adapters``: list, start a run, list runs, read a run's
report, trust)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from adapters.mapping.library import all_mappings, find
from adapters.mapping.spec import MappingSpec, schema
from adapters.sync import background
from adapters.sync.trust import set_trust
from api.deps import CatalogDep, PrincipalDep
from api.schemas import ERRORS
from catalog.errors import CatalogError, NotFound
from catalog.ledger import syncs
from catalog.workflow.access import require_admin

router = APIRouter(prefix="/api/v1", tags=["adapters"], responses=ERRORS)
_NAME = r"^[a-z0-9][a-z0-9.-]{0,63}$"


class AdapterOut(BaseModel):
    name: str
    file: str
    title: str = ""
    source: str | None = None
    kind: str | None = None
    institution: str | None = None
    trusted: bool = False
    schedule_s: float | None = None
    last_run: dict[str, Any] | None = None
    error: dict[str, Any] | None = None  # why the mapping cannot be read


class RunOut(BaseModel):
    id: int
    adapter: str
    dry_run: bool
    trigger: str
    status: Literal["running", "done", "failed", "interrupted"]
    started_at: str
    finished_at: str | None
    cursor: str | None
    counts: dict[str, int]
    error: Any = None


class RunStarted(BaseModel):
    run: int
    location: str


class ReportOut(BaseModel):
    adapter: str
    run: RunOut
    dry_run: bool
    counts: dict[str, int]
    records: list[dict[str, Any]]
    next: str | None = None


class TrustIn(BaseModel):
    trusted: bool


@router.get("/schema/mapping.json", response_model=dict[str, Any],
            responses={200: {"content": {"application/schema+json": {}}}})
async def mapping_schema() -> JSONResponse:
    """The JSON Schema of adapter mappings (the YAML files of `semcat adapter`)."""
    return JSONResponse(schema(), media_type="application/schema+json")


def _adapter(catalog: Any, path: Any, spec: MappingSpec | CatalogError) -> AdapterOut:
    if isinstance(spec, CatalogError):
        return AdapterOut(name=path.stem, file=path.name, error=spec.to_dict())
    last = syncs.runs(catalog.engine, spec.name, limit=1)
    return AdapterOut(name=spec.name, file=path.name, title=spec.title,
                      source=spec.source_type, kind=spec.kind, institution=spec.institution,
                      trusted=syncs.trusted(catalog.engine, spec.name),
                      schedule_s=spec.schedule_s,
                      last_run=last[0].to_dict() if last else None)


@router.get("/adapters", response_model=list[AdapterOut])
async def list_adapters(principal: PrincipalDep, catalog: CatalogDep) -> list[AdapterOut]:
    """The adapters of `SEMCAT_ADAPTERS_DIR`, each with its last run (admin)."""
    require_admin(principal)

    def read() -> list[AdapterOut]:
        return [_adapter(catalog, p, s) for p, s in all_mappings(catalog.settings.adapters_dir)]

    return await run_in_threadpool(read)


def _spec(catalog: Any, name: str) -> MappingSpec:
    return find(catalog.settings.adapters_dir, name)


@router.post("/adapters/{name}/runs", response_model=RunStarted, status_code=202)
async def start_run(principal: PrincipalDep, catalog: CatalogDep,
                    name: str = Path(..., pattern=_NAME),
                    dry_run: bool = Query(False, description="The plan only")) -> JSONResponse:
    """Start a run (202, the run's address); 409 when the adapter is already running."""
    require_admin(principal)

    def go() -> int:
        return background.start(catalog, _spec(catalog, name), dry_run=dry_run, trigger="api")

    run_id = await run_in_threadpool(go)
    location = f"/api/v1/adapters/{name}/runs/{run_id}"
    return JSONResponse({"run": run_id, "location": location}, status_code=202,
                        headers={"Location": location})


@router.get("/adapters/{name}/runs", response_model=list[RunOut])
async def list_runs(principal: PrincipalDep, catalog: CatalogDep,
                    name: str = Path(..., pattern=_NAME),
                    limit: int = Query(50, ge=1, le=500)) -> list[dict[str, Any]]:
    """The runs of an adapter, newest first (admin)."""
    require_admin(principal)
    rows = await run_in_threadpool(syncs.runs, catalog.engine, name, limit)
    return [r.to_dict() for r in rows]


@router.get("/adapters/{name}/runs/{run_id}", response_model=ReportOut)
async def read_report(principal: PrincipalDep, catalog: CatalogDep,
                      name: str = Path(..., pattern=_NAME), run_id: int = Path(..., ge=1),
                      status: Literal["created", "updated", "unchanged", "rejected"] | None
                      = Query(None), offset: int = Query(0, ge=0),
                      limit: int = Query(1000, ge=1, le=10_000)) -> dict[str, Any]:
    """A run's report: its counts and its records with their outcomes, reasons and diffs."""
    require_admin(principal)

    def read() -> dict[str, Any]:
        row = syncs.run(catalog.engine, name, run_id)
        if row is None:
            raise NotFound.of("adapter.no_run", field="run", value=run_id, name=name)
        records = syncs.outcomes(catalog.engine, run_id, status=status, limit=limit,
                                 offset=offset)
        nxt = None
        if len(records) == limit:
            nxt = (f"/api/v1/adapters/{name}/runs/{run_id}?offset={offset + limit}"
                   f"&limit={limit}" + (f"&status={status}" if status else ""))
        return {"adapter": name, "run": row.to_dict(), "dry_run": row.dry_run,
                "counts": row.counts, "records": [o.to_dict() for o in records], "next": nxt}

    return await run_in_threadpool(read)


@router.put("/adapters/{name}/trust", response_model=AdapterOut)
async def trust(body: TrustIn, principal: PrincipalDep, catalog: CatalogDep,
                name: str = Path(..., pattern=_NAME)) -> AdapterOut:
    """Publish the adapter's records without review (`trusted: true`), or not (admin)."""
    require_admin(principal)

    def go() -> AdapterOut:
        spec = _spec(catalog, name)
        set_trust(catalog, spec.name, body.trusted, principal)
        path = next(p for p, s in all_mappings(catalog.settings.adapters_dir)
                    if isinstance(s, MappingSpec) and s.name == spec.name)
        return _adapter(catalog, path, spec)

    return await run_in_threadpool(go)
