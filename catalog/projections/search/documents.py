"""What the search index holds of a service passport: its texts by field and language.

A document keeps the original texts (for results and highlights) and gives the folded words of
each field and language (for the index). Languages are ro, en and ru; a text in any other
language, or without one, goes to ``und`` (searched when no language is asked for).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import pyoxigraph as ox
from pydantic import ValidationError

from catalog import rdfio
from catalog.projections.search.analysis import words
from catalog.records.kinds import RecordKind, group_by_subject
from catalog.records.passport import Passport, from_triples

log = logging.getLogger(__name__)

LANGS = ("ro", "en", "ru")
BUCKETS = (*LANGS, "und")
#: Fields in order of weight: a match in the title ranks above one in the description.
FIELDS = ("title", "keywords", "description", "evidence", "outputs")
#: Fields shown as a snippet around the first match rather than whole.
LONG_FIELDS = frozenset({"description"})
#: Most characters of one field in one language that are indexed (the rest is not searched).
MAX_FIELD_CHARS = 20_000

Texts = dict[str, dict[str, list[str]]]  # field -> language bucket -> texts
#: What the rows table keeps: each text with its folded words (for highlighting).
StoredTexts = dict[str, dict[str, list[tuple[str, str]]]]


def bucket(lang: str) -> str:
    """The language bucket of a language tag (``ro-MD`` is ro)."""
    primary = lang.split("-", 1)[0].lower()
    return primary if primary in LANGS else "und"


@dataclass(frozen=True)
class SearchDocument:
    iri: str
    code: str
    title: dict[str, str]  # as in the passport
    texts: Texts

    @classmethod
    def of(cls, passport: Passport, iri: str) -> SearchDocument:
        texts: Texts = {}

        def add(field: str, lang: str, value: str) -> None:
            _add(texts, field, lang, value)

        for lang, text in passport.title.items():
            add("title", lang, text)
        for lang, kws in passport.keywords.items():
            for kw in kws:
                add("keywords", lang, kw)
        for lang, text in passport.description.items():
            add("description", lang, text)
        for name, parts in (("evidence", passport.evidence), ("outputs", passport.outputs)):
            for part in parts:
                for lang, text in part.title.items():
                    add(name, lang, text)
        return cls(iri, passport.code, dict(passport.title), texts)

    @classmethod
    def of_record(cls, kind: RecordKind, iri: str, triples: Sequence[ox.Triple]
                  ) -> SearchDocument | None:
        """The document of a record as its kind's search spec says; None: not searchable."""
        if kind.search is None:
            return None
        texts: Texts = {}
        title: dict[str, str] = {}
        grouped = group_by_subject(triples)
        for spec in kind.search.fields:
            for lang, value in spec.texts(iri, grouped):
                _add(texts, spec.name, lang, value)
                if spec.name == "title":
                    title[lang] = value
        return cls(iri, kind.code_of(iri, triples) or "", title, texts)

    @classmethod
    def parse(cls, iri: str, content: str, kind: RecordKind | None = None
              ) -> SearchDocument | None:
        """The document of a published version (a passport unless ``kind`` says otherwise),
        or None (logged) when its content does not read as one."""
        try:
            if kind is not None:
                return cls.of_record(kind, iri, rdfio.parse_canonical(content))
            return cls.of(from_triples(rdfio.parse_canonical(content), iri), iri)
        except (ValidationError, SyntaxError, ValueError) as exc:
            log.warning("search: %s is not indexed, its content is not a passport: %s",
                        iri, exc)
            return None

    @cached_property
    def folded(self) -> dict[str, dict[str, list[list[str]]]]:
        """The folded words of each text, by field and language bucket."""
        return {field: {b: [words(t) for t in items] for b, items in by_lang.items()}
                for field, by_lang in self.texts.items()}

    def words(self, field: str, lang: str) -> list[str]:
        return [w for ws in self.folded.get(field, {}).get(lang, []) for w in ws]

    def column_text(self, field: str, lang: str) -> str:
        """The folded words of one field in one language, space-separated."""
        return " ".join(self.words(field, lang))

    def dumps(self) -> tuple[str, str]:
        """The title map and the texts (each with its folded words) as JSON, as the rows
        table stores them."""
        stored = {field: {b: [[t, " ".join(ws)] for t, ws in
                              zip(items, self.folded[field][b], strict=True)]
                          for b, items in by_lang.items()}
                  for field, by_lang in self.texts.items()}
        return (json.dumps(self.title, ensure_ascii=False, sort_keys=True),
                json.dumps(stored, ensure_ascii=False, sort_keys=True))


def _add(texts: Texts, field: str, lang: str, value: str) -> None:
    items = texts.setdefault(field, {}).setdefault(bucket(lang), [])
    used = sum(len(t) for t in items)
    if value.strip() and used < MAX_FIELD_CHARS:
        items.append(value[:MAX_FIELD_CHARS - used])


def load_texts(title_json: str, texts_json: str) -> tuple[dict[str, str], StoredTexts]:
    title: dict[str, str] = json.loads(title_json)
    raw: dict[str, dict[str, list[list[str]]]] = json.loads(texts_json)
    texts = {field: {b: [(t, f) for t, f in items] for b, items in by_lang.items()}
             for field, by_lang in raw.items()}
    return title, texts
