"""What changed between two passport versions: exact sentences in Romanian and English, a
stable order, and an RDF delta that ignores renumbered blank nodes."""

from __future__ import annotations

import json
from functools import cache

import pyoxigraph as ox
import pytest
from hypothesis import given, settings

from catalog import paths, rdfio
from catalog.namespaces import DCT, ELI, SKOS
from catalog.records.diff import (
    FIELD_LABELS,
    FIELD_ORDER,
    FieldChange,
    PassportDiff,
    RdfDelta,
    diff_passports,
    diff_versions,
    humanise_duration,
    rdf_delta,
)
from catalog.records.passport import (
    Channel,
    Cost,
    Evidence,
    Output,
    Passport,
    Requirement,
    to_triples,
)
from tests import builders
from tests.strategies_diff import passport_pairs, passports

BASE = "http://127.0.0.1:8000/"
ASP = BASE + "id/org/asp"
LAW = BASE + "eli/lege/2020/123"
ART = LAW + "/art/5"
MDL = "http://publications.europa.eu/resource/authority/currency/MDL"
BIRTH = BASE + "codelist/life-event/birth"
LABELS = {
    LAW: {"ro": "Legea nr. 123/2020", "en": "Law no. 123/2020"},
    ART: {"ro": "art. 5", "en": "art. 5"},
    BIRTH: {"ro": "Nașterea unui copil", "en": "Birth of a child"},
    ASP: {"ro": "Agenția Servicii Publice", "en": "Public Services Agency"},
    MDL: {"ro": "leu moldovenesc", "en": "Moldovan leu"},
}


def base(**changes: object) -> Passport:
    p = Passport(code="ASP-9001", title={"ro": "Eliberarea permisului", "en": "Driving licence"},
                 competent_authority=ASP, processing_time=None)
    return p.model_copy(update=changes)


def diff(a: Passport, b: Passport) -> list[FieldChange]:
    return diff_passports(a, b, label=LABELS.get)


def texts(changes: list[FieldChange]) -> list[tuple[str, str]]:
    return [(c.text["en"], c.text["ro"]) for c in changes]


def fee(value: float, **kw: object) -> Cost:
    return Cost(key="cost/1", identifier="C1", title={"ro": "Taxă de stat", "en": "State fee"},
                value=value, currency=MDL).model_copy(update=kw)


ID_CARD = Evidence(key="evidence/2", identifier="E2", type=None, obtained_by_authority=None,
                   title={"ro": "Copia actului de identitate", "en": "Copy of identity card"})


# --- no change ----------------------------------------------------------------------------
def test_identical_versions_give_no_change_and_an_empty_delta() -> None:
    p = builders.passport("ASP-9001")
    nt = rdfio.canonical_ntriples(to_triples(p, BASE + "id/service/ASP-9001"))
    result = diff_versions(3, 4, p, p.model_copy(deep=True), nt, nt, label=LABELS.get)
    assert result.changes == []
    assert result.rdf == RdfDelta(added=[], removed=[])
    assert result.summary == {"ro": "Nicio modificare", "en": "No changes"}


# --- text in one language -----------------------------------------------------------------
def test_a_title_in_one_language_added_changed_and_removed() -> None:
    old = base(title={"ro": "Eliberarea permisului", "en": "Driving licence"})
    new = base(title={"ro": "Eliberarea permisului de conducere",
                      "ru": "Выдача водительского удостоверения"})
    changes = diff(old, new)
    assert [(c.path, c.kind, c.old, c.new) for c in changes] == [
        ("title.ro", "changed", "Eliberarea permisului", "Eliberarea permisului de conducere"),
        ("title.en", "removed", "Driving licence", None),
        ("title.ru", "added", None, "Выдача водительского удостоверения"),
    ]
    assert texts(changes) == [
        ("Title (Romanian) changed from 'Eliberarea permisului' to "
         "'Eliberarea permisului de conducere'",
         "Denumirea (în limba română) s-a modificat din „Eliberarea permisului” în "
         "„Eliberarea permisului de conducere”"),
        ("Title (English) removed (was 'Driving licence')",
         "Denumirea (în limba engleză) a fost eliminată (era „Driving licence”)"),
        ("Title (Russian) added: 'Выдача водительского удостоверения'",
         "Denumirea (în limba rusă) a fost adăugată: „Выдача водительского удостоверения”"),
    ]


