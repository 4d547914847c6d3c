"""Fixtures of the SPARQL endpoint tests: a real uvicorn server on a free loopback port, and
stores loaded straight from N-Triples (no ledger, no validation: these tests are about the
protocol, not about publishing)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI

from catalog.store import GraphOp


@contextmanager
def oxigraph_serve(location: Path, *extra: str) -> Iterator[str]:
    """``oxigraph serve`` on a free loopback port (for module-scoped use); yields its URL."""
    from tests.conftest import free_port

    exe = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    port = free_port()
    proc = subprocess.Popen([exe, "serve", "--location", str(location), "--bind",
                             f"127.0.0.1:{port}", *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(url + "/query", params={"query": "ASK {}"}, timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise RuntimeError("oxigraph serve did not start") from None
                time.sleep(0.05)
        yield url
    finally:
        proc.kill()
        proc.wait(timeout=10)


def load_graphs(app: FastAPI, graphs: dict[str, str]) -> None:
    """Put ``graphs`` (graph IRI -> N-Triples) in the app's store, moving its watermark on (the
    answers cache and the query snapshots are keyed by the watermark)."""
    store = app.state.catalog.store
    store.apply([GraphOp(iri, text) for iri, text in graphs.items()], store.watermark() + 1)


def triples(*lines: Sequence[str]) -> str:
    return "".join(f"<{s}> <{p}> {o} .\n" for s, p, o in lines)
