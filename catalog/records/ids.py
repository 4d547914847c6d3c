"""Identifiers: the IRI families the catalogue mints under ``SEMCAT_BASE_URI``, minted and
parsed in one place.

A family is a template relative to the base IRI, with named slots: ``id/service/{code}``,
``id/org/{slug}``, ``codelist/{scheme}``, ``eli/{type}/{year}/{number}``, ``id/location/{slug}``.
A slot matches one path segment (no ``/``), except the last slot of a template, which matches
the rest of a path only when the template says so (``{rest...}``, not used today).
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass, field
from urllib.parse import quote

from catalog.errors import InvalidInput

_SLOT = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class IriFamily:
    """IRIs ``{base}{template}``; ``parse`` is the inverse of ``mint``."""

    template: str
    _pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        parts = _SLOT.split(self.template)
        regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^/#?]+)"
                        for i, p in enumerate(parts))
        object.__setattr__(self, "_pattern", re.compile(regex))

    @property
    def slots(self) -> tuple[str, ...]:
        return tuple(_SLOT.findall(self.template))

    @property
    def mintable(self) -> bool:
        """The family is minted from a record's code alone."""
        return self.slots == ("code",)

    @property
    def root(self) -> str:
        """The path before the first slot (``id/service/``): where the family lives."""
        return _SLOT.split(self.template)[0]

    def mint(self, base: str, **slots: str) -> str:
        values = {}
        for name in self.slots:
            value = slots.get(name)
            if not value or "/" in value:
                raise InvalidInput.of("ids.cannot_name", field=name, value=value,
                                      expected="a non-empty value without '/'")
            values[name] = quote(value, safe="-._~:@!$&'()*+,;=")
        return base + self.template.format(**values)

    def parse(self, base: str, iri: str) -> dict[str, str] | None:
        """The slots of ``iri`` when it belongs to the family, else None."""
        if not iri.startswith(base):
            return None
        m = self._pattern.fullmatch(iri[len(base):])
        return m.groupdict() if m else None

    def contains(self, base: str, iri: str) -> bool:
        return self.parse(base, iri) is not None


def owner_by_prefix(iri: str, roots: Container[str], exclude: str | None = None) -> str | None:
    """The root among ``roots`` that ``iri`` is, or is under (``<root>/...``, ``<root>#...``),
    the longest first."""
    if iri in roots and iri != exclude:
        return iri
    cut = len(iri)
    while True:
        cut = max(iri.rfind("/", 0, cut), iri.rfind("#", 0, cut))
        if cut <= 0:
            return None
        head = iri[:cut]
        if head in roots and head != exclude:
            return head


def is_under(iri: str, root: str) -> bool:
    """``iri`` is ``root`` or a resource under it (``<root>/...``, ``<root>#...``)."""
    return iri == root or iri.startswith((root + "/", root + "#"))


#: The concepts of a code list: ``codelist/{scheme}/{concept}`` (part of the scheme's record).
CONCEPTS = IriFamily("codelist/{scheme}/{concept}")
