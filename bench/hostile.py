"""The hostile client of ``bench.mixed``: what one abusive client sends while others work.

Run in its own process (so its CPU does not stall the normal clients' event loop), from its own
loopback addresses, so that the hub's per-address limits (auth failures, queries at once) fall
on it, not on the normal clients: ``127.0.0.2`` for the payloads and heavy queries,
``127.0.0.4`` for the bad tokens (from one address, the auth-failure throttle would answer the
payloads 429 before any parser saw them), ``127.0.0.3`` for slow connections:

- ``turtle_unclosed``: ~2 MiB of Turtle whose ``<<`` never closes, as a publisher's new passport;
- ``json_deep``: a JSON passport nested 200,000 deep;
- ``rdfxml_laughs``: RDF/XML with the "billion laughs" entities;
- ``bad_token``: a write with a made-up bearer token (401, then 429 once throttled);
- ``heavy_sparql``: a four-way cartesian product (killed at the query deadline: 503; 429 when
  the client already has its queries running);
- ``slow_loris``: ``--loris`` connections that send half a request, byte by byte, and are opened
  again when the hub closes them; ``slow_body``: headers, then a body that stalls.

Each request kind counts its answers by status; a slow connection counts as ``cut 408`` (the hub
answered 408 and closed it), ``closed`` (closed without an answer) or ``open at end``.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections import Counter
from typing import Any

import httpx

TURTLE_HEAD = (b"@prefix cpsv: <http://purl.org/vocab/cpsv#> .\n"
               b"<http://127.0.0.1:8000/id/service/ASP-0001> a cpsv:PublicService ;\n"
               b"  <http://example.org/p> ")
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY a "ha">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
 <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dct="http://purl.org/dc/terms/">
 <rdf:Description rdf:about="http://127.0.0.1:8000/id/service/ASP-0001">
  <dct:title>&h;</dct:title>
 </rdf:Description>
</rdf:RDF>
"""
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def payloads(max_record_bytes: int) -> dict[str, tuple[str, str, dict[str, str], bytes]]:
    """Kind -> (method, path, headers, body); the Turtle fills the record cap less 1 KiB."""
    fill = max_record_bytes - len(TURTLE_HEAD) - 1024
    turtle = TURTLE_HEAD + b"<< " * (fill // 3)
    deep = b"[" * 200_000 + b"]" * 200_000
    return {
        "turtle_unclosed": ("POST", "/api/v1/services", {"Content-Type": "text/turtle"}, turtle),
        "json_deep": ("POST", "/api/v1/services", {"Content-Type": "application/json"}, deep),
        "rdfxml_laughs": ("POST", "/api/v1/validate",
                          {"Content-Type": "application/rdf+xml"}, LAUGHS),
        "bad_token": ("PUT", "/api/v1/services/ASP-0001",
                      {"Content-Type": "application/json", "If-Match": '"x"'}, b"{}"),
        "heavy_sparql": ("POST", "/sparql", {"Content-Type": "application/sparql-query",
                                             "Accept": "application/sparql-results+json"},
                         HEAVY.encode()),
    }


async def _requests(url: str, token: str, seconds: float, max_record_bytes: int,
                    counts: dict[str, Counter[str]]) -> None:
    kinds = payloads(max_record_bytes)
    stop = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=url, timeout=60, transport=httpx.AsyncHTTPTransport(
            local_address="127.0.0.2")) as client, httpx.AsyncClient(
            base_url=url, timeout=60, transport=httpx.AsyncHTTPTransport(
                local_address="127.0.0.4")) as forger:

        async def loop(names: list[str]) -> None:
            rng = random.Random(hash(tuple(names)))
            while time.monotonic() < stop:
                name = rng.choice(names)
                method, path, headers, body = kinds[name]
                auth = ("Bearer not-a-token-" + str(rng.random()) if name == "bad_token"
                        else f"Bearer {token}")
                try:
                    r = await (forger if name == "bad_token" else client).request(
                        method, path, content=body, headers={**headers, "Authorization": auth})
                    counts[name][str(r.status_code)] += 1
                except httpx.HTTPError as exc:
                    counts[name][type(exc).__name__] += 1
                await asyncio.sleep(0.05)

        await asyncio.gather(loop(["turtle_unclosed", "json_deep", "rdfxml_laughs"]),
                             loop(["bad_token"]), loop(["heavy_sparql"]),
                             loop(["heavy_sparql", "json_deep"]))


async def _slow_one(host: str, port: int, seconds: float, first: bytes, trickle: bytes,
                    counts: Counter[str]) -> None:
    """A slow connection: ``first``, then a byte of ``trickle`` every 2 s, until the hub closes
    it; then the next one, until ``seconds`` have passed."""
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        try:
            reader, writer = await asyncio.open_connection(host, port,
                                                           local_addr=("127.0.0.3", 0))
        except OSError as exc:
            counts[f"connect {type(exc).__name__}"] += 1
            await asyncio.sleep(1)
            continue
        answer, closed = b"", False
        try:
            writer.write(first)
            i = 0
            while time.monotonic() < stop:
                try:
                    chunk = await asyncio.wait_for(reader.read(65536), timeout=2.0)
                except TimeoutError:  # the hub waits: one more byte
                    writer.write(trickle[i % len(trickle):i % len(trickle) + 1])
                    i += 1
                    continue
                if not chunk:
                    closed = True
                    break
                answer += chunk
        except OSError:
            closed = True
        finally:
            if not closed:
                counts["open at end"] += 1
            elif answer.startswith(b"HTTP/1.1 "):
                counts[f"cut {answer[9:12].decode()}"] += 1
            else:
                counts["closed"] += 1
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


async def _all(url: str, token: str, seconds: float, max_record_bytes: int, loris: int,
               slow_bodies: int) -> dict[str, Any]:
    counts: dict[str, Counter[str]] = {k: Counter() for k in payloads(max_record_bytes)}
    slow = {"slow_loris": Counter[str](), "slow_body": Counter[str]()}
    host, port = url.removeprefix("http://").split(":")
    head = b"GET /api/v1/services/ASP-0001 HTTP/1.1\r\nHost: hub\r\n"
    body_head = (b"POST /sparql HTTP/1.1\r\nHost: hub\r\nContent-Type: "
                 b"application/sparql-query\r\nContent-Length: 100000\r\n\r\nASK ")
    await asyncio.gather(
        _requests(url, token, seconds, max_record_bytes, counts),
        *(_slow_one(host, int(port), seconds, head, b"X-Slow: 1\r\n", slow["slow_loris"])
          for _ in range(loris)),
        *(_slow_one(host, int(port), seconds, body_head, b"{ }  ", slow["slow_body"])
          for _ in range(slow_bodies)))
    return {k: dict(v) for k, v in (counts | slow).items()}


def run(url: str, token: str, seconds: float, max_record_bytes: int, loris: int,
        slow_bodies: int, out: Any) -> None:
    """The hostile client for ``seconds``; its counts are put on the queue ``out``."""
    out.put(asyncio.run(_all(url, token, seconds, max_record_bytes, loris, slow_bodies)))


__all__ = ["payloads", "run"]
