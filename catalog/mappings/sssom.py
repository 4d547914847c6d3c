"""A reviewed mapping set of an asset's elements as SSSOM TSV, through the hub's one writer
(:mod:`catalog.records.sssom`): a rejected mapping is written with ``predicate_modifier``
``Not``, a suggested one with its score as ``confidence``."""

from __future__ import annotations

from collections.abc import Sequence

from catalog.mappings.review import Decision
from catalog.mappings.vocabulary import Term, core_terms
from catalog.namespaces import ADMS, CV, DCT, FOAF, LOCN, ORG, SKOS
from catalog.records import sssom

#: Prefixes every set declares (those of the Core Vocabularies and SKOS; CPOV's namespace is
#: the ``cv`` one)
PREFIXES = {
    "skos": SKOS, "cv": CV, "dct": DCT, "adms": ADMS, "foaf": FOAF, "locn": LOCN, "org": ORG,
    "person": "http://www.w3.org/ns/person#", "legal": "http://www.w3.org/ns/legal#",
    "rov": "http://www.w3.org/ns/regorg#", "schema": "https://schema.org/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
LICENSE = "https://creativecommons.org/licenses/by/4.0/"


def write_tsv(set_iri: str, decisions: Sequence[Decision], *, title: str = "") -> str:
    """The set as SSSOM TSV text."""
    terms: dict[str, Term] = {t.iri: t for t in core_terms()}
    rows = []
    for d in decisions:
        term = terms.get(d.term)
        rows.append(sssom.MappingRow(
            d.element, SKOS + d.relation, d.term, subject_label=d.element_label,
            object_label=term.name if term else "", negated=not d.confirmed,
            justification=sssom.SEMAPV + ("LexicalMatching" if d.score is not None
                                          else "ManualMappingCuration"),
            confidence=d.score, reviewer=d.reviewer, date=d.date,
            object_source=term.vocabulary if term else ""))
    return sssom.write_tsv(rows, mapping_set_id=set_iri, title=title, license=LICENSE,
                           prefixes=PREFIXES)
