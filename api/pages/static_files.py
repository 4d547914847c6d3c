"""``/static``: the pages' stylesheet and scripts, and the npm libraries they use (built by
``make assets`` into ``static/lib``; see web/build.mjs). Served by the hub itself, so every
page works with no internet and under a Content-Security-Policy of ``'self'``."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

STATIC_DIR = Path(__file__).parent / "static"
#: where web/build.mjs puts the bundles and libraries (absent until `make assets` ran)
LIB_DIR = STATIC_DIR / "lib"


class _Static(StaticFiles):
    """Static files with a cache lifetime (validators come from StaticFiles: ETag and
    Last-Modified, so a browser revalidates cheaply after the hour)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def cached(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"],
                                      (b"cache-control", b"public, max-age=3600")]
            await send(message)
        await super().__call__(scope, receive, cached)


def mount(app: FastAPI) -> None:
    app.mount("/static", _Static(directory=STATIC_DIR, check_dir=False), name="static")
