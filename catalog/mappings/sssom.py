"""A mapping set as SSSOM TSV (Simple Standard for Sharing Ontological Mappings, 0.15 model):
a YAML metadata block of ``#`` lines (``curie_map``, ``mapping_set_id``, ``license``...), then
one tab-separated row per mapping with CURIEs for the ids.

Kept small on purpose: the writer of crosswalks in ``adapters/`` (branch ``adapters``) may take
its place when both land. A rejected mapping is written with ``predicate_modifier`` ``Not``.
Cells never hold a tab or a line break (replaced by spaces), and a cell that a spreadsheet
would read as a formula is prefixed with an apostrophe.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from catalog.mappings.review import Decision
from catalog.mappings.vocabulary import Term, core_terms
from catalog.namespaces import ADMS, CV, DCT, FOAF, LOCN, ORG, SKOS

#: Prefixes every set declares (those of the Core Vocabularies and SKOS).
PREFIXES = {
    "skos": SKOS, "cv": CV, "dct": DCT, "adms": ADMS, "foaf": FOAF, "locn": LOCN, "org": ORG,
    "person": "http://www.w3.org/ns/person#", "legal": "http://www.w3.org/ns/legal#",
    "rov": "http://www.w3.org/ns/regorg#", "cpov": "http://data.europa.eu/m8g/",
    "semapv": "https://w3id.org/semapv/vocab/", "schema": "https://schema.org/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
COLUMNS = ("subject_id", "subject_label", "predicate_id", "predicate_modifier", "object_id",
           "object_label", "mapping_justification", "confidence", "reviewer_label",
           "mapping_date", "object_source")
LICENSE = "https://creativecommons.org/licenses/by/4.0/"


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[:cut + 1]


def _cell(value: str) -> str:
    value = re.sub(r"[\t\r\n]+", " ", value)
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


class _Curies:
    def __init__(self) -> None:
        self.used: dict[str, str] = {}
        self._by_ns = {ns: p for p, ns in PREFIXES.items() if p != "cpov"}

    def __call__(self, iri: str) -> str:
        ns = _namespace(iri)
        prefix = self._by_ns.get(ns)
        if prefix is None:  # the asset's own elements: ns1, ns2, ... by order of first use
            prefix = f"ns{sum(1 for p in self._by_ns.values() if p.startswith('ns')) + 1}"
            self._by_ns[ns] = prefix
        self.used[prefix] = ns
        return f"{prefix}:{iri[len(ns):]}"


def write_tsv(set_iri: str, decisions: Sequence[Decision], *, title: str = "") -> str:
    """The set as SSSOM TSV text."""
    terms: dict[str, Term] = {t.iri: t for t in core_terms()}
    curie = _Curies()
    rows = []
    for d in decisions:
        term = terms.get(d.term)
        rows.append([
            curie(d.element), d.element_label, f"skos:{d.relation}",
            "" if d.confirmed else "Not", curie(d.term), term.name if term else "",
            "semapv:LexicalMatching" if d.score is not None else "semapv:ManualMappingCuration",
            "" if d.score is None else f"{d.score:g}", d.reviewer, d.date,
            term.vocabulary if term else ""])
    curie("https://w3id.org/semapv/vocab/x")
    curie(SKOS + "x")
    head = ["# curie_map:"]
    head += [f"#   {p}: {ns}" for p, ns in sorted(curie.used.items())]
    head += [f"# mapping_set_id: {set_iri}", f"# license: {LICENSE}"]
    if title:
        head.append(f"# mapping_set_title: {_cell(title)}")
    lines = ["\t".join(COLUMNS)] + ["\t".join(_cell(c) for c in r) for r in rows]
    return "\n".join(head + lines) + "\n"