def test_a_keyword_added_in_one_language() -> None:
    changes = diff(base(keywords={"ro": ["permis"]}), base(keywords={"ro": ["permis", "auto"]}))
    assert [(c.path, c.kind, c.new) for c in changes] == [("keywords.ro", "added", "auto")]
    assert texts(changes) == [("Keywords (Romanian): added 'auto'",
                               "Cuvintele-cheie (în limba română): s-a adăugat „auto”")]


# --- IRI lists ----------------------------------------------------------------------------
def test_a_legal_basis_article_added_names_its_act_and_article() -> None:
    changes = diff(base(legal_resources=[LAW]), base(legal_resources=[LAW, ART]))
    assert [(c.path, c.kind, c.old, c.new) for c in changes] == [
        ("legal_resources", "added", None, ART)]
    assert texts(changes) == [(f"Legal basis: added Law no. 123/2020, art. 5 ({ART})",
                               f"Temeiul juridic: s-a adăugat Legea nr. 123/2020, art. 5 ({ART})")]


def test_a_legal_basis_item_removed_and_unknown_references_fall_back_to_the_iri() -> None:
    unknown = BASE + "eli/hg/2019/9"
    changes = diff(base(legal_resources=[LAW, unknown]), base(legal_resources=[]))
    assert texts(changes) == [
        (f"Legal basis: removed Law no. 123/2020 ({LAW})",
         f"Temeiul juridic: s-a eliminat Legea nr. 123/2020 ({LAW})"),
        (f"Legal basis: removed {unknown}", f"Temeiul juridic: s-a eliminat {unknown}"),
    ]


def test_code_list_concepts_read_as_their_label_or_their_last_segment() -> None:
    vehicle = BASE + "codelist/life-event/vehicle"
    changes = diff(base(life_events=[vehicle]), base(life_events=[BIRTH]))
    assert texts(changes) == [
        ("Life events: removed vehicle", "Evenimentele de viață: s-a eliminat vehicle"),
        ("Life events: added Birth of a child",
         "Evenimentele de viață: s-a adăugat Nașterea unui copil"),
    ]


def test_languages_and_a_channel_location() -> None:
    ron = "http://publications.europa.eu/resource/authority/language/RON"
    village = BASE + "id/location/costesti-ialoveni"
    shop = Channel(key="channel/3", identifier="CH3", type=BASE + "codelist/channel-type/cups",
                   title={"ro": "CUPS", "en": "One-stop shop"})
    served = shop.model_copy(update={"locations": [village]})
    changes = diff(base(channels=[shop]), base(languages=[ron], channels=[served]))
    assert [c.path for c in changes] == ["languages", "channels[channel/3].locations"]
    assert texts(changes) == [
        ("Languages: added RON", "Limbile: s-a adăugat RON"),
        (f"Channel 'One-stop shop', locations: added {village}",
         f"Canalul „CUPS”, locațiile: s-a adăugat {village}"),
    ]


def test_competent_authority_changed() -> None:
    cnas = BASE + "id/org/cnas"
    changes = diff(base(), base(competent_authority=cnas))
    assert texts(changes) == [
        (f"Competent authority changed from Public Services Agency ({ASP}) to {cnas}",
         f"Autoritatea competentă s-a modificat din Agenția Servicii Publice ({ASP}) în {cnas}")]


# --- parts --------------------------------------------------------------------------------
def test_a_required_document_added_and_removed_is_named_by_its_title() -> None:
    added = diff(base(), base(evidence=[ID_CARD]))
    assert [(c.path, c.kind, c.old) for c in added] == [("evidence[evidence/2]", "added", None)]
    assert added[0].new == ID_CARD.model_dump(mode="json")
    assert texts(added) == [("Required document 'Copy of identity card' added",
                             "Documentul necesar „Copia actului de identitate” a fost adăugat")]
    removed = diff(base(evidence=[ID_CARD]), base())
    assert texts(removed) == [("Required document 'Copy of identity card' removed",
                               "Documentul necesar „Copia actului de identitate” a fost eliminat")]


