"""Coded fields: the fields of a record's JSON whose values are concepts of a code list, and the
seam through which a short code a person types (``citizen``, ``EUR``, ``RON``) becomes the
concept's IRI.

A kind declares its coded fields as :class:`CodeField` values keyed by their JSON path, with
``*`` for the index of a repeated part (``costs.*.currency``). The concepts come from a
:class:`CodeLookup`; the catalogue's is :class:`catalog.codelists.codes.CatalogCodes` (the
published versions of the code-list records).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from catalog.text import search_key


@dataclass(frozen=True)
class CodeField:
    """The code lists (scheme slugs) a field takes its values from; ``within``: only the
    concepts whose IRI starts with it (one table of the EU authority tables)."""

    schemes: tuple[str, ...]
    within: str = ""


@dataclass(frozen=True)
class CodeConcept:
    """A concept as a picker and a short code know it."""

    iri: str
    scheme: str  # the slug of its code list
    codes: tuple[str, ...]  # what a person may type: its notation, its key
    labels: dict[str, str] = field(default_factory=dict)

    def label(self, lang: str) -> str:
        for tag in (lang, "ro", "en", ""):
            if self.labels.get(tag):
                return self.labels[tag]
        return self.codes[0] if self.codes else self.iri


class CodeLookup(Protocol):
    """The concepts of a code list (its current published version) by scheme slug; none for
    a scheme the catalogue does not hold."""

    def concepts(self, scheme: str) -> Sequence[CodeConcept]: ...


def choices(lookup: CodeLookup | None, spec: CodeField) -> list[CodeConcept]:
    """The concepts a coded field accepts, in code-list order."""
    if lookup is None:
        return []
    return [c for slug in spec.schemes for c in lookup.concepts(slug)
            if c.iri.startswith(spec.within)]


def find(lookup: CodeLookup | None, spec: CodeField, code: str) -> CodeConcept | None:
    """The concept whose notation or key is ``code`` (case, diacritics and ş/ș folded)."""
    wanted = search_key(code.strip())
    for c in choices(lookup, spec):
        if any(search_key(k) == wanted for k in c.codes):
            return c
    return None


def is_iri(value: str) -> bool:
    """An absolute IRI as RDF stores it: a scheme, a colon, no spaces or forbidden marks."""
    import pyoxigraph as ox

    try:
        ox.NamedNode(value)
    except ValueError:
        return False
    return True
