"""Reading a harvested document: the CPSV-AP upgrade, records cut by links, what the hub owns
taken off the root, the language a mapping declares, and hostile or broken input."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
import pytest

from adapters.sources.rdf import RdfSource, open_file, standalone_validate
from catalog.errors import InvalidInput, TooLarge, UnsafeInput
from catalog.intake.cpsv_upgrade import RENAMES, VERSIONS, newer_than, upgrade
from catalog.intake.harvest import HarvestOptions, read_harvest
from catalog.intake.ownership import cut_by_links
from catalog.namespaces import ADMS, CPSV, CV, DCT, ELI, RDF_TYPE
from catalog.records.builtin import HARVESTED_SERVICE
from catalog.settings import Settings

PREFIXES = """@prefix cpsv: <http://purl.org/vocab/cpsv#> .
@prefix cv: <http://data.europa.eu/m8g/> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix adms: <http://www.w3.org/ns/adms#> . @prefix schema: <http://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""
#: two services of a foreign catalogue: parts under other IRIs, one channel shared, one
#: organisation described, one legal act no service cites
DOC = PREFIXES + """
<https://a.example/svc/1> a cpsv:PublicService ; dct:identifier "S1" ;
    dct:title "Permit"@en ; dct:description "A permit."@en ; adms:status <https://a.example/st> ;
    cv:hasCompetentAuthority <https://org.example/o1> ; cv:hasCriterion <https://b.example/req/9> ;
    cv:hasChannel <https://c.example/ch/1> ;
    cv:hasContactPoint [ a schema:ContactPoint ; schema:email "a@b.example" ] ;
    cv:relatedService <https://a.example/svc/2> .
<https://a.example/svc/2> a cpsv:PublicService ; dct:identifier "S2" ;
    dct:title "Licence"@en ; dct:description "A licence."@en ;
    cv:hasCompetentAuthority <https://org.example/o1> ; cv:hasChannel <https://c.example/ch/1> .
<https://b.example/req/9> a cv:CriterionRequirement ; dct:identifier "R9" ; dct:title "Adult"@en .
<https://c.example/ch/1> a cv:Channel ; dct:identifier "C1" .
<https://org.example/o1> a cv:PublicOrganisation ; skos:prefLabel "Office"@en ;
    dct:spatial <https://geo.example/region/1> .
<https://law.example/act/5> a cpsv:FormalFramework ; dct:title "Act 5"@en .
"""


def _triples(text: str) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(text, format=ox.RdfFormat.TURTLE)]


def _options(**kw: object) -> HarvestOptions:
    base: dict[str, object] = {"source": "doc.ttl", "cpsv_ap": "2.2.1", "fmt": "turtle",
                               "harvested_at": datetime(2026, 1, 2, tzinfo=UTC)}
    return HarvestOptions(**{**base, **kw})  # type: ignore[arg-type]


def test_every_known_version_is_accepted_and_an_unknown_one_named() -> None:
    for version in VERSIONS:
        upgrade([], version)
    with pytest.raises(InvalidInput) as caught:
        upgrade([], "4.0")
    assert caught.value.code == "invalid_input"
    assert "unknown CPSV-AP version '4.0'" in str(caught.value)
    assert caught.value.field == "cpsv_ap"


def test_releases_renamed_what_their_changelogs_say() -> None:
    assert {r.old for r in newer_than("3.1.1")} == {CV + "isDescribedAt"}
    assert newer_than("3.2.0") == []
    assert len(newer_than("2.2.1")) > len(newer_than("3.0.0")) > len(newer_than("3.1.1"))
    assert all(r.new != r.old and r.source for r in RENAMES)


def test_upgrade_renames_predicates_and_classes_and_merges_duplicates() -> None:
    up = upgrade(_triples(PREFIXES + """
        <https://x.example/s> cv:hasCriterion <https://x.example/r> ;
            cv:holdsRequirement <https://x.example/r> ; cv:isDescribedAt <https://x.example/d> .
        <https://x.example/r> a cv:CriterionRequirement ; schema:email "x@y.example" ."""), "2.2.1")
    got = {(t.predicate.value, t.object.value) for t in up.triples}
    assert (CV + "holdsRequirement", "https://x.example/r") in got
    assert (DCT + "isPartOf", "https://x.example/d") in got
    assert (RDF_TYPE, CV + "Requirement") in got
    assert (CV + "email", "x@y.example") in got
    assert len(up.triples) == 4  # the criterion link stated twice is one link
    assert up.renamed[f"{CV}hasCriterion -> {CV}holdsRequirement"] == 1


def test_records_are_cut_by_links_shared_parts_copied_unreached_ones_listed() -> None:
    up = upgrade(_triples(DOC), "2.2.1")
    cut = cut_by_links(up.triples, HARVESTED_SERVICE)
    one, two = cut.records
    assert (one.iri, two.iri) == ("https://a.example/svc/1", "https://a.example/svc/2")
    subjects = {str(t.subject) for t in one.triples}
    assert {"<https://b.example/req/9>", "<https://c.example/ch/1>",
            "<https://org.example/o1>"} <= subjects
    assert any(isinstance(t.subject, ox.BlankNode) for t in one.triples)  # the contact point
    assert "<https://a.example/svc/2>" not in subjects  # a related service is a reference
    assert cut.shared == {"https://c.example/ch/1": [one.iri, two.iri],
                          "https://org.example/o1": [one.iri, two.iri]}
    assert cut.unowned == ["https://law.example/act/5"]