def test_a_feminine_part_agrees_in_romanian_and_a_part_without_title_uses_its_identifier() -> None:
    req = Requirement(key="requirement/1", identifier="ASP-9001-R1")
    assert texts(diff(base(), base(requirements=[req]))) == [
        ("Requirement 'ASP-9001-R1' added", "Cerința „ASP-9001-R1” a fost adăugată")]


def test_a_part_in_both_versions_is_compared_field_by_field() -> None:
    old = ID_CARD.model_copy(update={"type": BASE + "codelist/evidence-type/identity-document"})
    new = ID_CARD.model_copy(update={"title": {"ro": "Actul de identitate",
                                               "en": "Copy of identity card"},
                                     "registry_source": {"ro": "Registrul de stat al populației"}})
    changes = diff(base(evidence=[old]), base(evidence=[new]))
    assert [(c.path, c.kind) for c in changes] == [
        ("evidence[evidence/2].title.ro", "changed"),
        ("evidence[evidence/2].type", "removed"),
        ("evidence[evidence/2].registry_source.ro", "added"),
    ]
    assert texts(changes) == [
        ("Required document 'Copy of identity card': title (Romanian) changed from "
         "'Copia actului de identitate' to 'Actul de identitate'",
         "Documentul necesar „Actul de identitate”: denumirea (în limba română) s-a modificat "
         "din „Copia actului de identitate” în „Actul de identitate”"),
        ("Required document 'Copy of identity card': type removed (was identity-document)",
         "Documentul necesar „Actul de identitate”: tipul a fost eliminat (era identity-document)"),
        ("Required document 'Copy of identity card': registry source (Romanian) added: "
         "'Registrul de stat al populației'",
         "Documentul necesar „Actul de identitate”: registrul sursă (în limba română) a fost "
         "adăugat: „Registrul de stat al populației”"),
    ]


def test_cost_value_changed() -> None:
    changes = diff(base(costs=[fee(100)]), base(costs=[fee(150)]))
    assert [(c.path, c.kind, c.old, c.new) for c in changes] == [
        ("costs[cost/1].value", "changed", 100.0, 150.0)]
    assert texts(changes) == [
        ("Cost 'State fee': value changed from 100 MDL to 150 MDL",
         "Costul „Taxă de stat”: valoarea s-a modificat din 100 MDL în 150 MDL")]


def test_cost_value_with_decimals_uses_a_decimal_comma_in_romanian() -> None:
    assert texts(diff(base(costs=[fee(12.5)]), base(costs=[fee(0.333)]))) == [
        ("Cost 'State fee': value changed from 12.50 MDL to 0.333 MDL",
         "Costul „Taxă de stat”: valoarea s-a modificat din 12,50 MDL în 0,333 MDL")]


@pytest.mark.parametrize(("old", "new", "en", "ro"), [
    (False, True, "changed from no to yes", "s-a modificat din nu în da"),
    (True, False, "changed from yes to no", "s-a modificat din da în nu"),
    (None, True, "added: yes", "a fost adăugată: da"),
    (True, None, "removed (was yes)", "a fost eliminată (era da)"),
])
def test_the_once_only_flag(old: bool | None, new: bool | None, en: str, ro: str) -> None:
    a = base(evidence=[ID_CARD.model_copy(update={"obtained_by_authority": old})])
    b = base(evidence=[ID_CARD.model_copy(update={"obtained_by_authority": new})])
    changes = diff(a, b)
    assert [(c.path, c.old, c.new) for c in changes] == [
        ("evidence[evidence/2].obtained_by_authority", old, new)]
    assert texts(changes) == [(
        "Required document 'Copy of identity card': obtained by the authority from a registry "
        f"(once-only) {en}",
        "Documentul necesar „Copia actului de identitate”: obținerea de către autoritate din "
        f"registru (principiul „o singură dată”) {ro}")]


# --- durations ----------------------------------------------------------------------------
def test_processing_time_changed_is_humanised() -> None:
    assert texts(diff(base(processing_time="P10D"), base(processing_time="P5D"))) == [
        ("Processing time changed from 10 days to 5 days",
         "Termenul de prestare s-a modificat din 10 zile în 5 zile")]
    assert texts(diff(base(), base(processing_time="P1D"))) == [
        ("Processing time added: 1 day", "Termenul de prestare a fost adăugat: 1 zi")]


