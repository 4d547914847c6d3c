"""Reading request bodies: the size cap, then records by media type."""

from __future__ import annotations

from fastapi import Request

from catalog import gates, rdfio
from catalog.errors import TooLarge
from catalog.jsonimport import drafts_from_passports, passports_from_json
from catalog.records import RecordDraft, split
from catalog.settings import Settings


async def read_capped(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it is known to exceed ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"the body is {declared} bytes; at most {limit} bytes are accepted",
                       message_ro=f"corpul cererii are {declared} octeți; se acceptă cel mult "
                       f"{limit}", value=int(declared), expected=f"<= {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise TooLarge(f"the body is over {limit} bytes; at most {limit} are accepted",
                           message_ro=f"corpul cererii depășește {limit} octeți",
                           expected=f"<= {limit} bytes")
    return bytes(body)


def drafts_from_body(body: bytes, content_type: str | None, settings: Settings
                     ) -> list[RecordDraft]:
    """Records from a body: plain JSON passports, or any RDF format we read."""
    media = (content_type or "application/json").split(";")[0].strip().lower()
    if media == "application/json":
        text = gates.decode_utf8(body, what="JSON body")
        passports = passports_from_json(text, max_nesting=settings.max_nesting)
        return drafts_from_passports(passports, settings.base_uri)
    quads = rdfio.parse(body, rdfio.format_for(media), base_iri=settings.base_uri,
                        max_bytes=settings.max_record_bytes, max_nesting=settings.max_nesting)
    return split(quads)
