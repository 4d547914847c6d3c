"""Content negotiation: which representation an ``Accept`` header asks for."""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import Request

from catalog import rdfio
from catalog.errors import CatalogError, InvalidInput
from catalog.intake.readers import media_of

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


def body_media(request: Request, plain: Iterable[str], *, code: str = "records.body_media"
               ) -> str:
    """The media type of the request's body (``Content-Type``, JSON when absent) when it is
    one of ``plain`` or an RDF format the hub reads; else 415 naming what is accepted, before
    the body is read."""
    media = media_of(request.headers.get("content-type"))
    plain = list(plain)
    if media in plain:
        return media
    try:
        rdfio.format_for(media)
    except InvalidInput:
        accepted = [*plain, *(info.media_type for info in rdfio.FORMATS.values())]
        raise UnsupportedMediaType.of(code, field="Content-Type", value=media,
                                      expected=", ".join(accepted)) from None
    return media


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
