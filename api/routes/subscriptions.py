"""``/api/v1/subscriptions``: change notifications for subscribers (admin only).

An admin registers a URL; the hub answers with the subscription and its signing secret, shown
this once (listings never show it). From then on each publication and withdrawal after the
subscription's cursor is POSTed to the URL as a signed CloudEvent (:mod:`adapters.notify`).
The URL must be http(s), without credentials, on a public address (unless the setting
``SEMCAT_NOTIFY_ALLOW_PRIVATE`` allows others).
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Path, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from adapters.notify import resolve
from api.deps import CatalogDep, PrincipalDep
from api.schemas import ERRORS
from catalog.errors import InvalidInput
from catalog.ledger.subscriptions import SubscriptionInfo, Subscriptions
from catalog.workflow.access import require_admin

router = APIRouter(prefix="/api/v1", tags=["subscriptions"], responses=ERRORS)


class SubscriptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(max_length=2048, description="Where to POST the events (http or https).")
    kinds: list[str] | None = Field(None, max_length=32, description="Kinds of record to be "
                                    "notified of (e.g. `service`); default: every kind.")
    description: str | None = Field(None, max_length=512)
    after: int | None = Field(None, ge=0, description="Send the changes after this change "
                              "sequence number; default: from now on.")


class SubscriptionOut(BaseModel):
    id: int
    url: str
    kinds: list[str] | None
    description: str | None
    created_by: str
    created_at: datetime
    cursor: int = Field(description="The last change sequence number delivered (or skipped).")
    lag: int = Field(description="Changes still to deliver.")
    failures: int = Field(description="Failed attempts in a row.")
    next_attempt_at: datetime | None
    last_error: str | None
    delivered: int
    last_delivered_at: datetime | None


class SubscriptionCreated(SubscriptionOut):
    secret: str = Field(description="The HMAC secret of the `webhook-signature` header "
                        "(Standard Webhooks); shown only in this answer.")


def _out(info: SubscriptionInfo, last_seq: int) -> dict[str, object]:
    return {"id": info.id, "url": info.url,
            "kinds": list(info.kinds) if info.kinds is not None else None,
            "description": info.description, "created_by": info.created_by,
            "created_at": info.created_at, "cursor": info.cursor,
            "lag": max(0, last_seq - info.cursor), "failures": info.failures,
            "next_attempt_at": datetime.fromtimestamp(info.next_attempt_at).astimezone()
            if info.failures else None,
            "last_error": info.last_error, "delivered": info.delivered,
            "last_delivered_at": info.last_delivered_at}


@router.post("/subscriptions", status_code=201, response_model=SubscriptionCreated)
async def create_subscription(body: SubscriptionIn, principal: PrincipalDep,
                              catalog: CatalogDep) -> dict[str, object]:
    """Register a subscriber; the answer holds its secret, which is never shown again."""
    require_admin(principal)
    for kind in body.kinds or []:
        if kind not in catalog.kinds:
            raise InvalidInput.of("notify.unknown_kind", field="kinds", value=kind,
                                  expected=", ".join(k.name for k in catalog.kinds))
    settings = catalog.settings
    await run_in_threadpool(resolve, body.url, allow_private=settings.notify_allow_private)
    last = await run_in_threadpool(catalog.ledger.last_seq)
    if body.after is not None and body.after > last:
        raise InvalidInput.of("notify.start_after", field="after", value=body.after, last=last,
                              expected=f"0 to {last}")
    info, secret = await run_in_threadpool(
        lambda: Subscriptions(catalog.engine).create(
            body.url, created_by=principal.actor, cursor=last if body.after is None
            else body.after, kinds=body.kinds, description=body.description))
    return {**_out(info, last), "secret": secret}


@router.get("/subscriptions", response_model=list[SubscriptionOut])
async def list_subscriptions(principal: PrincipalDep, catalog: CatalogDep
                             ) -> list[dict[str, object]]:
    """Every subscription with its delivery state (no secrets)."""
    require_admin(principal)
    last = await run_in_threadpool(catalog.ledger.last_seq)
    rows = await run_in_threadpool(Subscriptions(catalog.engine).all)
    return [_out(info, last) for info in rows]


@router.get("/subscriptions/{subscription_id}", response_model=SubscriptionOut)
async def get_subscription(principal: PrincipalDep, catalog: CatalogDep,
                           subscription_id: int = Path(ge=1, le=2**31 - 1)
                           ) -> dict[str, object]:
    require_admin(principal)
    last = await run_in_threadpool(catalog.ledger.last_seq)
    info = await run_in_threadpool(Subscriptions(catalog.engine).get, subscription_id)
    return _out(info, last)


@router.delete("/subscriptions/{subscription_id}", status_code=204, response_class=Response)
async def delete_subscription(principal: PrincipalDep, catalog: CatalogDep,
                              subscription_id: int = Path(ge=1, le=2**31 - 1)) -> Response:
    """Stop notifying a subscriber (an event in flight may still arrive)."""
    require_admin(principal)
    await run_in_threadpool(Subscriptions(catalog.engine).delete, subscription_id,
                            principal.actor)
    return Response(status_code=204)
