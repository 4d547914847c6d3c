"""Full-text search over the published service passports: another projection of the ledger.

The index lives in the ledger's database (SQLite FTS5, or PostgreSQL tsvector + GIN) and
follows the ledger as the quad store does: :meth:`SearchIndex.catch_up` applies every change
after its watermark in sequence order (a publish indexes or replaces the passport's row, a
withdrawal removes it), writing the watermark in the same transaction as the rows it covers,
and :meth:`SearchIndex.rebuild` rebuilds it all from the ledger. Only services are indexed.

Search covers titles, keywords, descriptions, evidence and output names in Romanian, Russian
and English, with case, diacritics and ş/ș ţ/ț folded; every word must match, each as a prefix
less its ending, so that inflected forms find each other (:func:`analysis.parse_query`).
Services whose titles hold every word come first, each tier ranked by relevance. A search
ranks a bounded set of candidates, and counts exactly up to :data:`COUNT_LIMIT` matches
(``total_is_lower_bound`` beyond): see :mod:`catalog.search.backends`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, bindparam, text

from catalog import rdfio
from catalog.errors import InvalidInput
from catalog.ledger import ChangeRow, Ledger
from catalog.ledger.db import WRITE_OPTION, is_sqlite, reachable
from catalog.projections import Follower
from catalog.projections.search.analysis import (
    MAX_QUERY_CHARS,
    Terms,
    check_query,
    highlight,
    marked,
    parse_query,
)
from catalog.projections.search.backends import Backend, PostgresBackend, SqliteBackend, StoredDoc
from catalog.projections.search.documents import (
    BUCKETS,
    FIELDS,
    LANGS,
    LONG_FIELDS,
    SearchDocument,
    load_texts,
)
from catalog.records.builtin import builtin_kinds
from catalog.records.kinds import Kinds, RecordKind

__all__ = [
    "COUNT_LIMIT",
    "LANGS",
    "MAX_LIMIT",
    "MAX_QUERY_CHARS",
    "Highlight",
    "Hit",
    "SearchDocument",
    "SearchIndex",
    "SearchPage",
    "check_query",
    "marked",
]

log = logging.getLogger(__name__)

#: Changes read from the ledger, and documents written, per transaction.
BATCH = 500
#: Each kind's documents have ids in a range of their own (:meth:`SearchIndex._slot`).
SLOT_BITS = 40
#: Largest page.
MAX_LIMIT = 100
#: Matches counted exactly, and candidates ranked per kind (title matches, any matches).
COUNT_LIMIT = 1000
#: Most highlights per hit, and per field of a hit.
MAX_HIGHLIGHTS, MAX_FIELD_HIGHLIGHTS = 8, 3


@dataclass(frozen=True)
class Highlight:
    """A matching text of a hit: ``html`` is the text HTML-escaped, in its original spelling,
    with ``<mark>…</mark>`` around each matching word (a long description: the words around
    the first match, with ``…`` where it is cut)."""

    field: str  # title | keywords | description | evidence | outputs
    lang: str  # ro | en | ru | und (another language, or none)
    html: str


@dataclass(frozen=True)
class Hit:
    code: str
    iri: str
    title: dict[str, str]
    score: float  # higher is better; comparable within a tier of one answer
    tier: int  # 0: every word is in the title; 1: elsewhere
    highlights: tuple[Highlight, ...]


@dataclass(frozen=True)
class SearchPage:
    query: str
    lang: str | None
    hits: tuple[Hit, ...]
    total: int  # matches; when total_is_lower_bound, at least this many
    total_is_lower_bound: bool  # more than COUNT_LIMIT matches: pages end with the candidates
    next_cursor: str | None
    watermark: int  # the change sequence the index had reached when it answered


class SearchIndex:
    """The search index in ``engine``'s database (tables of migration 0004)."""

    name = "search"

    def __init__(self, engine: Engine, *, count_limit: int = COUNT_LIMIT,
                 kinds: Kinds | None = None) -> None:
        self.engine = engine
        self.count_limit = count_limit
        self.kinds = kinds if kinds is not None else builtin_kinds()
        self._slots: dict[str, int] = {}
        self.backend: Backend = SqliteBackend() if is_sqlite(engine) else PostgresBackend()
        self._lock = threading.Lock()

    # transactions -------------------------------------------------------------------
    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A write transaction holding the index's state row (SQLite: BEGIN IMMEDIATE)."""
        with self.engine.connect() as conn:
            conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                yield conn

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        """One snapshot for the counts, the page and the watermark (SQLite: one read
        transaction; PostgreSQL: one statement)."""
        with reachable(), self.engine.connect() as conn, conn.begin():
            yield conn

    @staticmethod
    def _mark(conn: Connection, *, lock: bool = False) -> int:
        sql = "SELECT watermark FROM search_state WHERE id = 1"
        if lock and conn.dialect.name == "postgresql":
            sql += " FOR UPDATE"
        return int(conn.execute(text(sql)).scalar_one())

    @staticmethod
    def _set_mark(conn: Connection, seq: int) -> None:
        conn.execute(text("UPDATE search_state SET watermark = :s WHERE id = 1"), {"s": seq})

    # following the ledger ------------------------------------------------------------
    def watermark(self) -> int:
        """The last change sequence the index covers."""
        with self.engine.connect() as conn:
            return self._mark(conn)

    def catch_up(self, ledger: Ledger) -> int:
        """Apply every change after the watermark; returns how many changes were read."""
        return Follower(self, ledger).catch_up()

    def apply(self, rows: Sequence[ChangeRow], since: int) -> bool:
        changes: dict[str, tuple[str, SearchDocument | None]] = {}  # the last change wins
        members: dict[str, list[SearchDocument]] = {}
        for r in rows:
            kind = self.kinds.get(r.kind)
            if kind is None or r.op not in ("publish", "withdraw"):
                continue
            if kind.search is not None:
                changes[r.iri] = (r.kind, SearchDocument.parse(r.iri, r.content, kind)
                                  if r.op == "publish" and r.content else None)
            if kind.member_search is not None:
                members[r.iri] = _members(kind, r.iri, r.content) if r.op == "publish" else []
        with self._lock, self._writing() as conn:
            if self._mark(conn, lock=True) != since:
                return False  # another process moved it meanwhile: read again
            self._replace(conn, changes)
            self._replace_members(conn, members)
            self.backend.written(conn)
            self._set_mark(conn, rows[-1].seq)
        return True

    def rebuild(self, ledger: Ledger) -> int:
        """Index every published record of a searchable kind afresh, in one transaction;
        returns how many.

        A record keeps its row id, so the index order of broad queries survives a rebuild."""
        with self._lock:
            seq = ledger.last_seq()  # what is published below is at least this recent
            count = 0
            with self._writing() as conn:
                self._mark(conn, lock=True)
                ids = {str(iri): int(i) for iri, i in
                       conn.execute(text("SELECT iri, id FROM search_doc"))}
                self.backend.clear(conn)
                for kind in self.kinds:
                    if kind.search is None:
                        continue
                    slot = self._slot(conn, kind.name, create=True)
                    assert slot is not None
                    next_id = _next_id(ids.values(), slot)
                    iris = sorted(ledger.published_iris(kind.name))
                    for start in range(0, len(iris), BATCH):
                        content = ledger.published(iris=iris[start:start + BATCH])
                        rows: list[tuple[int, SearchDocument]] = []
                        for iri in iris[start:start + BATCH]:
                            doc = SearchDocument.parse(iri, content[iri], kind) \
                                if iri in content else None
                            if doc is None:
                                continue
                            if iri not in ids or not _in_slot(ids[iri], slot):
                                ids[iri], next_id = next_id, next_id + 1
                            rows.append((ids[iri], doc))
                        self.backend.insert(conn, sorted(rows, key=lambda r: r[0]))
                        count += len(rows)
                for kind in self.kinds:
                    if kind.member_search is None:
                        continue
                    iris = sorted(ledger.published_iris(kind.name))
                    for start in range(0, len(iris), BATCH):
                        content = ledger.published(iris=iris[start:start + BATCH])
                        self._replace_members(conn, {iri: _members(kind, iri, content[iri])
                                                     for iri in content})
                self.backend.written(conn)
                self._set_mark(conn, seq)
            return count

    def load(self, docs: Sequence[SearchDocument], kind: str = "service") -> None:
        """Index documents that do not come from the ledger, replacing those of the same IRI
        (bulk loads for benchmarks); the watermark does not move."""
        with self._lock, self._writing() as conn:
            for start in range(0, len(docs), BATCH):
                self._replace(conn, {d.iri: (kind, d) for d in docs[start:start + BATCH]})
            self.backend.written(conn)

    # the id range of each kind ---------------------------------------------------------
    def _slot(self, conn: Connection, kind: str, *, create: bool = False) -> int | None:
        """The kind's slot: its documents have ids in ``[slot << 40, (slot + 1) << 40)``, so
        a search of one kind is a range of the index (services have slot 0)."""
        if kind in self._slots:
            return self._slots[kind]
        found = conn.execute(text("SELECT slot FROM search_kind WHERE name = :k"),
                             {"k": kind}).scalar_one_or_none()
        if found is None:
            if not create:
                return None
            found = int(conn.execute(text("SELECT coalesce(max(slot), -1) + 1 FROM search_kind"))
                        .scalar_one())
            conn.execute(text("INSERT INTO search_kind (name, slot) VALUES (:k, :s)"),
                         {"k": kind, "s": found})
        self._slots[kind] = int(found)
        return int(found)

    def _replace_members(self, conn: Connection,
                         members: dict[str, list[SearchDocument]]) -> None:
        """Each record's member documents in place of those it had: the members of a record
        have a slot of their own (:func:`member_slot`), so its search is a range."""
        for iri, docs in members.items():
            slot = self._slot(conn, member_slot(iri), create=bool(docs))
            if slot is None:
                continue
            lo, hi = slot << SLOT_BITS, (slot + 1) << SLOT_BITS
            old = [int(i) for i in conn.execute(text(
                "SELECT id FROM search_doc WHERE id > :lo AND id < :hi"),
                {"lo": lo, "hi": hi}).scalars()]
            for start in range(0, len(old), BATCH):
                self.backend.delete(conn, old[start:start + BATCH])
            rows = [(lo + n + 1, d) for n, d in enumerate(docs)]
            for start in range(0, len(rows), BATCH):
                self.backend.insert(conn, rows[start:start + BATCH])

    def _replace(self, conn: Connection,
                 changes: dict[str, tuple[str, SearchDocument | None]]) -> None:
        if not changes:
            return
        ids = {str(iri): int(i) for iri, i in conn.execute(
            text("SELECT iri, id FROM search_doc WHERE iri IN :iris").bindparams(
                bindparam("iris", expanding=True)), {"iris": list(changes)})}
        self.backend.delete(conn, list(ids.values()))
        rows: list[tuple[int, SearchDocument]] = []
        next_ids: dict[int, int] = {}
        for iri, (kind, doc) in changes.items():
            if doc is None:
                continue
            slot = self._slot(conn, kind, create=True)
            assert slot is not None
            if iri not in ids or not _in_slot(ids[iri], slot):
                if slot not in next_ids:
                    # past the rows left AND the rows of this batch keeping their ids (deleted
                    # above, written again below): a new record never takes a replaced one's id
                    lo, hi = slot << SLOT_BITS, (slot + 1) << SLOT_BITS
                    stored = int(conn.execute(text(
                        "SELECT coalesce(max(id), :lo) FROM search_doc "
                        "WHERE id > :lo AND id < :hi"), {"lo": lo, "hi": hi}).scalar_one())
                    next_ids[slot] = max([stored, *(i for i in ids.values()
                                                    if _in_slot(i, slot))]) + 1
                ids[iri], next_ids[slot] = next_ids[slot], next_ids[slot] + 1
            rows.append((ids[iri], doc))
        self.backend.insert(conn, rows)

    # searching -----------------------------------------------------------------------
    def search(self, q: str, *, lang: str | None = None, limit: int = 20,
               cursor: str | None = None, kind: str = "service",
               within: str | None = None) -> SearchPage:
        """One page of the records of ``kind`` (services by default) matching ``q`` (see the
        module's docstring); ``within``: of the members of that record of ``kind`` instead
        (the concepts of a code list)."""
        q = check_query(q)
        if lang is not None and lang not in LANGS:
            raise InvalidInput.of("search.unknown_lang", field="lang", value=lang,
                                  expected=", ".join(LANGS))
        if not 1 <= limit <= MAX_LIMIT:
            raise InvalidInput.of("search.limit", field="limit", value=limit,
                                  expected=f"1..{MAX_LIMIT}", low=1, high=MAX_LIMIT)
        terms = parse_query(q)
        spec = self.kinds[kind]
        if within is not None and spec.member_search is None:
            raise InvalidInput(f"{spec.labels['en']} records have no members searched",
                               field="kind", value=kind)
        if spec.search is None and within is None:
            raise InvalidInput(f"{spec.labels['en']} records are not searched", field="kind",
                               value=kind, message_ro=f"înregistrările {spec.labels['ro']} nu "
                               "sunt căutate", expected=", ".join(
                                   k.name for k in self.kinds if k.search is not None))
        scope = _scope(terms, lang) if kind == "service" and within is None \
            else _scope(terms, f"{lang}|{kind}|{within or ''}")
        offset = _offset(cursor, scope) if cursor else 0
        with self._reading() as conn:
            slot = self._slot(conn, kind if within is None else member_slot(within))
            if terms.empty or slot is None:
                return SearchPage(q, lang, (), 0, False, None, self._mark(conn))
            found = self.backend.search(conn, terms, lang, self.count_limit, offset, limit,
                                        (slot << SLOT_BITS, (slot + 1) << SLOT_BITS))
        cap = self.count_limit
        bound = found.in_titles > cap or (found.matches or 0) > cap
        total = cap if bound else (found.matches or 0)
        hits = tuple(_hit(doc, score, tier, terms, lang) for tier, score, doc in found.page)
        after = offset + len(found.page)
        more = found.others is None or after < min(found.in_titles, cap) + found.others
        return SearchPage(q, lang, hits, total, bound,
                          _cursor(after, scope) if found.page and more else None,
                          found.watermark)

    def explain(self, q: str, *, lang: str | None = None) -> list[str]:
        """The database's plan for the match of ``q`` (to check that the index is used)."""
        with self._reading() as conn:
            return self.backend.explain(conn, parse_query(check_query(q)), lang)


