"""Reading registries: the REST source (page paging, JSON Schema per record) and the SOAP
source (MConnect-style ListPersons, WSDL check per record) over N records from a loopback
server. Wall time, records per second, and the Python heap at its peak while items are read and
dropped (flat: it holds one page, not the run), measured in a second pass under tracemalloc;
the server runs in a thread of the same process and shares its GIL.

    python -m bench.registry_sources --n 10000 --page 500
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn

from adapters.sources.headers import MConnectHeader
from adapters.sources.http import Limits
from adapters.sources.paging import Paging
from adapters.sources.rest import RestConfig, RestSource
from adapters.sources.soap import SoapConfig, SoapPaging, SoapSource

POP = "https://registre.example.gov.md/population/v1"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
EXAMPLE = Path(__file__).resolve().parents[1] / "adapters" / "examples" / \
    "mconnect-population-register"
SCHEMA = {"type": "object", "required": ["id", "title", "fee"],
          "properties": {"id": {"type": "string"}, "fee": {"type": "integer", "minimum": 0},
                         "title": {"type": "object", "required": ["ro", "en"]}}}


def app(n: int) -> Callable[..., Any]:
    records = [{"id": f"R{i:06d}", "title": {"ro": f"Serviciul {i}", "en": f"Service {i}"},
                "fee": i % 7} for i in range(n)]

    async def asgi(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        query = dict(p.split("=", 1) for p in scope["query_string"].decode().split("&") if p)
        if scope["path"] == "/rest":
            page, size = int(query.get("page", "1")), int(query.get("size", "100"))
            body = json.dumps({"items": records[(page - 1) * size: page * size]}).encode()
            kind = b"application/json"
        else:
            request = b""
            while True:
                message = await receive()
                request += message.get("body", b"")
                if not message.get("more_body"):
                    break
            page = int(request.split(b"Page>", 1)[1].split(b"<", 1)[0])
            size = int(request.split(b"PageSize>", 1)[1].split(b"<", 1)[0])
            people = "".join(
                f"<p:Person><p:IDNP>{2000000000000 + i}</p:IDNP><p:LastName>N{i}</p:LastName>"
                f"<p:FirstName>P{i}</p:FirstName><p:BirthDate>1980-01-01</p:BirthDate>"
                f"</p:Person>" for i in range((page - 1) * size, min(n, page * size)))
            body = (f'<soap:Envelope xmlns:soap="{SOAP}"><soap:Body><p:ListPersonsResponse '
                    f'xmlns:p="{POP}">{people}</p:ListPersonsResponse></soap:Body>'
                    f"</soap:Envelope>").encode()
            kind = b"text/xml"
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", kind)]})
        await send({"type": "http.response.body", "body": body})

    return asgi


@contextmanager
def served(n: int) -> Iterator[str]:
    server = uvicorn.Server(uvicorn.Config(app(n), host="127.0.0.1", port=0,
                                           log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def measure(label: str, source: RestSource | SoapSource, n: int) -> dict[str, Any]:
    """One timed pass, then one pass under tracemalloc (which slows Python ~3x) for the heap."""
    started = time.perf_counter()
    count = problems = 0
    for item in source.items():
        count += 1
        problems += len(item.problems)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    for _ in source.items():
        pass
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    source.close()
    if count != n or problems:
        raise SystemExit(f"read {count} of {n} records, {problems} problems")
    return {"source": label, "records": count, "seconds": round(seconds, 2),
            "per_s": round(count / seconds), "heap_peak_mb": round(peak / 2**20, 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--page", type=int, default=500)
    args = parser.parse_args()
    limits = Limits(connect_s=5, read_s=30, total_s=60, max_bytes=16 * 2**20)
    with served(args.n) as url, tempfile.TemporaryDirectory() as tmp:
        schema = Path(tmp) / "record.json"
        schema.write_text(json.dumps(SCHEMA))
        rest = RestSource(RestConfig(name="bench", base_url=url, path="/rest", records="items",
                                     paging=Paging(style="page", size=args.page),
                                     schema=schema, limits=limits))
        rows = [measure("REST (page, JSON Schema)", rest, args.n)]
        header = MConnectHeader("2000000000001", "1003600000000", "Legea nr. 100/2001, art. 73",
                                "bench")
        soap = SoapSource(SoapConfig(
            name="bench", bundle=EXAMPLE, wsdl="population-register.wsdl",
            operation="ListPersons", records="p:ListPersonsResponse/p:Person", key="p:IDNP",
            namespaces={"p": POP}, endpoint=f"{url}/soap", header=header,
            paging=SoapPaging(size=args.page), limits=limits))
        rows.append(measure("SOAP (MConnect ListPersons, WSDL check)", soap, args.n))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for row in rows:
        print(json.dumps(row))
    print(json.dumps({"peak_rss_mb": round(rss)}))


if __name__ == "__main__":
    main()
