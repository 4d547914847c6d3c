"""Words, queries and highlights: the text side of the search index, the same on both back ends.

The index never sees the original text: it holds the words of :func:`catalog.text.search_fold`
(case, diacritics and ş/ș ţ/ț folded), cut by :func:`words` here, and a query is cut the same
way. A query is only ever a list of such words (letters and digits), so no operator, quote or
bracket a user types can reach the database's query language.

A query word finds the indexed words that begin with its stem (the word less its ending,
:func:`stem`), so that Romanian and Russian inflected forms find each other without a
dictionary; the back ends rank the word as typed above its other forms.

Highlights are made from the original text, word by word: a whole word is marked when its
folded form matches a query term, so the marks keep the original spelling.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache

from catalog.errors import InvalidInput
from catalog.text import search_fold

#: Longest query accepted, in characters.
MAX_QUERY_CHARS = 200
#: Most distinct words of a query that are searched for (the rest are ignored).
MAX_TERMS = 12
#: Longer words are cut to this many characters, in the index and in queries alike.
MAX_WORD_CHARS = 64
#: Words a user may type as search-engine syntax; they are not searched for.
OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})
#: Function words that would match nearly every passport: not required, nor marked, unless
#: the query has nothing else (folded forms; Romanian, English, Russian).
STOP_WORDS = frozenset({
    "a", "ai", "al", "ale", "cu", "de", "din", "in", "la", "o", "pe", "pentru", "prin", "sau",
    "si", "un", "unei", "unui",
    "an", "and", "by", "for", "of", "on", "or", "the", "to",
    "в", "для", "и", "из", "к", "на", "о", "об", "по", "с",
})
#: Words shorter than this, before the last word of a query, find only themselves.
MIN_PREFIX_CHARS = 3
#: Letters of an ending dropped from a query word so that it finds the word's other forms
#: (folded vowels of Romanian and English; Russian vowels, ь and й), see :func:`stem`.
ENDINGS = frozenset("aeiouy" "аеиоуыэюяьй")
_STEM_VOWELS = frozenset("iyи")
#: Endings cut whole, longest first: Romanian definite and plural articles, Russian case
#: endings (folded forms).
SUFFIXES = ("urilor", "ilor", "elor", "ului", "lor", "ul",
            "ями", "ами", "ыми", "ими", "ого", "его", "ому", "ему", "ах", "ях", "ам", "ям",
            "ом", "ем", "ов", "ев", "ой", "ей", "ый", "ий")
#: Most vowels cut from the end of a query word, and fewest letters left of it.
MAX_ENDING_CHARS, MIN_STEM_CHARS = 2, 5
#: Words of context around the first match in a snippet of a long text.
SNIPPET_WORDS = 10
MARK_OPEN, MARK_CLOSE = "<mark>", "</mark>"

_FOLDED_WORD = re.compile(r"[^\W_]+")
# a word of the original text: letters and digits with any combining marks (NFD input)
_RAW_WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff"
                       r"\ufe20-\ufe2f])+")


def words(text: str) -> list[str]:
    """The folded words of ``text``, as the index stores them."""
    return [w[:MAX_WORD_CHARS] for w in _FOLDED_WORD.findall(search_fold(text))]


@lru_cache(maxsize=65536)
def _word_of(raw: str) -> tuple[str, ...]:
    """The folded words of one word of an original text (usually one)."""
    return tuple(words(raw))


@dataclass(frozen=True)
class Term:
    """One word of a query: an indexed word matches when it starts with ``stem`` (the word as
    typed, or without its ending, see :func:`stem`), or, for a word of one or two letters
    that is not the last of the query, when it is the word itself (``prefix`` False)."""

    word: str
    stem: str
    prefix: bool

    def matches(self, word: str) -> bool:
        """True when a folded index word matches the term."""
        return word.startswith(self.stem) if self.prefix else word == self.word

    def implies(self, other: Term) -> bool:
        """True when every word matching ``self`` matches ``other`` (``other`` is redundant)."""
        if not other.prefix:
            return not self.prefix and self.word == other.word
        return (self.stem if self.prefix else self.word).startswith(other.stem)


@dataclass(frozen=True)
class Terms:
    """A parsed query: every term must match a word of the service's texts."""

    terms: tuple[Term, ...]

    @property
    def empty(self) -> bool:
        return not self.terms

    def all(self) -> tuple[str, ...]:
        return tuple(t.word for t in self.terms)

    @cached_property
    def _alternatives(self) -> str:  # words are letters and digits: nothing to escape
        return "|".join(t.stem if t.prefix else f"{t.word}(?![^ ])" for t in self.terms)

    @cached_property
    def _word(self) -> re.Pattern[str]:
        return re.compile(f"(?:{self._alternatives})")

    @cached_property
    def _in_text(self) -> re.Pattern[str]:
        return re.compile(f"(?<![^ ])(?:{self._alternatives})")

    def matches(self, word: str) -> bool:
        """True when a folded index word matches one of the terms."""
        return self._word.match(word) is not None

    def matches_raw(self, raw: str) -> bool:
        """True when a word of the original text matches one of the terms."""
        return any(self.matches(w) for w in _word_of(raw))

    def matches_folded(self, folded: str) -> bool:
        """True when a text, given as its space-separated folded words, holds a term."""
        return self._in_text.search(folded) is not None

    def fingerprint(self) -> str:
        return " ".join(f"{t.word}:{t.stem}" if t.prefix else t.word for t in self.terms)


