"""Content negotiation: which representation an ``Accept`` header asks for."""

from __future__ import annotations

from fastapi import Request

from catalog.errors import CatalogError, InvalidInput

RDF_MEDIA = {
    "text/turtle": "turtle",
    "application/ld+json": "jsonld",
    "application/n-triples": "ntriples",
    "application/rdf+xml": "rdfxml",
    "application/trig": "trig",
    "application/n-quads": "nquads",
}


class NotAcceptable(CatalogError):
    code = "not_acceptable"


class UnsupportedMediaType(InvalidInput):
    """A body in a media type this resource does not take (HTTP 415)."""

    code = "unsupported_media_type"


def _ranges(accept: str) -> list[tuple[str, float]]:
    out: list[tuple[str, float]] = []
    for part in accept.split(","):
        bits = [b.strip() for b in part.split(";")]
        if not bits[0]:
            continue
        q = 1.0
        for b in bits[1:]:
            if b.startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        out.append((bits[0].lower(), q))
    return sorted(out, key=lambda r: -r[1])


def choose(request: Request, offered: list[str]) -> str:
    """The best of ``offered`` media types for the request's Accept (first on ties)."""
    accept = request.headers.get("accept", "*/*") or "*/*"
    for media, q in _ranges(accept):
        if q <= 0:
            continue
        if media in ("*/*", ""):
            return offered[0]
        if media.endswith("/*"):
            for o in offered:
                if o.startswith(media[:-1]):
                    return o
        if media in offered:
            return media
    raise NotAcceptable.of("http.not_acceptable", field="Accept", value=accept,
                           expected=", ".join(offered))
