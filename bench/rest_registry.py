"""A REST registry on loopback for :mod:`bench.adapter_sync`: the records of a JSON Lines file
as JSON pages, paged by a cursor, behind a bearer token.

``GET /rest/passports?active=true&after=N&limit=M`` answers
``{"results": [records N .. N+M-1], "paging": {"next": "N+M" or null}}`` (the shape of
``tests/adapters/registries.py``'s ``/rest/passports`` and of the example mapping
``adapters/examples/registry-rest-passports.yaml``); 401 without ``Authorization: Bearer TOKEN``.
Each record is kept as its JSON text, so a page costs the server a join, not a serialisation.

Run as its own process, so the benchmark's CPU time is the syncing process's alone:

    SEMCAT_BENCH_REGISTRY_TOKEN=T python -m bench.rest_registry --file registry.jsonl

binds 127.0.0.1 on a free port, prints the port on its first line, and serves until killed.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

PATH = "/rest/passports"
#: where the registry finds its token (not on its command line, which ``ps`` shows)
TOKEN_ENV = "SEMCAT_BENCH_REGISTRY_TOKEN"
#: the largest page the registry gives (a page of 500 passports is ~2.3 MB)
MAX_LIMIT = 1000


class Registry:
    """The ASGI app: ``rows`` (JSON texts) paged by ``after`` / ``limit``."""

    def __init__(self, rows: list[str], token: str) -> None:
        self.rows = rows
        self.auth = f"Bearer {token}".encode()
        self.pages = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if scope["path"] != PATH:
            await _answer(send, 404, b'{"detail": "not found"}')
            return
        if dict(scope["headers"]).get(b"authorization") != self.auth:
            await _answer(send, 401, b'{"detail": "bearer token required"}')
            return
        query = parse_qs(scope["query_string"].decode("latin-1"))
        try:
            after = int(query.get("after", ["0"])[0])
            limit = int(query.get("limit", ["100"])[0])
        except ValueError:
            await _answer(send, 400, b'{"detail": "after and limit are integers"}')
            return
        if "active" not in query or after < 0 or not 0 < limit <= MAX_LIMIT:
            await _answer(send, 400, b'{"detail": "active, after >= 0, 0 < limit <= 1000"}')
            return
        self.pages += 1
        end = after + limit
        nxt = f'"{end}"' if end < len(self.rows) else "null"
        body = ('{"results": [' + ",".join(self.rows[after:end])
                + f'], "paging": {{"next": {nxt}}}}}').encode()
        await _answer(send, 200, body)


async def _answer(send: Send, status: int, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def read_rows(path: Path) -> list[str]:
    """The records of a JSON Lines file, as their JSON texts."""
    with path.open(encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip()]


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--file", type=Path, required=True)
    args = ap.parse_args(argv)
    app = Registry(read_rows(args.file), os.environ[TOKEN_ENV])
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    print(sock.getsockname()[1], flush=True)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])
    sys.exit(0)


if __name__ == "__main__":
    main()