@pytest.mark.parametrize(("iso", "en", "ro"), [
    ("P10D", "10 days", "10 zile"),
    ("P1D", "1 day", "1 zi"),
    ("P2D", "2 days", "2 zile"),
    ("P19D", "19 days", "19 zile"),
    ("P20D", "20 days", "20 de zile"),
    ("P30D", "30 days", "30 de zile"),
    ("P101D", "101 days", "101 zile"),
    ("P120D", "120 days", "120 de zile"),
    ("PT2H", "2 hours", "2 ore"),
    ("PT1H30M", "1 hour and 30 minutes", "1 oră și 30 de minute"),
    ("P1M", "1 month", "1 lună"),
    ("P1Y2M", "1 year and 2 months", "1 an și 2 luni"),
    ("P2Y", "2 years", "2 ani"),
    ("P1W", "1 week", "1 săptămână"),
    ("P1Y2M3D", "1 year, 2 months and 3 days", "1 an, 2 luni și 3 zile"),
    ("PT1.5H", "1.5 hours", "1,5 ore"),
    ("PT1S", "1 second", "1 secundă"),
    ("P0D", "0 days", "0 zile"),
    ("ten days", "ten days", "ten days"),
    ("PT", "PT", "PT"),
])
def test_durations_in_words(iso: str, en: str, ro: str) -> None:
    assert humanise_duration(iso) == {"en": en, "ro": ro}


# --- order, form, labels ------------------------------------------------------------------
def test_changes_follow_the_order_of_the_form_and_are_stable() -> None:
    old = base(costs=[fee(100)], evidence=[ID_CARD], processing_time="P10D")
    new = base(code="ASP-9002", title={"ro": "Alt titlu", "en": "Driving licence"},
               costs=[fee(150)], legal_resources=[LAW], processing_time="P5D",
               life_events=[BIRTH], description={"en": "New"})
    paths_ = [c.path for c in diff(old, new)]
    assert paths_ == ["code", "title.ro", "description.en", "legal_resources", "life_events",
                      "processing_time", "evidence[evidence/2]", "costs[cost/1].value"]
    assert diff(old, new) == diff(old.model_copy(deep=True), new.model_copy(deep=True))


def test_a_reordered_list_is_a_change_in_form_only() -> None:
    changes = diff(base(legal_resources=[LAW, ART]), base(legal_resources=[ART, LAW]))
    assert [(c.path, c.kind, c.old, c.new) for c in changes] == [
        ("legal_resources", "changed", [LAW, ART], [ART, LAW])]
    assert texts(changes) == [("Legal basis: changed in form only (same content)",
                               "Temeiul juridic: s-a modificat doar forma (același conținut)")]


def test_every_field_has_a_label_in_both_languages_with_comma_below_letters() -> None:
    assert set(FIELD_ORDER) == set(Passport.model_fields)
    for group, model in (("requirements", Requirement), ("evidence", Evidence),
                         ("outputs", Output), ("costs", Cost), ("channels", Channel)):
        assert {f"{group}.{n}" for n in model.model_fields} - {f"{group}.key"} <= set(FIELD_LABELS)
    assert FIELD_LABELS["evidence.obtained_by_authority"]["en"].endswith("(once-only)")
    for names in FIELD_LABELS.values():
        assert set(names) == {"ro", "en"}
        assert all(names.values())
        assert not set("şţŞŢ") & set(names["ro"])


