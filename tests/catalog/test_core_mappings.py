"""Elements mapped to the EU Core Vocabularies: suggestions for the element names of the real
X-Road and OpenAPI definitions in ../shared (parsed with the hardened bundle reader and PyYAML)
and for a register's elements named in Romanian and Russian; a reviewer's decisions kept as a
record of SKOS mappings (in the store, refused to another institution), SSSOM TSV, coverage."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from adapters.definitions.bundle import Bundle, parse_xml
from catalog.core import Catalog
from catalog.errors import Forbidden
from catalog.mappings import Decision, Element, MappingSets, core_terms, suggest, write_tsv
from catalog.mappings.vocabulary import VOCABULARIES
from catalog.settings import Settings
from catalog.workflow.access import Principal, Role
from tests.conftest import open_catalog

XS = "http://www.w3.org/2001/XMLSchema"
CV = "http://data.europa.eu/m8g/"
PERSON = "http://www.w3.org/ns/person#"
FOAF = "http://xmlns.com/foaf/0.1/"
BASE = "https://example.md/asset/civil-status/element/"


def definition_elements(shared: Path) -> list[Element]:
    """Every named element of the X-Road WSDLs and schemas, and every property of the
    components of the OpenAPI files, with their declared types."""
    out: list[Element] = []
    bundle = Bundle.from_directory(shared / "soap" / "xroad")
    for name in ("testservice-getRandom-bmi.wsdl", "meta-services.wsdl", "xroad.xsd",
                 "identifiers.xsd"):
        root = parse_xml(bundle.files[name], what=name)
        for e in root.iter(f"{{{XS}}}element"):
            if e.get("name"):
                doc = " ".join(d.text or "" for d in e.iter(f"{{{XS}}}documentation"))
                out.append(Element(f"urn:test:{name}#{e.get('name')}", e.get("name"),
                                   documentation=doc or None,
                                   datatype=e.get("type") or "complex"))
    for f in sorted((shared / "soap" / "xroad-rest").glob("*.yaml")):
        spec = yaml.safe_load(f.read_text("utf-8"))
        for schema, body in spec.get("components", {}).get("schemas", {}).items():
            for prop, value in (body.get("properties") or {}).items():
                out.append(Element(f"urn:test:{f.name}#{schema}.{prop}", prop,
                                   documentation=value.get("description"),
                                   datatype=value.get("type") or "object"))
    return out


def best(element: Element) -> str | None:
    found = suggest(element)
    return found[0].term.iri if found else None


def test_every_core_vocabulary_is_bundled_with_its_terms() -> None:
    terms = core_terms()
    assert {t.vocabulary for t in terms} == set(VOCABULARIES.values())
    by_iri = {t.iri: t for t in terms}
    assert by_iri[PERSON + "birthName"].name == "birth name"
    assert by_iri["http://www.w3.org/ns/legal#LegalEntity"].kind == "class"
    licence = (Path(__file__).resolve().parents[2] / "vocabularies" / "core" / "README.md")
    assert "CC-BY 4.0" in licence.read_text("utf-8")


def test_suggestions_for_the_real_x_road_and_openapi_elements(shared: Path) -> None:
    elements = definition_elements(shared)
    names = {e.name for e in elements}
    assert {"seed", "weight", "height", "memberCode", "firstName", "email"} <= names
    by_name = {e.name: e for e in elements}
    # people's data in the petstore's User meet Core Person and the contact point
    assert best(by_name["firstName"]) == FOAF + "givenName"
    assert best(by_name["lastName"]) == FOAF + "familyName"
    assert best(by_name["email"]) == CV + "email"
    assert best(by_name["phone"]) == CV + "telephone"
    # X-Road's technical identifiers and the test service's numbers are nothing of the kind
    for technical in ("seed", "random", "requestHash", "protocolVersion", "xRoadInstance",
                      "subsystemCode", "height", "password", "userStatus"):
        assert suggest(by_name[technical]) == [], technical
    for e in elements:  # every suggestion is scored, best first, and over the threshold
        scores = [s.score for s in suggest(e)]
        assert scores == sorted(scores, reverse=True)
        assert all(0.65 <= s <= 1 for s in scores)


@pytest.mark.parametrize(("name", "datatype", "term"), [
    ("DataNasterii", "xs:date", CV + "birthDate"),
    ("dataNașterii", "xs:date", CV + "birthDate"),
    ("Prenume", "xs:string", FOAF + "givenName"),
    ("Nume", "xs:string", FOAF + "familyName"),
    ("фамилия", "string", FOAF + "familyName"),
    ("Cetăţenia", None, PERSON + "citizenship"),
    ("CodPostal", "xs:string", "http://www.w3.org/ns/locn#postCode"),
    ("DenumireaIntreprinderii", "string", "http://www.w3.org/ns/legal#legalName"),
])
def test_elements_named_in_romanian_or_russian_meet_their_terms(name: str, datatype: str | None,
                                                                 term: str) -> None:
    found = suggest(Element(BASE + name, name, datatype=datatype), limit=3)
    assert term in [s.term.iri for s in found], [(s.term.iri, s.score) for s in found]


def test_a_disagreeing_datatype_lowers_the_score() -> None:
    found = {dt: suggest(Element(BASE + "r", "registrationDate", datatype=dt))
             for dt in ("xs:date", "xs:dateTime", "object", "xs:boolean")}
    for dt in ("xs:date", "xs:dateTime"):  # agreeing: an exact match
        assert [(s.term.iri, s.relation, s.score) for s in found[dt]] == [
            (CV + "registrationDate", "exactMatch", 1.0)]
    for dt in ("object", "xs:boolean"):  # disagreeing: close at best, scored lower
        assert [(s.term.iri, s.relation) for s in found[dt]] == [
            (CV + "registrationDate", "closeMatch")]
        assert found[dt][0].score < 1.0


# --- review, the store, SSSOM, coverage --------------------------------------------------------
@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Catalog]:
    cat = open_catalog(Settings(env="test", data_dir=tmp_path_factory.mktemp("m") / "data"))
    yield cat
    cat.close()


def reviewer(catalog: Catalog, code: str) -> Principal:
    iri = next(i for i, c in catalog.institutions().items() if c == code)
    return Principal(code, iri, Role.REVIEWER, 1)


def test_a_reviewers_decisions_are_skos_mappings_in_the_store(catalog: Catalog) -> None:
    who = reviewer(catalog, "ASP")
    sets = MappingSets(catalog)
    elements = [Element(BASE + n, n, datatype=t) for n, t in
                (("Prenume", "string"), ("DataNasterii", "date"), ("issue", "string"),
                 ("IDNP", "string"))]
    picked = {e.name: suggest(e)[0] for e in elements if suggest(e)}
    kept = sets.review(who, "civil-status", who.institution_iri, [
        Decision(BASE + "Prenume", "Prenume", picked["Prenume"].term.iri,
                 picked["Prenume"].relation, True, picked["Prenume"].score),
        Decision(BASE + "DataNasterii", "DataNasterii", picked["DataNasterii"].term.iri,
                 "exactMatch", True, picked["DataNasterii"].score),
        Decision(BASE + "issue", "issue", picked["issue"].term.iri, "closeMatch", False,
                 picked["issue"].score)])
    assert len(kept) == 3
    assert [d.reviewer for d in kept] == [who.name] * 3
    assert catalog.store is not None
    graph = catalog.store.graph(sets.iri("civil-status"))
    stated = {(t.subject.value, t.predicate.value, t.object.value) for t in graph}
    assert (BASE + "DataNasterii", "http://www.w3.org/2004/02/skos/core#exactMatch",
            CV + "birthDate") in stated
    assert not any(s == BASE + "issue" for s, _p, _o in stated)  # rejected: no SKOS triple
    # a later decision on the same pair replaces the earlier one; the set is versioned
    again = sets.review(who, "civil-status", who.institution_iri, [
        Decision(BASE + "issue", "issue", picked["issue"].term.iri, "closeMatch", True)])
    assert [d.confirmed for d in again if d.element == BASE + "issue"] == [True]
    assert [v.number for v in catalog.ledger.versions(sets.iri("civil-status"))] == [1, 2]
    coverage = sets.coverage("civil-status", [BASE + e.name for e in elements])
    assert (coverage.elements, coverage.mapped, coverage.reviewed) == (4, 3, 3)
    assert coverage.ratio == 0.75


def test_another_institution_may_not_review_the_set(catalog: Catalog) -> None:
    owner = reviewer(catalog, "ASP")
    other = next(c for c in catalog.institutions().values() if c != "ASP")
    with pytest.raises(Forbidden):
        MappingSets(catalog).review(reviewer(catalog, other), "civil-status",
                                    owner.institution_iri, [
                                        Decision(BASE + "Nume", "Nume", FOAF + "familyName",
                                                 "exactMatch", True)])


def test_sssom_tsv_of_a_set(catalog: Catalog) -> None:
    who = reviewer(catalog, "ASP")
    sets = MappingSets(catalog)
    sets.review(who, "tsv-demo", who.institution_iri, [
        Decision(BASE + "Nume", "Nume\tde familie", FOAF + "familyName", "exactMatch", True,
                 0.95),
        Decision(BASE + "issue", "=issue", CV + "weight", "closeMatch", False, 0.7)])
    text = write_tsv(sets.iri("tsv-demo"), sets.decisions("tsv-demo"))
    meta = [line for line in text.splitlines() if line.startswith("#")]
    assert f'#mapping_set_id: "{sets.iri("tsv-demo")}"' in meta
    assert any(line.strip() == f'foaf: "{FOAF}"' for line in (m[1:] for m in meta))
    rows = list(csv.DictReader(io.StringIO("\n".join(
        line for line in text.splitlines() if not line.startswith("#"))), delimiter="\t"))
    by_label = {r["subject_label"]: r for r in rows}
    assert set(by_label) == {"Nume de familie", "'=issue"}
    nume = by_label["Nume de familie"]
    assert nume["predicate_id"] == "skos:exactMatch"
    assert nume["object_id"] == "foaf:familyName"
    assert nume["subject_id"].endswith(":Nume")
    assert nume["confidence"] == "0.95"
    assert nume["mapping_justification"] == "semapv:LexicalMatching"
    assert by_label["'=issue"]["predicate_modifier"] == "Not"