def check_query(q: str) -> str:
    """The query stripped, or InvalidInput when it is empty or too long."""
    q = q.strip()
    if not q:
        raise InvalidInput.of("search.empty", field="q", value=q,
                              expected="one or more words")
    if len(q) > MAX_QUERY_CHARS:
        raise InvalidInput.of("search.too_long", field="q", value=q[:40] + "…",
                              expected=f"at most {MAX_QUERY_CHARS} characters",
                              length=len(q), limit=MAX_QUERY_CHARS)
    return q


def stem(word: str) -> str:
    """What an indexed word must start with to match ``word``: the word less its ending, so
    that one inflected form finds the others (``indemnizatie`` and ``indemnizatiei`` find
    indemnizația, indemnizației, indemnizații; ``certificatului`` finds certificat;
    ``пенсия`` finds пенсии; ``справкой`` finds справка).

    The ending is the longest of :data:`SUFFIXES` the word ends with, or else its last letter
    when that is a vowel (or ь, й), and the one before it too when that is a vowel, except an
    i, и or y before another vowel (in ``pensie`` and ``пенсия`` the i belongs to the stem; in
    ``nasterii`` both are the ending). At least :data:`MIN_STEM_CHARS` letters are kept, and
    words with digits are kept whole. No dictionary: a light rule for Romanian and Russian
    endings, which the ranking corrects (a word typed in full ranks above its other forms)."""
    if not word.isalpha():
        return word
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM_CHARS:
            return word[:-len(suffix)]
    cut = len(word)
    for n in range(MAX_ENDING_CHARS):
        c = word[cut - 1]
        if cut <= MIN_STEM_CHARS or c not in ENDINGS or (
                n and c in _STEM_VOWELS and word[cut] != c):
            break
        cut -= 1
    return word[:cut]


def parse_query(q: str) -> Terms:
    """The terms of a query (already checked by :func:`check_query`).

    Punctuation, quotes and brackets separate words; the upper-case operator words AND, OR,
    NOT and NEAR are dropped, and so are :data:`STOP_WORDS` before the last word when other
    words remain. Every word is a prefix of the words it finds, less its ending (see
    :func:`stem`): ``cert`` finds "certificat", ``nasterii`` finds "naștere". A word of one or
    two letters before the last finds only itself; a single character at the end is dropped
    when other words precede it (it is being typed), and matched whole when it is the only
    word. A word made redundant by another (``cert`` beside ``certificat``) is dropped.
    """
    found: list[str] = []
    for raw in _RAW_WORD.findall(q[:MAX_QUERY_CHARS]):
        if raw in OPERATORS:
            continue
        found += words(raw)
    if not found:
        return Terms(())
    if len(found) > 1 and len(found[-1]) < 2:
        found.pop()  # a lone letter being typed after other words
    *head, last = found
    kept = list(dict.fromkeys(head))
    if any(w not in STOP_WORDS for w in (*kept, last)):
        kept = [w for w in kept if w not in STOP_WORDS]
    terms = [Term(w, stem(w), True) if len(w) >= MIN_PREFIX_CHARS else Term(w, w, False)
             for w in kept[:MAX_TERMS - 1]]
    terms.append(Term(last, stem(last), True) if len(last) >= 2 else Term(last, last, False))
    return Terms(tuple(t for i, t in enumerate(terms) if not any(
        j != i and o.implies(t) and (j < i or not t.implies(o))
        for j, o in enumerate(terms))))


def _spans(text: str, terms: Terms,
           folded: str | None) -> tuple[list[tuple[int, int]], list[int]]:
    """Word spans of ``text`` and the indexes of the spans that match; the folded words, when
    there is one per span (as good as always), say which without folding the text again."""
    spans = [m.span() for m in _RAW_WORD.finditer(text)]
    known = folded.split() if folded is not None else []
    if len(known) == len(spans):
        return spans, [i for i, w in enumerate(known) if terms.matches(w)]
    return spans, [i for i, (a, b) in enumerate(spans) if terms.matches_raw(text[a:b])]


def highlight(text: str, terms: Terms, *, snippet: bool = False,
              folded: str | None = None) -> str | None:
    """``text`` HTML-escaped with ``<mark>`` around the matching words, or None when no word
    matches; ``snippet``: only the words around the first match, with ``…`` where cut.
    ``folded``, the text's folded words when known, saves looking at texts without a match."""
    if folded is not None and not terms.matches_folded(folded):
        return None
    spans, hits = _spans(text, terms, folded)
    if not hits:
        return None
    start, end, first, last = 0, len(text), 0, len(spans) - 1
    if snippet and len(spans) > 2 * SNIPPET_WORDS + 1:
        first = max(0, hits[0] - SNIPPET_WORDS // 2)
        last = min(len(spans) - 1, first + 2 * SNIPPET_WORDS)
        start, end = spans[first][0], spans[last][1]
    out: list[str] = ["…"] if first > 0 else []
    pos = start
    for i in hits:
        if not first <= i <= last:
            continue
        a, b = spans[i]
        out += [html.escape(text[pos:a]), MARK_OPEN, html.escape(text[a:b]), MARK_CLOSE]
        pos = b
    out.append(html.escape(text[pos:end]))
    if end < len(text):
        out.append("…")
    return "".join(out)


def marked(fragment: str) -> Iterator[str]:
    """The marked words of a highlight (for tests and clients that want them as data)."""
    for part in fragment.split(MARK_OPEN)[1:]:
        yield html.unescape(part.split(MARK_CLOSE, 1)[0])
