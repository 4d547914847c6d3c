"""The code lists as a reader browses them (as in Skosmos): the schemes, the published versions
of each, a version's hierarchy and A-Z index, a concept, a search, and a diff of two versions.

A code list is a record of the ``codelist`` kind and **its versions are the record's versions
in the ledger** (each one immutable, written through the one write path): no copy of them is
kept elsewhere. A reader sees the versions that were published at some time (the current one,
those it superseded, a withdrawn one); drafts are not shown here. A scheme is named in URLs by
its slug, the segment of its IRI (``life-event`` for ``<codelist/life-event>``).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlmodel import col, select

from catalog import rdfio
from catalog.codelists.diff import SchemeDiff, diff_schemes
from catalog.codelists.scheme import Concept, Scheme, letter_of, read_scheme
from catalog.errors import InvalidInput, NotFound
from catalog.ledger import Change, Record, Version
from catalog.ledger.db import read_session
from catalog.projections.search import SearchPage

if TYPE_CHECKING:
    from catalog.core import Catalog

KIND = "codelist"
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
#: Parsed versions kept in memory (they never change: keyed by content hash).
CACHED_VERSIONS = 16


@dataclass(frozen=True)
class SchemeVersion:
    number: int
    status: str  # published | superseded | withdrawn
    version_info: str | None  # the scheme's owl:versionInfo in that version
    published_at: datetime
    concepts: int
    current: bool


@dataclass(frozen=True)
class SchemeSummary:
    slug: str
    iri: str
    titles: dict[str, str]
    version: int
    version_info: str | None
    concepts: int


@dataclass(frozen=True)
class Letter:
    letter: str
    count: int


class CodeLists:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.kind = catalog.kinds[KIND]
        self._cache: OrderedDict[str, Scheme] = OrderedDict()
        #: code list IRI -> the search index's watermark when the ledger said it is published
        self._listed: dict[str, int] = {}
        self._lock = threading.Lock()

    # names --------------------------------------------------------------------------
    def iri(self, slug: str) -> str:
        if not SLUG.fullmatch(slug):
            raise NotFound.of("codelists.no_scheme", field="scheme", value=slug[:64])
        return self.kind.iris.mint(self.catalog.settings.base_uri, scheme=slug)

    def slug(self, iri: str) -> str | None:
        found = self.kind.iris.parse(self.catalog.settings.base_uri, iri)
        return found.get("scheme") if found else None

    # versions -----------------------------------------------------------------------
    def _parse(self, iri: str, digest: str, content: str) -> Scheme:
        with self._lock:
            if digest in self._cache:
                self._cache.move_to_end(digest)
                return self._cache[digest]
        scheme = read_scheme(iri, rdfio.parse_canonical(content))
        with self._lock:
            self._cache[digest] = scheme
            while len(self._cache) > CACHED_VERSIONS:
                self._cache.popitem(last=False)
        return scheme

    def _rows(self, slug: str) -> tuple[str, int | None, list[tuple[Version, datetime]]]:
        """The record's IRI, its published version, and its versions published at some time
        (each with when it was first published), oldest first."""
        iri = self.iri(slug)
        with read_session(self.catalog.engine) as s:
            rec = s.exec(select(Record).where(Record.iri == iri, Record.kind == KIND)).first()
            if rec is None or rec.id is None:
                raise NotFound.of("codelists.no_scheme", field="scheme", value=slug)
            first: dict[int, datetime] = {}
            for c in s.exec(select(Change).where(Change.record_id == rec.id, Change.op == "publish")
                            .order_by(col(Change.seq))):
                if c.version_number is not None:
                    first.setdefault(c.version_number, c.at if c.at.tzinfo
                                     else c.at.replace(tzinfo=UTC))
            versions = list(s.exec(select(Version).where(
                Version.record_id == rec.id, col(Version.number).in_(list(first)))
                .order_by(col(Version.number))))
            return iri, rec.published_version, [(v, first[v.number]) for v in versions]

    def versions(self, slug: str) -> list[SchemeVersion]:
        """The versions of a code list published at some time, oldest first."""
        iri, current, rows = self._rows(slug)
        if not rows:
            raise NotFound.of("codelists.no_scheme", field="scheme", value=slug)
        out = []
        for v, at in rows:
            scheme = self._parse(iri, v.content_hash, v.content)
            out.append(SchemeVersion(v.number, v.status, scheme.version_info, at,
                                     len(scheme.concepts), v.number == current))
        return out

    def scheme(self, slug: str, version: int | None = None) -> tuple[Scheme, int]:
        """A published version of a code list (the current one by default) and its number."""
        iri, current, rows = self._rows(slug)
        wanted = version if version is not None else current
        if wanted is None:
            raise NotFound.of("codelists.no_scheme", field="scheme", value=slug)
        for v, _at in rows:
            if v.number == wanted:
                return self._parse(iri, v.content_hash, v.content), v.number
        raise NotFound.of("codelists.no_version", field="version", value=wanted, scheme=slug,
                          expected=", ".join(str(v.number) for v, _ in rows))

    def schemes(self) -> list[SchemeSummary]:
        """Every published code list, by slug."""
        out = []
        with read_session(self.catalog.engine) as s:
            rows = s.exec(select(Record.iri, Version.content_hash, Version.content,
                                 Version.number)
                          .join(Version, (col(Version.record_id) == col(Record.id))
                                & (col(Version.number) == col(Record.published_version)))
                          .where(Record.kind == KIND)).all()
        for iri, digest, content, number in rows:
            slug = self.slug(iri)
            if slug is None:
                continue
            scheme = self._parse(iri, digest, content)
            out.append(SchemeSummary(slug, iri, scheme.titles, number, scheme.version_info,
                                     len(scheme.concepts)))
        return sorted(out, key=lambda s: s.slug)

    # reading a version --------------------------------------------------------------------
    def concept(self, slug: str, key: str, version: int | None = None
                ) -> tuple[Scheme, int, Concept]:
        scheme, number = self.scheme(slug, version)
        found = scheme.by_key.get(key)
        if found is None:
            raise NotFound.of("codelists.no_concept", field="concept", value=key[:128],
                              scheme=slug, version=number)
        return scheme, number, found

    @staticmethod
    def letters(scheme: Scheme, lang: str) -> list[Letter]:
        """The letters of the A-Z index in ``lang``, each with how many concepts it lists."""
        counts: dict[str, int] = {}
        for c in scheme.concepts.values():
            letter = letter_of(c.label(lang))
            counts[letter] = counts.get(letter, 0) + 1
        return [Letter(k, n) for k, n in sorted(counts.items(), key=lambda kv: (
            kv[0] == "#", kv[0]))]

    @staticmethod
    def by_letter(scheme: Scheme, lang: str, letter: str | None) -> list[Concept]:
        """The concepts under ``letter`` (every one without), in alphabetical order."""
        if letter is not None and (len(letter) != 1 or not (letter.isalpha() or letter == "#")):
            raise InvalidInput.of("codelists.bad_letter", field="letter", value=letter[:8],
                                  expected="one letter, or #")
        wanted = letter_of(letter) if letter and letter != "#" else letter
        return scheme.sorted((c for c in scheme.concepts.values()
                              if wanted is None or letter_of(c.label(lang)) == wanted), lang)

    def search(self, slug: str, q: str, *, lang: str | None = None, limit: int = 20,
               cursor: str | None = None) -> SearchPage:
        """The concepts of a code list's current version matching ``q``, through the search
        index (case, diacritics and ş/ș ţ/ț folded; words as prefixes less their endings)."""
        iri = self.iri(slug)
        page = self.catalog.search_index.search(q, lang=lang, limit=limit, cursor=cursor,
                                                kind=KIND, within=iri)
        if not self._published(iri, page.watermark):
            raise NotFound.of("codelists.no_scheme", field="scheme", value=slug)
        return page

    def _published(self, iri: str, mark: int) -> bool:
        """Whether the code list has a published version, as the ledger said when the search
        index was at change ``mark``: asked again only when the index has moved on (a search
        then reads the index alone). Only code lists that exist are
        remembered, so unknown names cannot grow the memo."""
        with self._lock:
            if self._listed.get(iri) == mark:
                return True
        with read_session(self.catalog.engine) as s:
            current = s.exec(select(Record.published_version).where(
                Record.iri == iri, Record.kind == KIND)).first()
        with self._lock:
            if current is None:
                self._listed.pop(iri, None)
            else:
                self._listed[iri] = mark
        return current is not None

    def diff(self, slug: str, old: int, new: int) -> SchemeDiff:
        a, _ = self.scheme(slug, old)
        b, _ = self.scheme(slug, new)
        return diff_schemes(a, b)
