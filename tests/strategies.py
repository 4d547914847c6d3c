"""Hypothesis strategies for service passports, shared by the JSON <-> RDF and the CSV round trips.

:data:`passports` keeps to what RDF can hold (IRIs, sorted unique lists, language-tagged text);
:data:`csv_passports` adds what a CSV file makes hard: ``|`` and ``\\`` inside list values,
quotes, commas and line breaks in cells, cells that start like a spreadsheet formula, untagged
text, cedilla and comma-below letters, Cyrillic, emoji, unsorted lists with repeats and
floats of any size.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from catalog.records.passport import Channel, Cost, Evidence, Output, Passport, Requirement

BASE = "http://127.0.0.1:8000/"
iris = st.sampled_from([f"{BASE}codelist/life-event/{x}" for x in ("birth", "marriage")]
                       + [f"{BASE}eli/lege/2018/142", f"{BASE}id/org/asp",
                          "http://publications.europa.eu/resource/authority/language/RON"])
text = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40)

#: Pieces that break naive CSV writers and readers, or that a spreadsheet would evaluate.
HARD_PIECES = (
    "|", " | ", "\\", "\\|", "\\\\", '"', '""', ",", ";", "\r", "\n", "\r\n", " ", "\t",
    "=", "+", "-", "@", "'", "''", "=SUM(A1:A9)", "=HYPERLINK(\"http://x\")", "@cmd", "-1+2",
    "ș", "ş", "ț", "ţ", "Ș", "Ş", "Ț", "Ţ", "ă", "â", "î", "Î", "Chișinău", "Bălţi",
    "Кишинёв", "Молдова", "😀", "🇲🇩", "👩‍💼",
)
csv_text = st.lists(st.one_of(st.sampled_from(HARD_PIECES), text), max_size=5).map("".join)

ListOf = Callable[[st.SearchStrategy[str], int], st.SearchStrategy[list[str]]]


def sorted_sets(values: st.SearchStrategy[str], min_size: int) -> st.SearchStrategy[list[str]]:
    return st.lists(values, min_size=min_size, max_size=3, unique=True).map(sorted)


def any_lists(values: st.SearchStrategy[str], min_size: int) -> st.SearchStrategy[list[str]]:
    return st.lists(values, min_size=min_size, max_size=3)


@dataclass(frozen=True)
class Alphabet:
    """What the values of a generated passport are drawn from."""

    text: st.SearchStrategy[str]
    languages: Sequence[str]
    iri: st.SearchStrategy[str]
    lists: ListOf
    processing_time: st.SearchStrategy[str | None]
    url: st.SearchStrategy[str | None]
    cost: st.SearchStrategy[float]
    key: Callable[[str, int], st.SearchStrategy[str]]


def passport_strategy(a: Alphabet) -> st.SearchStrategy[Passport]:
    langmap = st.dictionaries(st.sampled_from(list(a.languages)), a.text,
                              max_size=len(a.languages))
    iri_list = a.lists(a.iri, 0)
    maybe_iri = st.one_of(st.none(), a.iri)

    def parts(model: type[Any], prefix: str, **extra: st.SearchStrategy[Any]
              ) -> st.SearchStrategy[list[Any]]:
        def build(n: int) -> st.SearchStrategy[list[Any]]:
            return st.tuples(*[st.builds(model, key=a.key(prefix, i), identifier=a.text,
                                         title=langmap, description=langmap, **extra)
                               for i in range(1, n + 1)]).map(list)
        return st.integers(0, 3).flatmap(build)

    return st.builds(
        Passport,
        code=st.from_regex(r"\A[A-Z][A-Z0-9]{1,9}-[0-9]{4,6}\Z"),
        title=langmap,
        description=langmap,
        keywords=st.dictionaries(st.sampled_from(list(a.languages)), a.lists(a.text, 1),
                                 max_size=2),
        competent_authority=a.iri,
        legal_resources=iri_list, audiences=iri_list, life_events=iri_list,
        thematic_areas=iri_list, languages=iri_list, spatial=iri_list, related_services=iri_list,
        processing_time=a.processing_time,
        requirements=parts(Requirement, "requirement"),
        evidence=parts(Evidence, "evidence", type=maybe_iri,
                       obtained_by_authority=st.one_of(st.none(), st.booleans()),
                       registry_source=langmap),
        outputs=parts(Output, "output", type=maybe_iri),
        costs=parts(Cost, "cost", value=a.cost, currency=a.iri),
        channels=parts(Channel, "channel", type=a.iri, owned_by=maybe_iri,
                       locations=iri_list, url=a.url),
    )


#: Passports as RDF holds them: the JSON <-> RDF round trip.
passports = passport_strategy(Alphabet(
    text=text, languages=("ro", "en", "ru"), iri=iris, lists=sorted_sets,
    processing_time=st.sampled_from([None, "P10D", "PT2H", "P1M"]),
    url=st.one_of(st.none(), st.just("https://e.gov.md/x")),
    cost=st.floats(0, 1e6, allow_nan=False),
    key=lambda prefix, i: st.just(f"{prefix}/{i}"),
))

#: Passports with everything a CSV cell makes hard: the JSON <-> CSV round trip.
csv_passports = passport_strategy(Alphabet(
    text=csv_text, languages=("ro", "en", "ru", ""), iri=st.one_of(iris, csv_text),
    lists=any_lists, processing_time=st.one_of(st.none(), csv_text),
    # a channel's url is a link people may follow (http, https, mailto, tel), with any tail
    url=st.one_of(st.none(), st.builds(lambda scheme, tail: scheme + tail,
                                       st.sampled_from(["https://", "http://", "mailto:",
                                                        "tel:"]), csv_text)),
    cost=st.floats(min_value=0, allow_nan=False),
    key=lambda prefix, i: st.one_of(st.just(f"{prefix}/{i}"), csv_text),
))
