"""JSON <-> RDF for service passports is lossless (property-based)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib.compare import isomorphic

from catalog.passport import (
    Channel,
    Cost,
    Evidence,
    Output,
    Passport,
    Requirement,
    from_triples,
    to_triples,
)
from catalog.validation import to_graph

BASE = "http://127.0.0.1:8000/"
iris = st.sampled_from([f"{BASE}codelist/life-event/{x}" for x in ("birth", "marriage")]
                       + [f"{BASE}eli/lege/2018/142", f"{BASE}id/org/asp",
                          "http://publications.europa.eu/resource/authority/language/RON"])
text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
               max_size=40)
langmap = st.dictionaries(st.sampled_from(["ro", "en", "ru"]), text, max_size=3)
iri_list = st.lists(iris, unique=True, max_size=3).map(sorted)


def parts(model: type, prefix: str, **extra: st.SearchStrategy[object]) -> st.SearchStrategy[list]:  # type: ignore[type-arg]
    def build(n: int) -> st.SearchStrategy[list]:  # type: ignore[type-arg]
        return st.tuples(*[st.builds(model, key=st.just(f"{prefix}/{i}"), identifier=text,
                                     title=langmap, description=langmap, **extra)
                           for i in range(1, n + 1)]).map(list)
    return st.integers(0, 3).flatmap(build)


passports = st.builds(
    Passport,
    code=st.from_regex(r"\A[A-Z][A-Z0-9]{1,9}-[0-9]{4,6}\Z"),
    title=langmap,
    description=langmap,
    keywords=st.dictionaries(st.sampled_from(["ro", "en"]),
                             st.lists(text, min_size=1, max_size=3, unique=True).map(sorted),
                             max_size=2),
    competent_authority=iris,
    legal_resources=iri_list, audiences=iri_list, life_events=iri_list,
    thematic_areas=iri_list, languages=iri_list, spatial=iri_list, related_services=iri_list,
    processing_time=st.sampled_from([None, "P10D", "PT2H", "P1M"]),
    requirements=parts(Requirement, "requirement"),
    evidence=parts(Evidence, "evidence", type=st.one_of(st.none(), iris),
                   obtained_by_authority=st.one_of(st.none(), st.booleans()),
                   registry_source=langmap),
    outputs=parts(Output, "output", type=st.one_of(st.none(), iris)),
    costs=parts(Cost, "cost", value=st.floats(0, 1e6, allow_nan=False), currency=iris),
    channels=parts(Channel, "channel", type=iris, owned_by=st.one_of(st.none(), iris),
                   locations=iri_list, url=st.one_of(st.none(), st.just("https://e.gov.md/x"))),
)


@settings(max_examples=150, deadline=None)
@given(passports)
def test_json_to_rdf_and_back_is_lossless(p: Passport) -> None:
    iri = f"{BASE}id/service/{p.code}"
    graph = to_triples(p, iri)
    again = from_triples(graph, iri)
    assert again == p
    assert isomorphic(to_graph(graph), to_graph(to_triples(again, iri)))
