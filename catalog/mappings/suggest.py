"""Suggestions of Core Vocabulary terms for the elements of a semantic asset, each scored.

An element is read as a small typed input (:class:`Element`: IRI, name, label, documentation,
datatype), so that any harvest (XSD, WSDL, OpenAPI, JSON Schema) can be mapped. Its **words**
come from its name (``dateOfBirth``, ``DATA_NASTERII``, ``member-code``: cut at case changes,
digits and signs), its label and, less, its documentation; case, diacritics and ş/ș ţ/ț are
folded, and Romanian and Russian words and English abbreviations are read through
``vocabularies/core/lexicon.tsv`` (``prenume`` is "given name", ``dob`` "date birth").

The **score** (0 to 1) of a term for an element:

- name similarity (the larger of): the Dice coefficient of the element's name words and the
  term's name words, each word weighted by its rarity among the terms' names (so that sharing
  "name" says less than sharing "domicile"; a word matching as a prefix of 4+ letters counts),
  and 0.9 times the ratio of the two names as strings (difflib), which alone counts only from
  0.9 (a typo: so ``height`` is not ``weight``);
- plus up to 0.1 for the words the element's documentation shares with the term's description;
- times the datatype factor: 1 when the kinds of value agree (a date and a date property, an
  object and a class or a property whose values are resources), 0.95 when one side does not
  say (many shapes give no datatype), 0.7 when they disagree.

A term is suggested when its score reaches :data:`THRESHOLD`; the best first, at most ``limit``.
The relation is ``skos:exactMatch`` when every word of each name is in the other and the value
kinds agree, else ``skos:closeMatch``; a reviewer confirms or rejects (:mod:`.review`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache

from catalog.mappings.vocabulary import Term, core_terms, datatype_category, lexicon
from catalog.text import search_key

THRESHOLD = 0.65
#: Words that say nothing of what an element holds.
_NOISE = frozenset({"has", "is", "of", "the", "a", "an", "by", "type", "value", "info", "data",
                    "de", "al", "ale", "lui", "и"})
_CUT = re.compile(r"(?<=[a-zà-ÿ0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|[^\w]+|_|(?<=\D)(?=\d)")
_DOC_STOP = frozenset({"the", "of", "a", "an", "and", "or", "to", "in", "on", "for", "is",
                       "be", "by", "which", "that", "this", "with", "as", "it", "its", "can",
                       "may", "from", "at"})


@dataclass(frozen=True)
class Element:
    """What the suggester reads of an element of an asset."""

    iri: str
    name: str  # as in the definition: dateOfBirth, DataNasterii, member-code
    label: str | None = None
    documentation: str | None = None
    datatype: str | None = None  # xs:date, an XSD IRI, a JSON Schema type, "object"...


@dataclass(frozen=True)
class Suggestion:
    element: str
    term: Term
    relation: str  # exactMatch | closeMatch
    score: float


def words(text: str) -> list[str]:
    """The folded words of a name or label, read through the lexicon."""
    raw = [w for w in _CUT.split(text) if w]
    out: list[str] = []
    lex = lexicon()
    for w in raw:
        key = search_key(w)
        if not key or key.isdigit():
            continue
        out += list(lex.get(key, (key,)))
    return [w for w in out if w not in _NOISE]


def _doc_words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", search_key(text)) if w not in _DOC_STOP and len(w) > 2}


def _same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 4 and long_.startswith(short)


@cache
def _weights() -> dict[str, float]:
    """How telling each word of the terms' names is: rare words weigh more (inverse document
    frequency over the bundled terms; a word no term has weighs the most)."""
    terms = core_terms()
    df: dict[str, int] = {}
    for t in terms:
        for w in set(words(t.name)):
            df[w] = df.get(w, 0) + 1
    return {w: math.log(1 + len(terms) / (1 + n)) for w, n in df.items()}


def _weight(word: str) -> float:
    table = _weights()
    return table.get(word, max(table.values(), default=1.0))


def _dice(a: Sequence[str], b: Sequence[str]) -> tuple[float, bool]:
    """The Dice coefficient of two word lists, each word weighted by how telling it is, and
    whether each word of one is in the other."""
    if not a or not b:
        return 0.0, False
    hit_a = [x for x in a if any(_same_word(x, y) for y in b)]
    hit_b = [y for y in b if any(_same_word(y, x) for x in a)]
    total = sum(map(_weight, a)) + sum(map(_weight, b))
    return ((sum(map(_weight, hit_a)) + sum(map(_weight, hit_b))) / total,
            len(hit_a) == len(a) and len(hit_b) == len(b))


def _type_factor(element: Element, term: Term) -> tuple[float, bool]:
    mine = datatype_category(element.datatype) if element.datatype else "unknown"
    theirs = term.value_type
    if "unknown" in (mine, theirs):
        return 0.95, True
    if mine == theirs or {mine, theirs} <= {"date", "datetime"} \
            or {mine, theirs} == {"text", "uri"}:
        return 1.0, True
    return 0.7, False


def score(element: Element, term: Term) -> tuple[float, str]:
    """The score of ``term`` for ``element`` and the relation it would have (module doc)."""
    mine = words(element.name)
    if element.label:
        labelled = words(element.label)
        if len(labelled) > len(mine):
            mine = labelled
    theirs = words(term.name)
    dice, whole = _dice(mine, theirs)
    ratio = SequenceMatcher(None, " ".join(mine), " ".join(theirs)).ratio()
    # spelling alone (no word in common) counts only when nearly the same (a typo)
    name = max(dice, ratio * 0.9) if dice > 0 or ratio >= 0.9 else 0.0
    doc = 0.0
    if element.documentation and term.description:
        a, b = _doc_words(element.documentation), _doc_words(term.description)
        if a and b:
            doc = 0.1 * len(a & b) / min(len(a), len(b))
    factor, agree = _type_factor(element, term)
    total = min(1.0, (name + doc) * factor)
    return round(total, 3), "exactMatch" if whole and agree else "closeMatch"


def suggest(element: Element, terms: Iterable[Term] | None = None, *, limit: int = 3,
            threshold: float = THRESHOLD) -> list[Suggestion]:
    """The best terms for ``element`` (of the bundled Core Vocabularies by default)."""
    found: dict[str, Suggestion] = {}
    for term in terms if terms is not None else core_terms():
        s, relation = score(element, term)
        if s < threshold:
            continue
        kept = found.get(term.iri)
        if kept is None or s > kept.score:  # one suggestion per term, whatever its class
            found[term.iri] = Suggestion(element.iri, term, relation, s)
    return sorted(found.values(), key=lambda x: (-x.score, x.term.iri))[:limit]
