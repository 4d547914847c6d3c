"""What the editor's pickers offer, labelled in the page's language: the concepts of the code
lists (through the catalogue's :class:`~catalog.records.codes.CodeLookup`), the organisations,
the legal acts with their articles, and the places (the published reference records)."""

from __future__ import annotations

from dataclasses import dataclass

from api.pages.labels import pick
from catalog.core import Catalog
from catalog.namespaces import ELI
from catalog.records.codes import CodeField, CodeLookup, choices
from catalog.records.passport import CODED_FIELDS
from catalog.text import search_key


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    part: bool = False  # an article under its act


#: picker name -> the code lists it offers
_LISTS: dict[str, CodeField] = {
    "audiences": CODED_FIELDS["audiences"],
    "life_events": CodeField(("life-event",)),
    "business_events": CodeField(("business-event",)),
    "thematic_areas": CODED_FIELDS["thematic_areas"],
    "languages": CODED_FIELDS["languages"],
    "spatial": CodeField(("eu-authorities",), "http://publications.europa.eu/resource/"
                         "authority/country/"),
    "evidence_type": CODED_FIELDS["evidence.*.type"],
    "currency": CODED_FIELDS["costs.*.currency"],
    "channel_type": CODED_FIELDS["channels.*.type"],
}


def _sorted(options: list[Option]) -> list[Option]:
    return sorted(options, key=lambda o: search_key(o.label))


def _records(catalog: Catalog, kind: str, lang: str) -> list[Option]:
    return _sorted([Option(iri, pick(catalog.label(iri), lang) or iri)
                    for iri in catalog.ledger.published_iris(kind)])


def _acts(catalog: Catalog, lang: str) -> list[Option]:
    """Each legal act, followed by its articles (eli:has_part)."""
    out: list[Option] = []
    for act in _records(catalog, "legal", lang):
        out.append(act)
        parts = sorted({str(o) for _s, p, o in catalog.references.describe(act.value)
                        if str(p) == ELI + "has_part"})
        out += [Option(iri, pick(catalog.label(iri), lang) or iri, part=True) for iri in parts]
    return out


def editor_choices(catalog: Catalog, codes: CodeLookup, lang: str) -> dict[str, list[Option]]:
    """Every picker's options, by picker name."""
    out = {name: [Option(c.iri, c.label(lang)) for c in choices(codes, spec)]
           for name, spec in _LISTS.items()}
    out["organisations"] = _records(catalog, "organisation", lang)
    out["legal"] = _acts(catalog, lang)
    out["locations"] = _records(catalog, "location", lang)
    return out
