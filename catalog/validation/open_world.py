"""Validation of records that come from another catalogue, whose references the hub may not
hold: a ``sh:class`` on a resource described nowhere cannot be decided.

A harvested service points to the code lists, places and events of its own country
(``http://publications.europa.eu/resource/authority/data-theme/EDUC``, COFOG URLs, its life
events). The official shapes want each of them typed (``sh:class skos:Concept``), and the hub
holds none of them, so a closed reading refuses every record for what the hub lacks, not for
a defect of the record. Here a ``sh:class`` result on an IRI that is described neither in the
record nor in the hub's reference index is a *warning* (its class cannot be checked) with a
message saying so; a value described with the wrong class stays a violation, so does a literal
where a resource is expected (the Finnish pilot's ``cv:sector "Public administration..."``), and
so does every other constraint.

The data also gets the subclass axioms of the CPSV-AP 3.2.0 vocabulary between the classes
the shapes name (``cv:LifeEvent`` and ``cv:BusinessEvent`` are ``cv:Event``s, a
``cv:PublicOrganisation`` is an ``org:Organization``: ``cpsv-ap/3.2.0/cpsv-ap.ttl``), since
``sh:class`` follows ``rdfs:subClassOf`` in the data graph only. ``org:Organization
rdfs:subClassOf foaf:Agent`` is left out on purpose: it would put every organisation under
``AgentShape``'s ``dct:identifier`` and ``dct:title``, which CPSV-AP asks of agents, not of
public organisations (``skos:prefLabel``; VALIDATION.md §2).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

import pyoxigraph as ox

from catalog.messages import render
from catalog.namespaces import CV, ORG, RDF_TYPE, RDFS, SH
from catalog.validation.references import ReferenceIndex
from catalog.validation.report import Finding, ValidationReport
from catalog.validation.validator import Validator

_SUBCLASS = ox.NamedNode(RDFS + "subClassOf")
AXIOMS: tuple[ox.Triple, ...] = tuple(
    ox.Triple(ox.NamedNode(sub), _SUBCLASS, ox.NamedNode(sup)) for sub, sup in (
        (CV + "LifeEvent", CV + "Event"), (CV + "BusinessEvent", CV + "Event"),
        (CV + "PublicOrganisation", ORG + "Organization")))
_CLASS = SH + "ClassConstraintComponent"
_EXPECTED = re.compile(r"[Cc]lass\s+<?([^\s>]+)>?")


def validate_open(validator: Validator, iri: str, triples: Sequence[ox.Triple],
                  index: ReferenceIndex) -> ValidationReport:
    """The record's findings, a ``sh:class`` on an undescribed value as a warning."""
    report = validator.validate(iri, triples, index, extra=AXIOMS)
    typed = {t.subject.value for t in triples
             if t.predicate.value == RDF_TYPE and isinstance(t.subject, ox.NamedNode)}
    linked = {t.object.value for t in triples if isinstance(t.object, ox.NamedNode)}
    out: list[Finding] = []
    for f in report.findings:
        if f.constraint == _CLASS and f.severity == "violation" and f.value in linked \
                and f.value not in typed and not index.types(f.value):
            m = _EXPECTED.search(f.message_en)
            texts = render("harvest.unresolved_reference", value=f.value,
                           expected=m.group(1) if m else "?")
            f = replace(f, severity="warning", message_en=texts["en"], message_ro=texts["ro"],
                        message_ru=texts["ru"])
        out.append(f)
    out.sort(key=lambda f: (f.severity != "violation", f.focus, f.path or ""))
    return ValidationReport(tuple(out))
