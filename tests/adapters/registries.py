"""Registries for the source tests: one ASGI app with REST and SOAP endpoints, canned and
hostile answers. The SOAP services are those of real WSDLs (X-Road's getRandom in
../shared/external/soap/xroad) and of our MConnect-style example; the requests they get are kept
in :attr:`Registry.requests` for the tests to read.

Paths: ``/rest/{style}`` pages of :data:`RECORDS`; ``/rest/hostile/{case}``; ``/soap/{case}``;
``/rest/passports`` (service passports behind a bearer token: :func:`add_passports`).

``python -m tests.adapters.registries --port 8765`` serves them all (with the demo passports of
ASP under new codes, token :data:`EXAMPLE_TOKEN`) for the REST and SOAP example mappings of
``adapters/examples/`` (docs/adapters.md, "Example registries").
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import StreamingResponse
from lxml import etree

from tests.servers import serve_in_thread

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
POP = "https://registre.example.gov.md/population/v1"
XRD = "http://x-road.eu/xsd/xroad.xsd"
RANDOM = "http://v6Example.x-road.eu/producer"
MB = 1024 * 1024
EXAMPLE = Path(__file__).resolve().parents[2] / "adapters" / "examples" / \
    "mconnect-population-register"
XROAD_REST = Path(__file__).resolve().parents[2].parent / "shared" / "external" / "soap" / \
    "xroad-rest"
SECRET_FAULT_TEXT = "ORA-00942 at /srv/registry/internal.py line 42"
HOSTNAME = "/etc/hostname"

#: the records of the REST registry (every style pages the same list)
RECORDS = [{"id": f"R{n:04d}", "title": {"ro": f"Serviciul {n}", "en": f"Service {n}"},
            "fee": n % 7} for n in range(1, 251)]
#: the persons of the population register
PERSONS = [(f"{2000000000000 + n}", f"Nume{n}", f"Prenume{n}", f"19{50 + n % 50}-01-0{1 + n % 9}")
           for n in range(1, 26)]


@dataclass
class Registry:
    app: FastAPI
    #: what each path was asked, and bytes sent by the streaming answers
    hits: Counter[str] = field(default_factory=Counter)
    sent: Counter[str] = field(default_factory=Counter)
    requests: list[dict[str, Any]] = field(default_factory=list)


def _envelope(body: str, status: int = 200) -> Response:
    text = (f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{SOAP}">'
            f"<soap:Body>{body}</soap:Body></soap:Envelope>")
    return Response(text, status_code=status, media_type="text/xml; charset=utf-8")


def _person(idnp: str, last: str, first: str, born: str) -> str:
    return (f"<p:Person><p:IDNP>{idnp}</p:IDNP><p:LastName>{last}</p:LastName>"
            f"<p:FirstName>{first}</p:FirstName><p:BirthDate>{born}</p:BirthDate></p:Person>")


async def _stream(sent: Counter[str], key: str, total: int, prefix: bytes = b"",
                  pause: float = 0.0) -> AsyncIterator[bytes]:
    chunk = b" " * MB
    yield prefix
    for _ in range(total // MB):
        sent[key] += len(chunk)
        yield chunk
        await asyncio.sleep(pause)


HOSTILE_XML = {
    "xxe": f'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file://{HOSTNAME}">]>'
           f'<soap:Envelope xmlns:soap="{SOAP}"><soap:Body><p:ListPersonsResponse xmlns:p="{POP}">'
           f"<p:Person><p:IDNP>&x;</p:IDNP></p:Person></p:ListPersonsResponse></soap:Body>"
           f"</soap:Envelope>",
    "billion-laughs": '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                      + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">'
                                for i in range(1, 10)).replace("&lol0;", "&lol;")
                      + f']><soap:Envelope xmlns:soap="{SOAP}"><soap:Body>&lol9;</soap:Body>'
                        "</soap:Envelope>",
    "invalid-xml": f'<soap:Envelope xmlns:soap="{SOAP}"><soap:Body><unclosed></soap:Body>',
}


def build() -> Registry:
    app = FastAPI()
    reg = Registry(app)

    # --- REST -------------------------------------------------------------------------------
    @app.get("/rest/page")
    def by_page(page: int = 1, size: int = 100) -> dict[str, Any]:
        reg.hits["page"] += 1
        return {"items": RECORDS[(page - 1) * size: page * size], "page": page}

    @app.get("/rest/offset")
    def by_offset(offset: int = 0, limit: int = 100) -> dict[str, Any]:
        reg.hits["offset"] += 1
        return {"items": RECORDS[offset: offset + limit]}

    @app.get("/rest/cursor")
    def by_cursor(cursor: str = "0", size: int = 100) -> dict[str, Any]:
        reg.hits["cursor"] += 1
        start = int(cursor)
        nxt = str(start + size) if start + size < len(RECORDS) else None
        return {"data": RECORDS[start: start + size], "meta": {"next": nxt}}

    @app.get("/rest/link")
    def by_link(request: Request, start: int = 0) -> Response:
        reg.hits["link"] += 1
        headers = {}
        if start + 100 < len(RECORDS):
            headers["Link"] = f'</rest/link?start={start + 100}>; rel="next", </rest/link>; ' \
                              f'rel="first"'
        return Response(json.dumps(RECORDS[start: start + 100]), headers=headers,
                        media_type="application/json")

    @app.get("/r1/{instance}/{cls}/{member}/{subsystem}/listMethods")
    def list_methods(request: Request, instance: str, cls: str, member: str,
                     subsystem: str) -> Response:
        """X-Road's REST metaservice, answering its real example (../shared)."""
        reg.requests.append({"path": "listMethods", "service": (instance, cls, member,
                                                                  subsystem),
                             "client": request.headers.get("x-road-client"),
                             "user": request.headers.get("x-road-userid")})
        if not request.headers.get("x-road-client"):
            return Response(status_code=400)
        return Response((XROAD_REST / "listMethods-response.json").read_bytes(),
                        media_type="application/json")

    @app.get("/listClients")
    def list_clients() -> Response:
        return Response((XROAD_REST / "listClients-response.json").read_bytes(),
                        media_type="application/json")

    @app.get("/rest/auth")
    def authed(request: Request) -> Response:
        reg.requests.append({"path": "auth", "authorization": request.headers.get("authorization")})
        if request.headers.get("authorization") != "Bearer s3cr3t-t0ken":
            return Response(status_code=401)
        return Response(json.dumps(RECORDS[:3]), media_type="application/json")

    @app.get("/rest/hostile/bad-records")
    def bad_records() -> list[Any]:
        return [RECORDS[0], {"id": "R9001", "title": {"ro": "Fără engleză"}, "fee": -5},
                {"title": {"ro": "fără cheie", "en": "no key"}, "fee": 1}, RECORDS[1]]

    @app.get("/rest/hostile/huge")
    def huge_rest() -> StreamingResponse:
        return StreamingResponse(_stream(reg.sent, "rest-huge", 100 * MB, b'{"items": ['),
                                 media_type="application/json")

    @app.get("/rest/hostile/huge-declared")
    def huge_declared() -> Response:
        return Response(b"[]", headers={"Content-Length": str(100 * MB)})

    @app.get("/rest/hostile/drip")
    def drip() -> StreamingResponse:
        return StreamingResponse(_stream(reg.sent, "drip", 30 * MB, b"[", pause=0.1),
                                 media_type="application/json")

    @app.get("/rest/hostile/slow")
    async def slow() -> list[Any]:
        await asyncio.sleep(2)
        return RECORDS[:2]

    @app.get("/rest/hostile/redirect-away")
    def away() -> Response:
        return Response(status_code=302, headers={"Location": "http://registry.example.org/x"})

    @app.get("/rest/hostile/redirect-here")
    def here() -> Response:
        return Response(status_code=307, headers={"Location": "/rest/page?page=1&size=100"})

    @app.get("/rest/hostile/link-away")
    def link_away() -> Response:
        return Response(json.dumps(RECORDS[:2]), media_type="application/json",
                        headers={"Link": '<http://registry.example.org/p2>; rel="next"'})

    @app.get("/rest/hostile/cursor-loop")
    def cursor_loop() -> dict[str, Any]:
        return {"data": RECORDS[:2], "meta": {"next": "again"}}

    @app.get("/rest/hostile/limited")
    def limited(k: str, times: int = 2, wait: str = "1") -> Response:
        reg.hits[f"limited-{k}"] += 1
        if reg.hits[f"limited-{k}"] <= times:
            return Response(status_code=429, headers={"Retry-After": wait})
        return Response(json.dumps(RECORDS[:5]), media_type="application/json")

    @app.get("/rest/hostile/unavailable")
    def unavailable(k: str) -> Response:
        reg.hits[f"unavailable-{k}"] += 1
        return Response(status_code=503)

    @app.get("/rest/hostile/not-json")
    def not_json() -> Response:
        return Response("<html><body>Gateway error</body></html>", media_type="text/html")

    @app.get("/rest/hostile/deep")
    def deep() -> Response:
        return Response("[" * 5000 + "]" * 5000, media_type="application/json")

    @app.get("/rest/hostile/huge-number")
    def huge_number() -> Response:
        return Response('[{"id": ' + "9" * 100_000 + "}]", media_type="application/json")

    @app.get("/schemas/remote.json")
    def remote_schema() -> dict[str, Any]:
        reg.hits["remote-schema"] += 1
        return {"type": "object"}

    # --- SOAP -------------------------------------------------------------------------------
    @app.get("/soap/{case}")
    def wsdl(case: str) -> Response:
        """The service's WSDL, as registries publish it (``?wsdl``): the sources never read
        it from here, only from their local bundle."""
        reg.hits[f"wsdl-{case}"] += 1
        name = "xroad6-getRandom.wsdl" if case == "xroad" else "population-register.wsdl"
        folder = XROAD_REST.parent / "xroad" if case == "xroad" else EXAMPLE
        return Response((folder / name).read_bytes(), media_type="text/xml")

    @app.post("/soap/{case}")
    async def soap(case: str, request: Request) -> Response:
        body = await request.body()
        reg.hits[f"soap-{case}"] += 1
        envelope = etree.fromstring(body)
        headers = {etree.QName(h).localname: (h.text or "").strip() or h
                   for h in envelope.iterfind(f"{{{SOAP}}}Header/*")}
        call = envelope.find(f"{{{SOAP}}}Body/*")
        reg.requests.append({"case": case, "headers": headers, "call": call,
                             "action": request.headers.get("soapaction"),
                             "authorization": request.headers.get("authorization")})
        if case == "fault":
            return _envelope(f"<soap:Fault><faultcode>soap:Server</faultcode><faultstring>"
                             f"{SECRET_FAULT_TEXT}</faultstring></soap:Fault>", 500)
        if case == "html-500":
            return Response(f"<html><body>{SECRET_FAULT_TEXT}</body></html>", status_code=500,
                            media_type="text/html")
        if case in HOSTILE_XML:
            return Response(HOSTILE_XML[case], media_type="text/xml")
        if case == "huge":
            return StreamingResponse(_stream(reg.sent, "soap-huge", 100 * MB,
                                             f'<soap:Envelope xmlns:soap="{SOAP}"><soap:Body>'
                                             .encode()), media_type="text/xml")
        if case == "slow":
            await asyncio.sleep(2)
        if case == "redirect":
            return Response(status_code=307, headers={"Location": "http://registry.example.org/"})
        if case == "limited" and reg.hits["soap-limited"] == 1:
            return Response(status_code=429, headers={"Retry-After": "1"})
        if call is not None and call.tag == f"{{{RANDOM}}}getRandom":
            amount = int(call.findtext(f"{{{RANDOM}}}amount") or "1")
            values = "".join(f"<randomValue>{0.25 * i}</randomValue>" for i in range(amount))
            return _envelope(f'<r:getRandomResponse xmlns:r="{RANDOM}"><randomValues>'
                             f"{values}</randomValues></r:getRandomResponse>")
        persons = PERSONS
        if call is not None and call.tag == f"{{{POP}}}ListPersons":
            page = int(call.findtext(f"{{{POP}}}Page") or "1")
            size = int(call.findtext(f"{{{POP}}}PageSize") or "10")
            persons = PERSONS[(page - 1) * size: page * size]
        elif call is not None:
            wanted = call.findtext(f"{{{POP}}}IDNP")
            persons = [p for p in PERSONS if p[0] == wanted]
        items = "".join(_person(*p) for p in persons)
        if case == "bad-record":
            items = (_person(*PERSONS[0]) + _person("2000000000999", "Greșit", "Data", "31.02.2001")
                     + "<p:Person><p:LastName>FărăCheie</p:LastName></p:Person>")
        name = "ListPersonsResponse" if call is not None and call.tag.endswith("ListPersons") \
            else "GetPersonResponse"
        return _envelope(f'<p:{name} xmlns:p="{POP}">{items}</p:{name}>')

    return reg


