"""Hypothesis strategies for passport diffs: passports over small alphabets, and pairs of
passports that are equal, or differ in a few fields, often enough to test both sides of
"the diff is empty exactly when the passports are equal"."""

from __future__ import annotations

from hypothesis import strategies as st

from catalog.records.passport import Channel, Cost, Evidence, Output, Passport, Requirement

BASE = "http://127.0.0.1:8000/"
iris = st.sampled_from([
    f"{BASE}codelist/life-event/birth", f"{BASE}codelist/life-event/marriage",
    f"{BASE}eli/lege/2018/142", f"{BASE}eli/lege/2018/142/art/5", f"{BASE}id/org/asp",
    "http://publications.europa.eu/resource/authority/language/RON",
    "http://publications.europa.eu/resource/authority/currency/MDL",
])
texts = st.sampled_from(["", "Taxă de stat", "State fee", "Copia buletinului", "ș ț ă â î"])
langmaps = st.dictionaries(st.sampled_from(["ro", "en", "ru", ""]), texts, max_size=3)
iri_lists = st.lists(iris, max_size=3)


def _parts(model: type, prefix: str, **extra: st.SearchStrategy[object]
           ) -> st.SearchStrategy[list[object]]:
    part = st.builds(model, key=st.sampled_from([f"{prefix}/{i}" for i in (1, 2, 3)]),
                     identifier=texts, title=langmaps, description=langmaps, **extra)
    return st.lists(part, max_size=3)


passports = st.builds(
    Passport,
    code=st.sampled_from(["ASP-0001", "ASP-9001", "CNAS-0002"]),
    title=langmaps,
    description=langmaps,
    keywords=st.dictionaries(st.sampled_from(["ro", "en"]), st.lists(texts, max_size=3),
                             max_size=2),
    competent_authority=iris,
    legal_resources=iri_lists, audiences=iri_lists, life_events=iri_lists,
    thematic_areas=iri_lists, languages=iri_lists, spatial=iri_lists, related_services=iri_lists,
    processing_time=st.sampled_from([None, "P10D", "PT2H", "P1M", "P1Y2M", "bad"]),
    requirements=_parts(Requirement, "requirement"),
    evidence=_parts(Evidence, "evidence", type=st.one_of(st.none(), iris),
                    obtained_by_authority=st.one_of(st.none(), st.booleans()),
                    registry_source=langmaps),
    outputs=_parts(Output, "output", type=st.one_of(st.none(), iris)),
    costs=_parts(Cost, "cost", value=st.sampled_from([0.0, 100.0, 150.0, 12.5]),
                 currency=iris),
    channels=_parts(Channel, "channel", type=iris, owned_by=st.one_of(st.none(), iris),
                    locations=iri_lists, url=st.one_of(st.none(), st.just("https://e.gov.md/x"))),
)


@st.composite
def passport_pairs(draw: st.DrawFn) -> tuple[Passport, Passport]:
    """``(a, b)``: ``b`` is ``a`` with zero or more fields taken from another passport."""
    a, other = draw(passports), draw(passports)
    names = draw(st.lists(st.sampled_from(sorted(Passport.model_fields)), unique=True,
                          max_size=4))
    return a, a.model_copy(update={n: getattr(other, n) for n in names})
