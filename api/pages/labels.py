"""Words on the pages: the user's language, and labels of properties and referenced resources."""

from __future__ import annotations

from functools import cache

import pyoxigraph as ox
from fastapi import Request

from catalog import paths

LANGUAGES = ("ro", "en", "ru")
_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def language(request: Request) -> str:
    """``?lang=``, else the first of ours in Accept-Language, else Romanian."""
    asked = request.query_params.get("lang", "")
    if asked in LANGUAGES:
        return asked
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LANGUAGES:
            return tag
    return "ro"


def pick(texts: dict[str, str] | None, lang: str) -> str | None:
    """The text in ``lang``, else Romanian, English, untagged, or any."""
    return picked(texts, lang)[0]


def picked(texts: dict[str, str] | None, lang: str) -> tuple[str | None, str]:
    """The text :func:`pick` chooses and its language tag ("" when untagged), so that a page
    can mark a text shown in another language than its own (``lang`` on the element)."""
    if not texts:
        return None, ""
    for tag in (lang, "ro", "en", ""):
        if texts.get(tag):
            return texts[tag], tag
    tag, text = next(iter(texts.items()))
    return text, tag


@cache
def property_labels() -> dict[str, dict[str, str]]:
    """IRI -> labels by language, from vocabularies/property-labels.ttl."""
    data = (paths.VOCABULARIES_DIR / "property-labels.ttl").read_bytes()
    out: dict[str, dict[str, str]] = {}
    for q in ox.parse(data, format=ox.RdfFormat.TURTLE):
        if q.predicate.value == _LABEL and isinstance(q.object, ox.Literal) \
                and isinstance(q.subject, ox.NamedNode):
            out.setdefault(q.subject.value, {})[q.object.language or ""] = q.object.value
    return out


def local_name(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
