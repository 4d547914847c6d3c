"""Reading request bodies under a size cap (413 as soon as the cap is passed)."""

from __future__ import annotations

from fastapi import Request

from catalog.errors import TooLarge


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
