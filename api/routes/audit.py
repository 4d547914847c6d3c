"""``GET /api/v1/audit``: the audit log of every write and refused attempt (admin only)."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool

from api.deps import CatalogDep, PrincipalDep
from api.schemas import ERRORS, AuditPage
from catalog.ledger.audit import AuditLog, entry_dict
from catalog.workflow.access import require_admin

router = APIRouter(prefix="/api/v1", tags=["audit"], responses=ERRORS)


@router.get("/audit", response_model=AuditPage)
async def audit_log(principal: PrincipalDep, catalog: CatalogDep,
                    after: int = Query(0, ge=0, description="Cursor: entries after this id"),
                    limit: int = Query(100, ge=1, le=1000),
                    actor: str | None = Query(None, max_length=256),
                    institution: str | None = Query(None, max_length=32),
                    target: str | None = Query(None, max_length=2048,
                                               description="A service code or token:N"),
                    action: str | None = Query(None, max_length=32)) -> dict[str, object]:
    """Entries oldest first; follow `next` for the following page."""
    require_admin(principal)
    rows = await run_in_threadpool(lambda: AuditLog(catalog.engine).entries(
        after=after, limit=limit, actor=actor, institution=institution, target=target,
        action=action))
    entries = [entry_dict(e) for e in rows]
    nxt = f"/api/v1/audit?after={rows[-1].id}&limit={limit}" if len(rows) == limit else None
    return {"entries": entries, "next": nxt}