def test_summary_counts_with_romanian_plural_and_names_the_fields() -> None:
    many = base(keywords={"ro": [f"k{i}" for i in range(20)]})
    d = PassportDiff(1, 2, diff(base(), many), RdfDelta([], []))
    assert d.summary == {"ro": "20 de modificări: cuvintele-cheie", "en": "20 changes: keywords"}
    d = PassportDiff(1, 2, diff(base(costs=[fee(1)]),
                                base(legal_resources=[LAW], costs=[fee(2)], title={"ro": "x"})),
                     RdfDelta([], []))
    assert d.summary == {"ro": "4 modificări: denumirea, temeiul juridic, costurile",
                         "en": "4 changes: title, legal basis, costs"}
    one = PassportDiff(1, 2, diff(base(), base(life_events=[BIRTH])), RdfDelta([], []))
    assert one.summary == {"ro": "1 modificare: evenimentele de viață",
                           "en": "1 change: life events"}
    rdf_only = PassportDiff(1, 2, [], RdfDelta(["<a:b> <a:c> <a:d> ."], []))
    assert rdf_only.summary == {
        "ro": "Nicio modificare a câmpurilor pașaportului; diferă 1 triplet RDF",
        "en": "No changes to the passport fields; 1 RDF triple differs"}


# --- RDF delta ----------------------------------------------------------------------------
COST_NT = """\
<http://x/s> <http://data.europa.eu/m8g/hasCost> _:{a} .
_:{a} <http://data.europa.eu/m8g/hasValue> "{v}" .
<http://x/s> <http://data.europa.eu/m8g/hasCost> _:{b} .
_:{b} <http://data.europa.eu/m8g/hasValue> "5" .
"""


def test_renumbered_blank_nodes_are_no_change() -> None:
    old = COST_NT.format(a="c14n0", b="c14n1", v="100")
    new = COST_NT.format(a="c14n1", b="c14n0", v="100") + '<http://x/s> <http://x/p> "new" .\n'
    assert rdf_delta(old, new) == RdfDelta(added=['<http://x/s> <http://x/p> "new" .'],
                                           removed=[])
    assert rdf_delta(old, COST_NT.format(a="q", b="r", v="100")) == RdfDelta([], [])


def test_a_changed_blank_node_is_removed_and_added_whole() -> None:
    old = COST_NT.format(a="c14n0", b="c14n1", v="100")
    new = COST_NT.format(a="c14n1", b="c14n0", v="150")
    assert rdf_delta(old, new) == RdfDelta(
        added=['<http://x/s> <http://data.europa.eu/m8g/hasCost> _:c14n1 .',
               '_:c14n1 <http://data.europa.eu/m8g/hasValue> "150" .'],
        removed=['<http://x/s> <http://data.europa.eu/m8g/hasCost> _:c14n0 .',
                 '_:c14n0 <http://data.europa.eu/m8g/hasValue> "100" .'])


def test_blank_nodes_relabelled_by_canonicalisation_after_an_edit_are_no_change() -> None:
    s, p, q = (ox.NamedNode(f"http://x/{n}") for n in "spq")
    triples = [t for n, v in (("a", "x"), ("b", "y"))
               for t in (ox.Triple(s, p, ox.BlankNode(n)),
                         ox.Triple(ox.BlankNode(n), q, ox.Literal(v)))]
    extra = [ox.Triple(s, p, ox.BlankNode("c")), ox.Triple(ox.BlankNode("c"), q, ox.Literal("a"))]
    old, new = rdfio.canonical_ntriples(triples), rdfio.canonical_ntriples([*triples, *extra])
    assert not set(old.splitlines()) <= set(new.splitlines()), "labels were not renumbered"
    delta = rdf_delta(old, new)
    assert delta.removed == []
    label = delta.added[-1].split(" ")[0]
    assert delta.added == [f"<http://x/s> <http://x/p> {label} .", f'{label} <http://x/q> "a" .']


@cache
def demo_labels() -> dict[str, dict[str, str]]:
    """Names of the demo reference data: legal acts, organisations, locations, code lists."""
    names: dict[str, dict[str, str]] = {}
    files = [*sorted((paths.DEMO_DIR.parent / "codelists").glob("*.ttl")),
             *(paths.DEMO_DIR / f for f in ("legal-acts.ttl", "organisations.ttl",
                                            "locations.ttl"))]
    for file in files:
        for q in ox.parse(file.read_bytes(), format=ox.RdfFormat.TURTLE, base_iri=BASE):
            if (q.predicate.value in (DCT + "title", SKOS + "prefLabel", ELI + "title")
                    and isinstance(q.object, ox.Literal) and q.object.language
                    and isinstance(q.subject, ox.NamedNode)):
                names.setdefault(q.subject.value, {})[q.object.language] = q.object.value
    return names


