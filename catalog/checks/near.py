"""Near-duplicate titles: pairs of services whose folded titles have (almost) the same words,
with a similarity score, kept up to date with each record like the projection's joins.

A title is reduced to its words (folded like search: case, diacritics, ş/ș, ţ/ț; Romanian
function words left out). Two words match when they are equal, or when both have five letters
or more (letters, not digits) and differ by a typo (rapidfuzz's normalised Indel similarity of
at least 80 %); two titles' **score** is the share of their words that match (matched words
over all the distinct words of both, in per cent). Word order does not count: "Eliberarea
permisului de conducere" and "Permis de conducere, eliberarea" are near-duplicates, while
"Stabilirea ajutorului de deces" and "Stabilirea ajutorului de șomaj" (one word of four
differs) are not, nor are titles with different numbers in them.

Candidates come from an index of the words, never from a comparison of every pair: a title is
compared only with titles that share all its words but one (its typo), counted over the words
of fewer than :data:`COMMON` titles (a word in more titles narrows nothing).

Exact duplicates (the same folded title) are the rule DUP-SERVICE's; they are left out here.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence

import pyoxigraph as ox
from rapidfuzz.distance import Indel

from catalog.checks.facts import F

#: the least score (per cent) of a near-duplicate pair
THRESHOLD = 80
#: words in more titles than this do not select candidates
COMMON = 300
_TYPO = 0.8
_WORD = re.compile(r"\w+")
_FUNCTION_WORDS = frozenset((  # folded: no diacritics
    "a", "al", "ale", "cu", "de", "din", "dupa", "fara", "in", "la", "lui", "pe", "pentru",
    "prin", "si", "sau", "unei", "unui", "the", "of", "and", "for", "to", "on", "by"))


def words(key: str) -> tuple[str, ...]:
    """The distinct content words of a folded title, in order."""
    seen: dict[str, None] = {}
    for w in _WORD.findall(key):
        if w not in _FUNCTION_WORDS:
            seen.setdefault(w, None)
    return tuple(seen)


def _same_word(a: str, b: str) -> bool:
    """Equal, or a typo apart: words of five letters or more (a number only when equal)."""
    return a == b or (min(len(a), len(b)) >= 5 and a.isalpha() and b.isalpha()
                      and Indel.normalized_similarity(a, b) >= _TYPO)


def score(a: Sequence[str], b: Sequence[str]) -> int:
    """The share (per cent) of the two titles' words that match one another."""
    if not a or not b:
        return 0
    if {w for w in a if w.isdigit()} != {w for w in b if w.isdigit()}:
        return 0  # another number (a form, a category, a year) makes another service
    left = list(b)
    matched = 0
    for w in a:
        for i, other in enumerate(left):
            if _same_word(w, other):
                matched += 1
                del left[i]
                break
    union = len(a) + len(b) - matched
    return round(100 * matched / union)


class NearTitles:
    """The near-duplicate pairs of the services held, as link quads in ``graph``: a node per
    pair with ``k:nearOf`` (the service with the greater IRI, where the finding is reported),
    ``k:nearTo`` (the other) and ``k:score``."""

    def __init__(self, graph: ox.NamedNode) -> None:
        self.graph = graph
        self.key = ox.NamedNode(F + "titleKey")
        self.titles: dict[str, str] = {}  # service -> its folded title
        self.words: dict[str, tuple[str, ...]] = {}
        self.postings: dict[str, set[str]] = {}
        self.pairs: dict[str, dict[str, int]] = {}  # service -> {other: score}

    def _quads(self, a: str, b: str, value: int) -> list[ox.Quad]:
        record, other = (a, b) if a > b else (b, a)
        node = ox.NamedNode("urn:semcat:checks:near:" + hashlib.sha1(  # noqa: S324 (a name)
            f"{record} {other}".encode()).hexdigest())
        return [ox.Quad(node, ox.NamedNode(F + "nearOf"), ox.NamedNode(record), self.graph),
                ox.Quad(node, ox.NamedNode(F + "nearTo"), ox.NamedNode(other), self.graph),
                ox.Quad(node, ox.NamedNode(F + "score"), ox.Literal(
                    str(value), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
                    self.graph)]

    def drop(self, iri: str) -> list[ox.Quad]:
        """Forget ``iri``'s title; the quads of its pairs."""
        if iri not in self.titles:
            return []
        del self.titles[iri]
        for w in self.words.pop(iri, ()):
            self.postings.get(w, set()).discard(iri)
        gone: list[ox.Quad] = []
        for other, value in self.pairs.pop(iri, {}).items():
            self.pairs.get(other, {}).pop(iri, None)
            gone += self._quads(iri, other, value)
        return gone

    def add(self, iri: str, triples: Sequence[ox.Triple]) -> list[ox.Quad]:
        """Learn ``iri``'s title (its ``k:titleKey``); the quads of the pairs it makes."""
        keys = [t.object.value for t in triples if t.predicate == self.key
                and isinstance(t.object, ox.Literal) and t.subject == ox.NamedNode(iri)]
        if not keys:
            return []
        key = keys[0]
        mine = words(key)
        made: list[ox.Quad] = []
        for other in self._candidates(mine):
            if other == iri or self.titles[other] == key:
                continue
            value = score(mine, self.words[other])
            if value >= THRESHOLD:
                self.pairs.setdefault(iri, {})[other] = value
                self.pairs.setdefault(other, {})[iri] = value
                made += self._quads(iri, other, value)
        self.titles[iri] = key
        self.words[iri] = mine
        for w in mine:
            self.postings.setdefault(w, set()).add(iri)
        return made

    def _candidates(self, mine: tuple[str, ...]) -> list[str]:
        """Titles sharing every selective word of ``mine`` but one."""
        selective = [w for w in mine if len(self.postings.get(w, ())) <= COMMON]
        if not selective:
            return []
        counts: Counter[str] = Counter()
        for w in selective:
            counts.update(self.postings.get(w, ()))
        need = max(1, len(selective) - 1)
        return [other for other, n in counts.items() if n >= need]


__all__ = ["COMMON", "THRESHOLD", "NearTitles", "score", "words"]
