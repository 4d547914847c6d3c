"""The rules every record read from a client keeps (catalog/intake/checks.py): the shipped data
and the official CPSV-AP example keep them on the defaults, XSD lexical forms, and which
properties the server owns."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest

from catalog import rdfio
from catalog.demo import demo_files
from catalog.errors import InvalidInput, InvalidRecord, TooLarge
from catalog.intake.checks import check_record, well_typed
from catalog.intake.readers import Unreadable, bulk_items
from catalog.namespaces import ADMS, CV, DCT, PROV, XSD
from catalog.records import RecordDraft, split
from catalog.records.builtin import SERVICE, builtin
from catalog.records.kinds import SERVER_OWNED
from catalog.settings import Settings
from tests.builders import BASE, service_draft

SETTINGS = Settings(env="test")


def _shipped() -> list[tuple[str, list[ox.Triple], str]]:
    out = []
    for f in demo_files():
        quads = rdfio.parse(f.read_bytes(), rdfio.format_for(f.name), base_iri=BASE,
                            max_bytes=10**8, max_nesting=64)
        out += [(d.iri, d.triples, d.kind) for d in split(quads)]
    return out


def test_every_shipped_record_keeps_the_rules_on_the_defaults() -> None:
    records = _shipped()
    assert len(records) > 100
    for iri, triples, kind in records:
        check_record(RecordDraft(iri, kind, triples), SETTINGS)
    largest = max(len(t) for _, t, _ in records)
    assert largest * 10 < SETTINGS.max_record_triples  # 281 today: the life-event code list
    longest = max(len(t.object.value.encode()) for _, ts, _ in records for t in ts
                  if isinstance(t.object, ox.Literal))
    assert longest * 100 < SETTINGS.max_literal_bytes


def test_no_shipped_triple_uses_a_server_owned_property() -> None:
    for iri, triples, kind in _shipped():
        root = ox.NamedNode(iri)
        on_root = {t.predicate.value for t in triples if t.subject == root}
        below = {t.predicate.value for t in triples if t.subject != root}
        spec = builtin(kind)
        # on the root, the kind's own rule (an asset states its ADMS status and publisher)
        assert not ({p for p in on_root if spec.owned_by_server(p)} if spec
                    else on_root & SERVER_OWNED), iri
        assert not below & SERVER_OWNED, iri
        assert not any(p.startswith(PROV) for p in on_root | below), iri


@pytest.mark.shared
def test_the_official_cpsv_ap_example_keeps_the_rules(shared: Path) -> None:
    folder = shared / "cpsv-ap" / "3.2.0"
    for name in ("example-rdf_public_service.ttl", "example-rdf_public_service.jsonld"):
        quads = rdfio.parse((folder / name).read_bytes(), rdfio.format_for(name),
                            base_iri=BASE, max_bytes=10**7, max_nesting=64)
        check_record(RecordDraft("http://example.com/publicService1", "service",
                                 [q.triple for q in quads]), SETTINGS)


@pytest.mark.parametrize(("lexical", "datatype", "ok"), [
    ("2024-02-29", "date", True), ("notadate", "date", False), ("2023-02-29", "date", False),
    ("2024-13-01", "date", False), ("2024-01-01+02:00", "date", True),
    ("2024-01-01T10:00:00Z", "dateTime", True), ("10:00", "dateTime", False),
    ("P10D", "duration", True), ("PT1H30M", "duration", True), ("P", "duration", False),
    ("P1YT", "duration", False), ("10 days", "duration", False),
    ("12.5", "double", True), ("1e5", "double", True), ("INF", "double", True),
    ("inf", "double", False), ("twelve", "double", False),
    ("true", "boolean", True), ("1", "boolean", True), ("yes", "boolean", False),
    (" 42 ", "integer", True), ("4.2", "integer", False), ("300", "byte", False),
    ("-1", "nonNegativeInteger", False), ("2024", "gYear", True), ("24", "gYear", False),
    ("anything at all", "string", True), ("https://e.md/x", "anyURI", True),
    ("x", "dat", False),  # no such XML Schema datatype
])
def test_xsd_lexical_forms(lexical: str, datatype: str, ok: bool) -> None:
    assert well_typed(lexical, XSD + datatype) is ok


def test_other_datatypes_are_not_judged_here() -> None:
    assert well_typed("POINT(28.8 47.0)", "http://www.opengis.net/ont/geosparql#wktLiteral")


def test_a_kind_takes_its_own_owner_predicate_from_the_client() -> None:
    assert SERVICE.owned_by_server(ADMS + "status")
    assert SERVICE.owned_by_server(PROV + "wasDerivedFrom")  # the whole prov: namespace
    assert not SERVICE.owned_by_server(CV + "hasCompetentAuthority")
    asset = replace(SERVICE, name="asset", authority_predicate=DCT + "publisher")
    assert not asset.owned_by_server(DCT + "publisher")
    assert asset.owned_by_server(DCT + "modified")


def test_server_owned_properties_below_the_root_are_left_to_the_shapes() -> None:
    draft = service_draft("ASP-8050")
    child = next(t.object for t in draft.triples if isinstance(t.object, ox.NamedNode)
                 and t.object.value.startswith(draft.iri + "/"))
    draft.triples.append(ox.Triple(child, ox.NamedNode(DCT + "modified"), ox.Literal(
        "2024-01-01", datatype=ox.NamedNode(XSD + "date"))))
    check_record(draft, SETTINGS)
    draft.triples.append(ox.Triple(ox.NamedNode(draft.iri), ox.NamedNode(DCT + "issued"),
                                   ox.Literal("2024-01-01", datatype=ox.NamedNode(XSD + "date"))))
    with pytest.raises(InvalidRecord) as caught:
        check_record(draft, SETTINGS)
    assert caught.value.field == DCT + "issued"


def test_caps_follow_the_settings() -> None:
    draft = service_draft("ASP-8051")
    with pytest.raises(TooLarge) as too_many:
        check_record(draft, SETTINGS.model_copy(update={"max_record_triples": 10}))
    assert too_many.value.field == "triples"
    long_title = service_draft("ASP-8051", title_ro="x" * 300)
    with pytest.raises(InvalidInput) as too_long:
        check_record(long_title, SETTINGS.model_copy(update={"max_literal_bytes": 256}))
    assert too_long.value.field == DCT + "title"


def test_a_bulk_file_keeps_readable_records_and_refuses_the_others_by_position() -> None:
    good, bad = service_draft("ASP-8052"), service_draft("ASP-8053", title_ro="a\u202eb")
    data = rdfio.serialize([ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(d.iri))
                            for d in (good, bad) for t in d.triples], "nquads")
    first, second = bulk_items(data, "application/n-quads", SETTINGS)
    assert not isinstance(first, Unreadable)
    assert isinstance(second, Unreadable)
    assert (second.position, second.iri, second.kind, second.code) == (
        "item 2", bad.iri, "service", "ASP-8053")
    with pytest.raises(TooLarge):
        bulk_items(data, "application/n-quads", SETTINGS.model_copy(
            update={"max_bulk_records": 1}))