# --- helpers -------------------------------------------------------------------------------
def member_slot(iri: str) -> str:
    """The name of the slot of a record's members (fits ``search_kind.name``, 32 characters)."""
    return "~" + hashlib.sha256(iri.encode()).hexdigest()[:31]


def _members(kind: RecordKind, iri: str, content: str | None) -> list[SearchDocument]:
    if not content:
        return []
    try:
        return SearchDocument.members_of(kind, iri, rdfio.parse_canonical(content))
    except (SyntaxError, ValueError) as exc:
        log.warning("search: the members of %s are not indexed: %s", iri, exc)
        return []


def _in_slot(doc_id: int, slot: int) -> bool:
    return doc_id >> SLOT_BITS == slot


def _next_id(ids: Iterable[int], slot: int) -> int:
    return max((i for i in ids if _in_slot(i, slot)), default=slot << SLOT_BITS) + 1


def _hit(doc: StoredDoc, score: float, tier: int, terms: Terms, lang: str | None) -> Hit:
    title, texts = load_texts(doc.title, doc.texts)
    out: list[Highlight] = []
    for field in FIELDS:
        n = 0
        for b in (lang,) if lang else BUCKETS:
            for value, folded in texts.get(field, {}).get(b, []):
                if n == MAX_FIELD_HIGHLIGHTS or len(out) == MAX_HIGHLIGHTS:
                    break
                marked_html = highlight(value, terms, snippet=field in LONG_FIELDS,
                                        folded=folded)
                if marked_html is not None:
                    out.append(Highlight(field, b, marked_html))
                    n += 1
    return Hit(doc.code, doc.iri, title, score, tier, tuple(out))


def _scope(terms: Terms, lang: str | None) -> str:
    """What a cursor belongs to: the parsed query and the language."""
    return hashlib.sha256(f"{terms.fingerprint()}|{lang or ''}".encode()).hexdigest()[:16]


def _cursor(offset: int, scope: str) -> str:
    raw = json.dumps({"o": offset, "s": scope}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _offset(cursor: str, scope: str) -> int:
    bad = InvalidInput.of("search.cursor", field="cursor", value=cursor[:64],
                          expected="the next_cursor of the previous page")
    if len(cursor) > 200:
        raise bad
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error) as exc:
        raise bad from exc
    if not isinstance(data, dict) or data.get("s") != scope:
        raise bad
    offset = data.get("o")
    if not isinstance(offset, int) or isinstance(offset, bool) or not 0 <= offset <= 10**9:
        raise bad
    return offset
