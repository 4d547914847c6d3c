"""The catalogue's code lists as short codes and pickers know them
(:class:`catalog.records.codes.CodeLookup`): the concepts of each list's current published
version, with the codes a person may type (the notation, the key) and the labels."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from catalog.codelists.browse import CodeLists
from catalog.errors import NotFound
from catalog.records.codes import CodeConcept

if TYPE_CHECKING:
    from catalog.core import Catalog


class CatalogCodes:
    """A :class:`~catalog.records.codes.CodeLookup` over the published code-list records."""

    def __init__(self, catalog: Catalog) -> None:
        self.lists = CodeLists(catalog)
        self._seen: dict[tuple[str, int], list[CodeConcept]] = {}

    def concepts(self, scheme: str) -> Sequence[CodeConcept]:
        try:
            found, number = self.lists.scheme(scheme)
        except NotFound:
            return []
        key = (scheme, number)
        if key not in self._seen:
            self._seen[key] = [
                CodeConcept(c.iri, scheme, tuple(dict.fromkeys(
                    k for k in (c.notation, c.key) if k)), dict(c.labels))
                for c in found.concepts.values() if not c.deprecated]
        return self._seen[key]
