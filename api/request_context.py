"""Every request gets an id, and no exception leaves the server as a plain-text 500.

:class:`RequestContext` is the outermost middleware of the app (outside the ``/sparql`` fast
lane). It takes the client's ``X-Request-ID`` when it is short and safe, else mints one, keeps it
in ``request.state.request_id``, and echoes it in the ``X-Request-ID`` header of the answer.

An exception that reaches it (from a route, a dependency, a middleware, the fast lane, or a
streaming response before its first chunk: the answer's start is held until the first chunk of
its body) is logged with its traceback and the request id, and answered with the 500 problem
document naming that id, never with the exception's text. A domain error that got this far (a
streaming body that failed before its first chunk) gets its own status. An exception after the
first chunk has gone out cannot change the answer: it is logged and the connection is dropped.
A client gone while its body was read (``ClientDisconnect``: it left, or a deadline of
:mod:`api.http_protocol` cut it) gets no answer and no error in the log.
"""

from __future__ import annotations

import logging
import re
import uuid

from starlette.datastructures import MutableHeaders
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import cors, security_headers
from api.problems import problem_response
from catalog.errors import CatalogError
from catalog.messages import render

log = logging.getLogger("api.requests")

HEADER = "X-Request-ID"
_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")


def request_id_from(scope: Scope) -> str | None:
    """The id :class:`RequestContext` gave this request (None outside it)."""
    state = scope.get("state")
    value = state.get("request_id") if isinstance(state, dict) else None
    return value if isinstance(value, str) else None


def _incoming(scope: Scope) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == b"x-request-id":
            text = value.decode("latin-1")
            return text if _SAFE.fullmatch(text) else None
    return None


def internal_error(request_id: str) -> Response:
    """The 500 problem document: what happened in three languages and the id, nothing else."""
    error = {"code": "internal_error", "message": render("http.internal", request_id=request_id)}
    return problem_response(error, 500, headers={HEADER: request_id}, request_id=request_id)


def _domain_error(exc: BaseException | None) -> CatalogError | None:
    """The domain error behind ``exc``: itself, the cause of Starlette's "response already
    started" error, or the one error of a task group."""
    for _ in range(4):
        if exc is None or isinstance(exc, CatalogError):
            return exc
        if isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1:
            exc = exc.exceptions[0]
        else:
            exc = exc.__cause__
    return None


def _error_answer(exc: BaseException, scope: Scope, request_id: str) -> Response:
    from api.errors import catalog_error_response  # api.errors imports this module

    domain = _domain_error(exc)
    if domain is not None:
        return catalog_error_response(Request(scope), domain)
    return internal_error(request_id)


class RequestContext:
    """ASGI middleware: the request id, and the catch-all 500 (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if cors.preflight_path(scope):
            await cors.answer_preflight(scope, send)
            return
        request_id = _incoming(scope) or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        held: list[Message] = []
        sent = False

        async def send_with_id(message: Message) -> None:
            nonlocal sent
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[HEADER] = request_id
                security_headers.add_to(scope, message)
                cors.add_to(scope, message)
                held.append(message)  # until the first chunk: an error can still be answered
                return
            if held:
                await send(held.pop())
            sent = True
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except ClientDisconnect:  # gone (or cut by a deadline) while sending its body
            log.info("client gone before its request was read (request_id=%s, %s %s)",
                     request_id, scope.get("method"), scope.get("path"))
            return
        except Exception as exc:
            if sent:
                log.exception("error after the answer started (request_id=%s, %s %s)",
                              request_id, scope.get("method"), scope.get("path"))
                raise
            answer = _error_answer(exc, scope, request_id)
            if answer.status_code >= 500:
                log.exception("unhandled error (request_id=%s, %s %s)", request_id,
                              scope.get("method"), scope.get("path"))
            held.clear()
            await answer(scope, receive, send_with_id)
            return
        if held:  # a start without a body (not valid ASGI, but let it out)
            await send(held.pop())


async def server_error_handler(request: Request, exc: Exception) -> Response:
    """Last resort, for Starlette's ServerErrorMiddleware (an error in RequestContext itself)."""
    request_id = request_id_from(request.scope) or uuid.uuid4().hex
    log.error("unhandled error outside the request context (request_id=%s)", request_id,
              exc_info=exc)
    return internal_error(request_id)


__all__ = ["HEADER", "RequestContext", "internal_error", "request_id_from",
           "server_error_handler"]
