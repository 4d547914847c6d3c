"""Headers that keep pages safe in a browser, on every answer.

Every answer: ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: no-referrer``. HTML
answers also get a Content-Security-Policy that allows no inline script and nothing from
elsewhere (``script-src 'self'``, ``object-src 'none'``, ``base-uri 'none'``,
``form-action 'self'``, ``frame-ancestors 'none'``); styles may be inline (the pages' own
stylesheet), scripts never. ``/docs`` and ``/redoc`` (the API documentation pages FastAPI
builds, which load their scripts from a CDN) are left without the policy until their assets
are served by the hub.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
_EXEMPT = ("/docs", "/redoc")


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        exempt = scope.get("path", "").startswith(_EXEMPT)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "no-referrer")
                if headers.get("content-type", "").startswith("text/html") and not exempt:
                    headers.setdefault("Content-Security-Policy", CSP)
                    headers.setdefault("X-Frame-Options", "DENY")
            await send(message)

        await self.app(scope, receive, send_with_headers)
