"""Words, queries and highlights: the text side of the search index, the same on both back ends.

The index never sees the original text: it holds the words of :func:`catalog.text.search_fold`
(case, diacritics and ş/ș ţ/ț folded), cut by :func:`words` here, and a query is cut the same
way. A query is only ever a list of such words (letters and digits), so no operator, quote or
bracket a user types can reach the database's query language.

Highlights are made from the original text, word by word: a word is marked when its folded form
matches a query term, so the marks keep the original spelling.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

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
class Terms:
    """A parsed query: every word must match; ``prefix``, the last word, as a prefix."""

    exact: tuple[str, ...]
    prefix: str | None

    @property
    def empty(self) -> bool:
        return not self.exact and self.prefix is None

    def all(self) -> tuple[str, ...]:
        return self.exact + ((self.prefix,) if self.prefix else ())

    def matches(self, word: str) -> bool:
        """True when a folded index word matches one of the terms."""
        return word in self.exact or (self.prefix is not None and word.startswith(self.prefix))

    def matches_raw(self, raw: str) -> bool:
        """True when a word of the original text matches one of the terms."""
        return any(self.matches(w) for w in _word_of(raw))

    def matches_folded(self, folded: str) -> bool:
        """True when a text, given as its space-separated folded words, holds a term."""
        padded = f" {folded} "
        return (any(f" {w} " in padded for w in self.exact)
                or (self.prefix is not None and f" {self.prefix}" in padded))

    def fingerprint(self) -> str:
        return " ".join(self.exact) + "|" + (self.prefix or "")


def check_query(q: str) -> str:
    """The query stripped, or InvalidInput when it is empty or too long."""
    q = q.strip()
    if not q:
        raise InvalidInput("the search query is empty", field="q", value=q,
                           message_ro="textul căutat este gol",
                           expected="one or more words")
    if len(q) > MAX_QUERY_CHARS:
        raise InvalidInput(f"the search query has {len(q)} characters; at most "
                           f"{MAX_QUERY_CHARS} are allowed", field="q", value=q[:40] + "…",
                           message_ro=f"textul căutat are {len(q)} caractere; sunt permise "
                           f"cel mult {MAX_QUERY_CHARS}",
                           expected=f"at most {MAX_QUERY_CHARS} characters")
    return q


def parse_query(q: str) -> Terms:
    """The terms of a query (already checked by :func:`check_query`).

    Punctuation, quotes and brackets separate words; the upper-case operator words AND, OR,
    NOT and NEAR are dropped, and so are :data:`STOP_WORDS` before the last word when other
    words remain. The last word is a prefix, as users type (``cert`` finds "certificat"); a
    single character there is dropped when other words precede it (the word before becomes
    the prefix), and matched whole when it is the only word.
    """
    found: list[str] = []
    for raw in _RAW_WORD.findall(q[:MAX_QUERY_CHARS]):
        if raw in OPERATORS:
            continue
        found += words(raw)
    if not found:
        return Terms((), None)
    if len(found) > 1 and len(found[-1]) < 2:
        found.pop()  # a lone letter being typed after other words
    *head, last = found
    exact = tuple(dict.fromkeys(head))
    if any(w not in STOP_WORDS for w in (*exact, last)):
        exact = tuple(w for w in exact if w not in STOP_WORDS)
    exact = exact[:MAX_TERMS]
    if len(last) < 2:
        return Terms(exact or (last,), None)
    if last in exact:
        return Terms(exact, None)
    return Terms(exact[:MAX_TERMS - 1], last)


def _spans(text: str, terms: Terms) -> tuple[list[tuple[int, int]], list[int]]:
    """Word spans of ``text`` and the indexes of the spans that match."""
    spans = [m.span() for m in _RAW_WORD.finditer(text)]
    hits = [i for i, (a, b) in enumerate(spans) if terms.matches_raw(text[a:b])]
    return spans, hits


def highlight(text: str, terms: Terms, *, snippet: bool = False,
              folded: str | None = None) -> str | None:
    """``text`` HTML-escaped with ``<mark>`` around the matching words, or None when no word
    matches; ``snippet``: only the words around the first match, with ``…`` where cut.
    ``folded``, the text's folded words when known, saves looking at texts without a match."""
    if folded is not None and not terms.matches_folded(folded):
        return None
    spans, hits = _spans(text, terms)
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