def test_a_harvest_strips_the_status_keeps_provenance_and_names_the_owner() -> None:
    settings = Settings(env="test")
    harvest = read_harvest(DOC.encode(), _options(institution_iri="https://hub.example/org/a"),
                           HARVESTED_SERVICE, settings, standalone_validate(settings))
    rec = harvest.records[0]
    root = ox.NamedNode(rec.draft.iri)
    assert not any(t.subject == root and t.predicate.value == ADMS + "status"
                   for t in rec.draft.triples)
    assert rec.provenance == {
        "source": "doc.ttl", "harvested_at": "2026-01-02T00:00:00+00:00",
        "original_iri": "https://a.example/svc/1", "cpsv_ap": "2.2.1", "format": "turtle",
        f"source_stated:{ADMS}status": "<https://a.example/st>"}  # as N-Triples
    assert rec.draft.authority == "https://hub.example/org/a"
    assert rec.draft.code == "S1"
    assert harvest.counts == {"records": 2, "accepted": 2, "rejected": 0}
    assert any(f"{CPSV}FormalFramework -> {ELI}LegalResource" in n for n in harvest.notes)


def test_untagged_text_is_tagged_only_where_the_mapping_says_and_the_shapes_want_it() -> None:
    doc = PREFIXES + """<https://a.example/s> a cpsv:PublicService ; dct:identifier "S" ;
        dct:title "Permit" ; dct:description "A permit." ;
        cv:hasCompetentAuthority <https://org.example/o1> ."""
    settings = Settings(env="test")
    validate = standalone_validate(settings)
    plain = read_harvest(doc.encode(), _options(), HARVESTED_SERVICE, settings, validate)
    assert plain.counts["rejected"] == 1
    tagged = read_harvest(doc.encode(), _options(default_language="en"), HARVESTED_SERVICE,
                          settings, validate)
    assert tagged.counts["accepted"] == 1
    values = {t.predicate.value: t.object for t in tagged.records[0].draft.triples}
    assert values[DCT + "title"] == ox.Literal("Permit", language="en")
    assert values[DCT + "identifier"] == ox.Literal("S")  # an identifier is no text to tag
    assert tagged.records[0].provenance["default_language"] == "en"


def test_a_document_without_a_service_is_refused_with_a_reason() -> None:
    settings = Settings(env="test")
    with pytest.raises(InvalidInput) as caught:
        read_harvest((PREFIXES + "<https://x.example/o> a cv:PublicOrganisation .").encode(),
                     _options(), HARVESTED_SERVICE, settings, standalone_validate(settings))
    assert "describes no cpsv:PublicService" in str(caught.value)


def test_rdf_xml_with_a_doctype_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "xxe.rdf"
    path.write_text('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/hostname">'
                    ']><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
                    '<rdf:Description rdf:about="https://x.example/s"><rdf:value>&x;'
                    '</rdf:value></rdf:Description></rdf:RDF>')
    with pytest.raises(UnsafeInput):
        RdfSource("x", path, "2.2.1", Settings(env="test")).read()


def test_files_over_the_cap_and_special_files_are_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.ttl"
    big.write_bytes(b"#" * 2048)
    with pytest.raises(TooLarge):
        open_file(big, 1024)
    with pytest.raises(InvalidInput, match="not a regular file"):
        open_file(tmp_path, 1024)
    fifo = tmp_path / "fifo.ttl"
    os.mkfifo(fifo)
    with pytest.raises(InvalidInput, match="not a regular file"):
        open_file(fifo, 1024)  # refused without blocking on the pipe
    with pytest.raises(InvalidInput, match="cannot be read"):
        open_file(tmp_path / "absent.ttl", 1024)


def test_a_remote_json_ld_context_is_never_fetched(tmp_path: Path) -> None:
    path = tmp_path / "doc.jsonld"
    path.write_text('{"@context": "https://evil.example/ctx.jsonld", "@id": "https://x.example/s"}')
    with pytest.raises(UnsafeInput):
        RdfSource("x", path, "3.2.0", Settings(env="test")).read()


def test_an_identifier_longer_than_a_code_rejects_its_record_with_the_reason() -> None:
    """A catalogue may make any text its services' dct:identifier; the ledger keeps codes of
    at most 64 characters: the record is rejected, named, and the others are read."""
    long_id = "https://a.example/catalogue/2026/services/" + "x" * 40
    doc = DOC.replace('dct:identifier "S1"', f'dct:identifier "{long_id}"')
    settings = Settings(env="test")
    harvest = read_harvest(doc.encode(), _options(institution_iri="https://hub.example/org/a"),
                           HARVESTED_SERVICE, settings, standalone_validate(settings))
    assert harvest.counts == {"records": 2, "accepted": 1, "rejected": 1}
    [problem] = harvest.records[0].problems
    assert problem.message_id == "harvest.code_too_long"
    assert problem.field == DCT + "identifier"
    assert f"has {len(long_id)} characters; a code has at most 64" in problem.message
