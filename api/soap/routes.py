"""``/soap/nomenclature``: the nomenclature for legacy systems on the interoperability platform.

``GET`` (``?wsdl``) answers the WSDL; ``POST`` takes a SOAP 1.1 request (document/literal) and
answers its operation, or a SOAP Fault with HTTP 500 as SOAP 1.1 asks (``soap:Client`` for the
caller's mistakes, ``soap:Server`` for the hub's). The body is read under a cap and parsed off
the event loop.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.body import read_capped
from api.deps import CatalogDep
from api.errors import status_for
from api.request_context import request_id_from
from api.soap import envelope, operations
from api.soap.wsdl import PATH, wsdl
from catalog.core import Catalog
from catalog.errors import CatalogError, StoreUnavailable

log = logging.getLogger(__name__)
router = APIRouter(tags=["soap"])


@router.get(f"/{PATH}", response_class=Response,
            responses={200: {"content": {"text/xml": {}}, "description": "The WSDL."}})
async def service_description(catalog: CatalogDep) -> Response:
    """The WSDL of the nomenclature's SOAP service (also at `?wsdl`)."""
    return Response(wsdl(catalog.settings.base_uri), media_type=envelope.MEDIA_TYPE)


def _handle(catalog: Catalog, data: bytes, request_id: str | None) -> tuple[int, bytes]:
    req: envelope.SoapRequest | None = None
    try:
        req = envelope.parse_request(data, max_bytes=catalog.settings.soap_max_request_bytes)
        return 200, envelope.answer(operations.dispatch(catalog, req), req.headers)
    except CatalogError as exc:
        return 500, envelope.fault(exc, server=status_for(exc) >= 500,
                                   headers=req.headers if req else ())
    except Exception:
        log.exception("SOAP request %s failed", request_id)
        error = StoreUnavailable.of("soap.internal", request_id=request_id or "-")
        return 500, envelope.fault(error, server=True)


@router.post(f"/{PATH}", response_class=Response,
             responses={200: {"content": {"text/xml": {}}},
                        500: {"content": {"text/xml": {}}, "description": "A SOAP Fault."}})
async def soap_request(request: Request, catalog: CatalogDep) -> Response:
    """A SOAP 1.1 request: `GetService`, `ListServices` or `GetChanges` (see the WSDL)."""
    request_id = request_id_from(request.scope)
    try:
        data = await read_capped(request, catalog.settings.soap_max_request_bytes)
    except CatalogError as exc:
        return Response(envelope.fault(exc, server=False), status_code=500,
                        media_type=envelope.MEDIA_TYPE)
    status, body = await run_in_threadpool(_handle, catalog, data, request_id)
    return Response(body, status_code=status, media_type=envelope.MEDIA_TYPE)
