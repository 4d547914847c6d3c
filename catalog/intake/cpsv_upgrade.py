"""Upgrading CPSV-AP 2.x, 3.0 and 3.1 data to 3.2.0 on the way in: the terms each release
renamed, applied whatever version the data declares.

The declared version is checked and recorded, but the renames of every release are applied,
also those of releases before it: a term an older release renamed can only mean what it meant
there, and real files mix releases (the Estonian pilot, 2.x, still writes 2.1's
``cv:hasFormalFramework``). Each rename done is counted and named in the notes.

The renames come from the releases' Changelogs (``../shared/external/cpsv-ap/SOURCES.md``,
"Version history") and from comparing the vocabularies of 2.2.1, 3.0.0, 3.1.1 and 3.2.0; each
entry names its source. Only renames are applied: a term with no 3.2.0 equivalent (2.x's
``cv:serviceProvider``, schema.org opening hours) is kept as it is and named in the notes, and
a term whose meaning changed (``cv:openingHours`` became a link to a ``time:TemporalEntity``) is
not rewritten, since renaming it would state something the source never said.

schema.org is read under both of its namespaces (``https://`` in the specifications, ``http://``
in some real files, the Finnish pilot's among them).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from catalog.errors import InvalidInput
from catalog.namespaces import ADMS, CPSV, CV, DCAT, DCT, ELI, FOAF, LOCN, RDF_TYPE

TARGET = "3.2.0"
_SCHEMA = ("https://schema.org/", "http://schema.org/")


@dataclass(frozen=True)
class Rename:
    """One term renamed by a release (``old`` -> ``new``), and where that is written."""

    old: str
    new: str
    release: str  # the first release that no longer has ``old``
    source: str  # the Changelog entry or the vocabulary comparison


def _schema(local: str, new: str, release: str, source: str) -> list[Rename]:
    return [Rename(ns + local, new, release, source) for ns in _SCHEMA]


#: Every rename, oldest release first. Classes and properties alike: a rename applies to the
#: predicate of a triple, and to the object of an ``rdf:type`` triple.
RENAMES: tuple[Rename, ...] = (
    # 2.1 -> 2.2: the formal framework became ELI's legal resource
    Rename(CPSV + "FormalFramework", ELI + "LegalResource", "2.2.0",
           "CPSV-AP 2.2 (FormalFramework replaced by eli:LegalResource)"),
    Rename(CV + "hasFormalFramework", CV + "hasLegalResource", "2.2.0",
           "CPSV-AP 2.2 (hasFormalFramework replaced by hasLegalResource)"),
    # 2.2.1 -> 3.0.0 (3.0.0/Changelog.md)
    Rename(DCT + "Agent", FOAF + "Agent", "3.0.0", "3.0.0 Changelog C1"),
    Rename(CV + "CriterionRequirement", CV + "Requirement", "3.0.0", "3.0.0 Changelog C2"),
    Rename(CV + "hasCriterion", CV + "holdsRequirement", "3.0.0",
           "3.0.0 Changelog C2/R3 (CCCEV 2.0: PublicService.holdsRequirement)"),
    Rename(DCT + "status", ADMS + "status", "3.0.0", "3.0.0 Changelog P4"),
    Rename(CV + "value", CV + "hasValue", "3.0.0", "3.0.0 Changelog P16"),
    Rename(CV + "hasAddress", LOCN + "address", "3.0.0", "3.0.0 Changelog P17"),
    Rename(CV + "PublicServiceDataset", DCAT + "Dataset", "3.0.0",
           "3.0.0 Changelog C4 (dcat:Dataset added; cv:PublicServiceDataset removed)"),
    *_schema("ContactPoint", CV + "ContactPoint", "3.0.0", "3.0.0 Changelog P13"),
    *_schema("email", CV + "email", "3.0.0", "3.0.0 vocabulary (ContactPoint.email)"),
    *_schema("telephone", CV + "telephone", "3.0.0",
             "3.0.0 vocabulary (ContactPoint.telephone)"),
    # 3.0 -> 3.1 (3.1.1/Changelog.md)
    Rename(CV + "hasContactPoint", CV + "contactPoint", "3.1.0",
           "3.1.0 Changelog (ContactPoint aligned with CPOV)"),
    Rename(CV + "hasEmail", CV + "email", "3.1.0", "3.1.0 Changelog (CPOV alignment)"),
    Rename(CV + "hasTelephone", CV + "telephone", "3.1.0", "3.1.0 Changelog (CPOV alignment)"),
    Rename(CV + "playsRole", CV + "participates", "3.1.0", "3.1.1 Changelog R7"),
    Rename(CV + "ConcessionContract", CV + "ServiceConcessionContract", "3.1.0",
           "3.1.1 Changelog C5"),
    # 3.1 -> 3.2 (3.2.0/Changelog.md)
    Rename(CV + "isDescribedAt", DCT + "isPartOf", "3.2.0",
           "3.2.0 Changelog (PublicService.isDescribedAt replaced by dct:isPartOf)"),
)

#: Terms of older releases with no 3.2.0 equivalent: kept, and named in the notes.
KEPT: frozenset[str] = frozenset({
    CV + "serviceProvider",
    *(ns + local for ns in _SCHEMA for local in (
        "openingHours", "hoursAvailable", "OpeningHoursSpecification", "opens", "closes",
        "validFrom", "validThrough", "faxNumber")),
})

#: The versions data may declare, and the release each one is at.
VERSIONS: dict[str, str] = {
    "2.1": "2.1.0", "2.1.0": "2.1.0", "2.2": "2.2.0", "2.2.0": "2.2.0", "2.2.1": "2.2.1",
    "3.0": "3.0.0", "3.0.0": "3.0.0", "3.1": "3.1.0", "3.1.0": "3.1.0", "3.1.1": "3.1.1",
    "3.2": "3.2.0", "3.2.0": "3.2.0",
}


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def renames_from(version: str) -> dict[str, Rename]:
    """The renames applied to data declared as ``version``, by old term: those of the
    releases after it, and the older ones its files may still use (see the module)."""
    if version.strip() not in VERSIONS:
        raise InvalidInput.of("harvest.cpsv_version", field="cpsv_ap", value=version,
                              expected=", ".join(sorted(VERSIONS)))
    return {r.old: r for r in RENAMES}


def newer_than(version: str) -> list[Rename]:
    """The renames made by the releases after ``version`` (what its vocabulary still had)."""
    release = VERSIONS[version.strip()]
    return [r for r in RENAMES if _key(r.release) > _key(release)]


@dataclass(frozen=True)
class Upgrade:
    """What an upgrade did: the triples, how many of each rename, the kept old terms."""

    triples: list[ox.Triple]
    renamed: Counter[str]  # "old -> new" -> times
    kept: Counter[str]  # old term with no equivalent -> times

    def notes(self) -> list[str]:
        out = [f"renamed {k} ({n}x)" for k, n in sorted(self.renamed.items())]
        out += [f"kept {k} ({n}x): no CPSV-AP {TARGET} equivalent"
                for k, n in sorted(self.kept.items())]
        return out


def upgrade(triples: Iterable[ox.Triple], version: str) -> Upgrade:
    """``triples`` of CPSV-AP ``version`` as 3.2.0 (the renames of the releases after it)."""
    table = renames_from(version)
    renamed: Counter[str] = Counter()
    kept: Counter[str] = Counter()
    out: list[ox.Triple] = []
    seen: set[ox.Triple] = set()
    for t in triples:
        p, o = t.predicate, t.object
        r = table.get(p.value)
        if r is not None:
            renamed[f"{r.old} -> {r.new}"] += 1
            p = ox.NamedNode(r.new)
        elif p.value in KEPT:
            kept[p.value] += 1
        if p.value == RDF_TYPE and isinstance(o, ox.NamedNode):
            r = table.get(o.value)
            if r is not None:
                renamed[f"{r.old} -> {r.new}"] += 1
                o = ox.NamedNode(r.new)
            elif o.value in KEPT:
                kept[o.value] += 1
        new = ox.Triple(t.subject, p, o) if (p, o) != (t.predicate, t.object) else t
        if new not in seen:  # a file stating both the old and the new term
            seen.add(new)
            out.append(new)
    return Upgrade(out, renamed, kept)
