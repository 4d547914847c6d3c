"""SSSOM TSV (Simple Standard for Sharing Ontological Mappings, https://mapping-commons.github.io/sssom/):
a mapping set as a YAML header in ``#`` comment lines and one TSV row per mapping.

The one writer of the hub's mapping sets (an adapter's crosswalks, the reviewed mappings of an
asset's elements to the Core Vocabularies): a :class:`MappingRow` per mapping and
:func:`write_tsv`, which gives every IRI a CURIE with a prefix declared in the header's
``curie_map`` (known prefixes by name, the others ``ns1``, ``ns2`` ...). Cells never hold a tab
or a line break (replaced by spaces), and a cell a spreadsheet would read as a formula gets a
leading apostrophe.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

SKOS = "http://www.w3.org/2004/02/skos/core#"
SEMAPV = "https://w3id.org/semapv/vocab/"
KNOWN = {"skos": SKOS, "semapv": SEMAPV, "owl": "http://www.w3.org/2002/07/owl#",
         "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}
#: SKOS mapping properties by their short name in a mapping file
PREDICATES = {"exact": SKOS + "exactMatch", "close": SKOS + "closeMatch",
              "broad": SKOS + "broadMatch", "narrow": SKOS + "narrowMatch",
              "related": SKOS + "relatedMatch"}
COLUMNS = ("subject_id", "subject_label", "predicate_id", "predicate_modifier", "object_id",
           "object_label", "mapping_justification", "confidence", "reviewer_label",
           "mapping_date", "object_source", "comment")
_LOCAL = re.compile(r"^[A-Za-z0-9_.\-~%()]*$")


@dataclass(frozen=True)
class MappingRow:
    subject: str
    predicate: str  # an IRI (skos:exactMatch ...)
    object: str
    subject_label: str = ""
    object_label: str = ""
    justification: str = SEMAPV + "ManualMappingCuration"
    comment: str = ""
    negated: bool = False  # a rejected mapping: predicate_modifier "Not"
    confidence: float | None = None
    reviewer: str = ""
    date: str = ""  # YYYY-MM-DD
    object_source: str = ""


def _split(iri: str) -> tuple[str, str]:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return (iri[:cut + 1], iri[cut + 1:]) if cut >= 0 else (iri, "")


class _Curies:
    def __init__(self, given: Mapping[str, str]) -> None:
        self.prefixes: dict[str, str] = dict(given)
        self._by_ns = {ns: p for p, ns in self.prefixes.items()}

    def curie(self, iri: str) -> str:
        ns, local = _split(iri)
        if not _LOCAL.match(local):  # a local part a CURIE cannot hold: its own namespace
            ns, local = iri, ""
        prefix = self._by_ns.get(ns)
        if prefix is None:
            prefix = f"ns{sum(1 for p in self.prefixes if p.startswith('ns')) + 1}"
            self.prefixes[prefix], self._by_ns[ns] = ns, prefix
        return f"{prefix}:{local}"


def _cell(value: str) -> str:
    value = re.sub(r"[\t\r\n]+", " ", value)
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _yaml_text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_tsv(rows: Iterable[MappingRow], *, mapping_set_id: str, title: str = "",
              license: str = "https://creativecommons.org/publicdomain/zero/1.0/",
              prefixes: Mapping[str, str] | None = None) -> str:
    """The SSSOM TSV of ``rows`` (a header with the metadata and the ``curie_map``)."""
    curies = _Curies({**KNOWN, **(prefixes or {})})
    body = ["\t".join(COLUMNS)]
    for r in rows:
        body.append("\t".join(_cell(v) for v in (
            curies.curie(r.subject), r.subject_label, curies.curie(r.predicate),
            "Not" if r.negated else "", curies.curie(r.object), r.object_label,
            curies.curie(r.justification), "" if r.confidence is None else f"{r.confidence:g}",
            r.reviewer, r.date, r.object_source, r.comment)))
    header = ["#curie_map:"]
    header += [f"#  {p}: {_yaml_text(ns)}" for p, ns in sorted(curies.prefixes.items())]
    header.append(f"#mapping_set_id: {_yaml_text(mapping_set_id)}")
    if title:
        header.append(f"#mapping_set_title: {_yaml_text(title)}")
    header.append(f"#license: {_yaml_text(license)}")
    return "\n".join(header + body) + "\n"
