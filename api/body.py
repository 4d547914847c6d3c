"""Reading request bodies under a size cap (413 as soon as the cap is passed)."""

from __future__ import annotations

from fastapi import Request

from catalog.errors import TooLarge


async def read_capped(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it is known to exceed ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise TooLarge.of("http.body_too_large", value=int(declared),
                          expected=f"<= {limit} bytes", size=declared, limit=limit)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise TooLarge.of("http.body_over", expected=f"<= {limit} bytes", limit=limit)
    return bytes(body)