@contextmanager
def serving() -> Iterator[tuple[Registry, str]]:
    """The registry under uvicorn on a free loopback port, and its base URL."""
    reg = build()
    with serve_in_thread(reg.app) as url:
        yield reg, url


def chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and every exception in its cause and context chain."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        one = todo.pop()
        if one is None or id(one) in seen:
            continue
        seen.add(id(one))
        yield one
        todo += [one.__cause__, one.__context__]


def everything_shown(exc: BaseException) -> str:
    """Every text the error and its chain could show: messages in every language, details,
    ``str`` and ``repr``, tracebacks and zeep's ``content``."""
    import traceback

    parts = ["".join(traceback.format_exception(exc))]
    for one in chain(exc):
        parts += [str(one), repr(one), repr(getattr(one, "content", None))]
        parts += [str(v) for v in getattr(one, "messages", {}).values()]
        parts += [repr(getattr(one, k, None)) for k in ("field", "value", "expected")]
    return "\n".join(parts)


#: the token of the example registry's passports (``SEMCAT_EXAMPLE_REGISTRY_TOKEN``)
EXAMPLE_TOKEN = "example-registry-token"
#: where the example mappings expect the registries
EXAMPLE_PORT = 8765


def add_passports(reg: Registry, rows: list[dict[str, Any]], token: str) -> None:
    """``/rest/passports``: ``rows`` (passports as a registry gives them), paged by a cursor
    (``after``, ``limit``; the next one at ``paging.next``), ``active`` required, behind the
    bearer ``token``."""

    @reg.app.get("/rest/passports")
    def passports(request: Request, active: str, after: int = 0, limit: int = 100) -> Response:
        reg.requests.append({"path": "passports", "after": after, "active": active})
        if request.headers.get("authorization") != f"Bearer {token}":
            return Response(status_code=401)
        nxt = str(after + limit) if after + limit < len(rows) else None
        return Response(json.dumps({"results": rows[after: after + limit],
                                    "paging": {"next": nxt}}), media_type="application/json")


def example_rows() -> list[dict[str, Any]]:
    """The demo passports of ASP as the example registry gives them, under codes of their own
    (ASP-1001 ...: new to a hub with the demo nomenclature)."""
    import tempfile

    from catalog.core import Catalog
    from catalog.demo import load_reference
    from catalog.settings import Settings
    from tests.adapters.conftest import registry_rows

    with tempfile.TemporaryDirectory() as tmp:
        catalog = Catalog(Settings(env="test", data_dir=Path(tmp) / "data"), with_store=False)
        try:
            load_reference(catalog)
            rows = registry_rows(catalog)
        finally:
            catalog.close()
    for r in rows:
        r["id"] = f"ASP-{1000 + int(r['id'].split('-')[1]):04d}"
    return rows


def main(argv: list[str] | None = None) -> None:
    """Serve the registries on ``127.0.0.1:PORT`` until interrupted."""
    import argparse

    import uvicorn

    parser = argparse.ArgumentParser(description="The test registries, for the example "
                                     "REST and SOAP mappings")
    parser.add_argument("--port", type=int, default=EXAMPLE_PORT)
    args = parser.parse_args(argv)
    reg = build()
    add_passports(reg, example_rows(), EXAMPLE_TOKEN)
    uvicorn.run(reg.app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
