"""Whether an IRI that the published catalogue no longer describes belonged to a record that
was withdrawn: such an IRI answers 410 Gone with a link to the record's last version, instead
of 404 (RFC 9110 §15.5.11).

The record of an IRI is the IRI itself or the nearest IRI above it (``…/evidence/1`` belongs to
``…/id/service/ASP-0001``), as the catalogue mints them (:mod:`catalog.records.ids`).
"""

from __future__ import annotations

from dataclasses import dataclass

from catalog.errors import Gone
from catalog.ledger import Ledger
from catalog.records.kinds import Kinds


@dataclass(frozen=True)
class Withdrawal:
    iri: str  # the IRI asked for
    record: str  # the withdrawn record it belongs to
    kind: str
    code: str | None
    version: int  # the record's last public (withdrawn) version
    link: str | None  # where that version is read (REST), when the kind has routes

    def error(self) -> Gone:
        return Gone.of("records.gone", value=self.iri, link=self.link or self.record,
                       record=self.record, version=self.version)


def _candidates(iri: str, base: str) -> list[str]:
    out, rest = [iri], iri.split("#", 1)[0]
    if rest != iri:
        out.append(rest)
    while "/" in rest[len(base):]:
        rest = rest.rsplit("/", 1)[0]
        out.append(rest)
    return [c for c in out if c.startswith(base) and len(c) > len(base)]


def withdrawn(ledger: Ledger, kinds: Kinds, base: str, iri: str) -> Withdrawal | None:
    """The withdrawal that took ``iri`` out of the catalogue, or None (never published, or
    published now: then a 404 is the right answer)."""
    for candidate in _candidates(iri, base):
        versions = ledger.versions(candidate)
        if not versions:
            continue
        if any(v.status == "published" for v in versions):
            return None
        gone = [v for v in versions if v.status == "withdrawn"]
        if not gone:
            return None
        last = gone[-1]
        kind = kinds.get(last.kind)
        link = (f"/api/v1/{kind.path}/{last.code}?version={last.number}"
                if kind is not None and kind.path and last.code else None)
        return Withdrawal(iri, candidate, last.kind, last.code, last.number, link)
    return None


def raise_if_withdrawn(ledger: Ledger, kinds: Kinds, base: str, iri: str) -> None:
    """Raise :class:`catalog.errors.Gone` when ``iri`` belonged to a withdrawn record."""
    found = withdrawn(ledger, kinds, base, iri)
    if found is not None:
        raise found.error()