def test_a_demo_passport_changed_in_several_places() -> None:
    old = builders.passport("ASP-9001")
    iri = BASE + "id/service/ASP-9001"
    once_only = BASE + "eli/lege/2018/142/art/5"
    new = old.model_copy(update={
        "legal_resources": [*old.legal_resources, once_only],
        "processing_time": "P5D",
        "costs": [old.costs[0].model_copy(update={"value": 300.0})],
        "evidence": old.evidence[:-1],
    })
    old_nt, new_nt = (rdfio.canonical_ntriples(to_triples(p, iri)) for p in (old, new))
    result = diff_versions(1, 2, old, new, old_nt, new_nt, label=lambda i: demo_labels().get(i))
    assert [(c.path, c.kind) for c in result.changes] == [
        ("legal_resources", "added"), ("processing_time", "changed"),
        ("evidence[evidence/5]", "removed"), ("costs[cost/1].value", "changed")]
    assert texts(result.changes) == [
        ("Legal basis: added Law No. 142/2018 on data exchange and interoperability, "
         f"Art. 5. Once-only principle ({once_only})",
         "Temeiul juridic: s-a adăugat Legea nr. 142/2018 cu privire la schimbul de date și "
         f"interoperabilitate, Art. 5. Principiul „o singură dată” ({once_only})"),
        ("Processing time changed from 10 days to 5 days",
         "Termenul de prestare s-a modificat din 10 zile în 5 zile"),
        ("Required document 'Proof of payment of the fee' removed",
         "Documentul necesar „Dovada achitării taxei” a fost eliminat"),
        ("Cost 'ASP-9001-CO1': value changed from 250 MDL to 300 MDL",
         "Costul „ASP-9001-CO1”: valoarea s-a modificat din 250 MDL în 300 MDL"),
    ]
    old_lines, new_lines = set(old_nt.splitlines()), set(new_nt.splitlines())
    assert result.rdf.removed == sorted(old_lines - new_lines)
    assert result.rdf.added == sorted(new_lines - old_lines)
    assert f"<{iri}> <http://data.europa.eu/m8g/hasLegalResource> <{once_only}> ." \
        in result.rdf.added
    assert any("evidence/5> <http://purl.org/dc/terms/title>" in x for x in result.rdf.removed)
    body = json.loads(json.dumps(result.to_dict()))
    assert (body["from"], body["to"]) == (1, 2)
    assert body["summary"]["en"] == ("4 changes: legal basis, processing time, "
                                     "required documents, costs")
    assert body["changes"][1] == {
        "path": "processing_time", "kind": "changed", "old": "P10D", "new": "P5D",
        "text": {"ro": "Termenul de prestare s-a modificat din 10 zile în 5 zile",
                 "en": "Processing time changed from 10 days to 5 days"}}
    assert body["rdf"] == {"added": result.rdf.added, "removed": result.rdf.removed}


# --- properties ---------------------------------------------------------------------------
@settings(max_examples=200, deadline=None)
@given(passports)
def test_a_passport_diffed_with_itself_is_empty(p: Passport) -> None:
    assert diff(p, p) == []
    assert diff(p, p.model_copy(deep=True)) == []


@settings(max_examples=300, deadline=None)
@given(passport_pairs())
def test_the_diff_is_empty_exactly_when_the_passports_are_equal(
        pair: tuple[Passport, Passport]) -> None:
    a, b = pair
    changes = diff(a, b)
    assert (changes == []) == (a == b)
    assert all(c.kind in ("added", "removed", "changed") and c.text["ro"] and c.text["en"]
               for c in changes)
    json.dumps([c.to_dict() for c in changes])


@settings(max_examples=100, deadline=None)
@given(passport_pairs())
def test_the_rdf_delta_turns_the_old_version_into_the_new(
        pair: tuple[Passport, Passport]) -> None:
    old, new = (rdfio.canonical_ntriples(to_triples(p, BASE + "id/service/X-0001"))
                for p in pair)
    delta = rdf_delta(old, new)
    assert (set(old.splitlines()) - set(delta.removed)) | set(delta.added) \
        == set(new.splitlines())
    assert rdf_delta(old, old) == RdfDelta([], [])
