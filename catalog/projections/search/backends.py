"""The two index back ends: SQLite FTS5 and PostgreSQL full-text (tsvector + GIN).

Both hold the same rows table ``search_doc`` (one row per published service: its code, IRI and
original texts as JSON) and index the folded words of :mod:`catalog.search.analysis`, so the
two agree on what matches; only the ranking functions differ (FTS5 ``bm25`` with column weights,
PostgreSQL ``ts_rank`` with A-D weights). Every query text they receive is built from folded
words (letters and digits only) and bound as a parameter, never formatted into SQL.

**Candidates.** A search never visits every match. Its candidates are its first ``limit``
(1,000) title matches and the other matches among its first ``limit`` matches, in index order;
those are ranked, title matches first (tier 0, ranked by their titles), then the others (tier
1, ranked by every field, weighted), and paged. Up to ``limit`` matches the candidates are every
match and the count is exact; beyond, the count says ``limit`` (a lower bound) and the pages end
with the candidates. The first title matches alone are looked for when they pass the limit and
the page stays among them (the usual case of a broad query), so such a page costs one bounded
scan. Index order costs nothing: FTS5 yields rowids (``search_doc.id``, which a service keeps
through new versions and rebuilds) in order, and PostgreSQL yields rows in storage order whether
it scans a table or a bitmap of its GIN index (id order after a rebuild; a service re-indexed
since has moved). PostgreSQL therefore reads with parallel and synchronised scans off, so that
the order is the same for every reader, and with custom plans (the driver prepares repeated
statements, and a generic plan cannot tell a rare word from a common one). Its key tables are
narrow, one tsvector each, kept in line, and the titles have their own, so that a candidate
costs a short row read.

**Ranking.** Each query word is an alternative of the word as typed and its stem as a prefix
(``"pensie" OR "pensi"*``), so a word typed in full scores twice: exact forms above other forms.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Connection, bindparam, text

from catalog.projections.search.analysis import Term, Terms
from catalog.projections.search.documents import BUCKETS, FIELDS, SearchDocument

#: Column weights for bm25 (SQLite) by field; tier 0 is ranked by its titles alone.
FIELD_WEIGHTS = {"title": 10.0, "keywords": 5.0, "description": 2.0, "evidence": 1.0,
                 "outputs": 1.0}
#: PostgreSQL weight letters by field, and ts_rank's weights for D, C, B, A.
PG_LETTERS = {"title": "A", "keywords": "B", "description": "C", "evidence": "D",
              "outputs": "D"}
PG_RANK_WEIGHTS = "{0.1, 0.2, 0.5, 1.0}"
_PG_MAX_POSITION = 16383  # PostgreSQL's largest tsvector position
#: Positions kept per word and document: ts_rank weighs the first occurrences most, so more
#: would change little but the row's size.
_PG_MAX_POSITIONS = 8


@dataclass(frozen=True)
class StoredDoc:
    code: str
    iri: str
    title: str  # JSON
    texts: str  # JSON


@dataclass(frozen=True)
class Found:
    """One page of a query's candidates, and what was counted on the way."""

    watermark: int
    page: list[tuple[int, float, StoredDoc]]  # (tier, score, document), in answer order
    in_titles: int  # title matches seen, at most limit + 1
    matches: int | None  # matches seen, at most limit + 1; None: not counted (title matches
    # alone passed the limit and the page stays in tier 0)
    others: int | None  # tier 1 candidates; None: not looked for (as ``matches``)


class Backend(Protocol):
    def insert(self, conn: Connection, rows: Sequence[tuple[int, SearchDocument]]) -> None: ...
    def delete(self, conn: Connection, ids: Sequence[int]) -> None: ...
    def clear(self, conn: Connection) -> None: ...
    def written(self, conn: Connection) -> None: ...
    def search(self, conn: Connection, terms: Terms, lang: str | None, limit: int,
               offset: int, n: int, ids: tuple[int, int]) -> Found: ...
    def explain(self, conn: Connection, terms: Terms, lang: str | None) -> list[str]: ...


def _buckets(lang: str | None) -> tuple[str, ...]:
    return (lang,) if lang else BUCKETS


def _doc_params(doc_id: int, doc: SearchDocument) -> dict[str, Any]:
    title, texts = doc.dumps()
    return {"id": doc_id, "iri": doc.iri, "code": doc.code, "title": title, "texts": texts}


def _deep(offset: int, n: int, limit: int) -> bool:
    """True when a page may reach past the title candidates (tier 1 must be looked for)."""
    return offset + n >= limit


_INSERT_DOC = text("INSERT INTO search_doc (id, iri, code, title, texts) "
                   "VALUES (:id, :iri, :code, :title, :texts)")
_DELETE_DOCS = text("DELETE FROM search_doc WHERE id IN :ids").bindparams(
    bindparam("ids", expanding=True))
_WATERMARK = text("SELECT watermark FROM search_state WHERE id = 1")


# --- SQLite FTS5 ---------------------------------------------------------------------------
COLUMNS = tuple(f"{field}_{b}" for b in BUCKETS for field in FIELDS)


def _bm25(titles_only: bool) -> str:
    weights = (FIELD_WEIGHTS[c.rsplit("_", 1)[0]] if not titles_only or c.startswith("title_")
               else 0.0 for c in COLUMNS)
    return "bm25(search_fts, {})".format(", ".join(str(w) for w in weights))


def _fts_term(t: Term) -> str:
    # each word is folded letters and digits: it holds no quote
    return f'("{t.word}" OR "{t.stem}"*)' if t.prefix else f'"{t.word}"'


def fts_expression(terms: Terms, lang: str | None, tier: int | None) -> str:
    """The FTS5 query of ``terms``: ``tier`` 0 in the titles, 1 not in the titles, None all."""
    expr = " AND ".join(_fts_term(t) for t in terms.terms)
    every = "{" + " ".join(f"{f}_{b}" for b in _buckets(lang) for f in FIELDS) + "}"
    titles = "{" + " ".join(f"title_{b}" for b in _buckets(lang)) + "}"
    anywhere = f"{every}: ({expr})"
    in_titles = f"{titles}: ({expr})"
    if tier == 0:
        return in_titles
    if tier == 1:
        return f"({anywhere}) NOT ({in_titles})"
    return anywhere


#: the first ``:n`` matches in index order: how many, and the last of the first ``:limit``
_FTS_FIRST = text("SELECT count(*), max(CASE WHEN rn <= :limit THEN rowid END) FROM ("
                  "SELECT rowid, row_number() OVER (ORDER BY rowid) AS rn FROM ("
                  "SELECT rowid FROM search_fts WHERE search_fts MATCH :q "
                  "AND rowid > :lo AND rowid < :hi ORDER BY rowid LIMIT :n))")
#: the first ``:n`` title matches in index order, scored; of the first ``:limit``, the ``:k``
#: best (bm25 is better when lower), each row with how many there were: the ranking is done
#: by SQLite, and only a page's worth of rows comes back
_FTS_TITLES = text("SELECT rowid, score, total FROM ("  # noqa: S608
                   "SELECT rowid, score, row_number() OVER (ORDER BY rowid) AS rn, "
                   "count(*) OVER () AS total FROM ("
                   f"SELECT rowid, {_bm25(True)} AS score FROM search_fts "
                   "WHERE search_fts MATCH :q AND rowid > :lo AND rowid < :hi "
                   "ORDER BY rowid LIMIT :n)) WHERE rn <= :limit ORDER BY score, rowid LIMIT :k")
#: title matches up to rowid ``:last`` (among the first ``:n``)
_FTS_TITLES_UPTO = text("SELECT count(*) FROM (SELECT rowid FROM search_fts "
                        "WHERE search_fts MATCH :q AND rowid > :lo AND rowid <= :last "
                        "ORDER BY rowid LIMIT :n)")
_FTS_OTHERS = text(f"SELECT rowid, {_bm25(False)} FROM search_fts "  # noqa: S608
                   "WHERE search_fts MATCH :q AND rowid > :lo AND rowid <= :last")


class SqliteBackend:
    def insert(self, conn: Connection, rows: Sequence[tuple[int, SearchDocument]]) -> None:
        if not rows:
            return
        conn.execute(_INSERT_DOC, [_doc_params(i, d) for i, d in rows])
        cols = ", ".join(COLUMNS)
        marks = ", ".join(f":c{n}" for n in range(len(COLUMNS)))
        conn.execute(
            text(f"INSERT INTO search_fts (rowid, {cols}) VALUES (:id, {marks})"),  # noqa: S608
            [{"id": i, **{f"c{n}": d.column_text(*c.rsplit("_", 1))
                          for n, c in enumerate(COLUMNS)}} for i, d in rows])

    def delete(self, conn: Connection, ids: Sequence[int]) -> None:
        if ids:
            conn.execute(_DELETE_DOCS, {"ids": list(ids)})
            conn.execute(text("DELETE FROM search_fts WHERE rowid IN :ids").bindparams(
                bindparam("ids", expanding=True)), {"ids": list(ids)})

    def clear(self, conn: Connection) -> None:
        conn.execute(text("DELETE FROM search_doc"))
        conn.execute(text("DELETE FROM search_fts"))

    def written(self, conn: Connection) -> None:
        pass

    def search(self, conn: Connection, terms: Terms, lang: str | None, limit: int,
               offset: int, n: int, ids: tuple[int, int]) -> Found:
        mark = int(conn.execute(_WATERMARK).scalar_one())
        lo, hi = ids
        in_titles_q = fts_expression(terms, lang, 0)
        rows = conn.execute(_FTS_TITLES, {"q": in_titles_q, "n": limit + 1,
                                                "limit": limit, "k": offset + n,
                                                "lo": lo, "hi": hi}).all()
        in_titles = int(rows[0][2]) if rows else 0
        # bm25 is better when lower: scores are its negation
        cands = [(0, -float(r), int(i)) for i, r, _ in rows]
        matches = others = None
        if in_titles <= limit or _deep(offset, n, limit):
            count, top = conn.execute(_FTS_FIRST, {
                "q": fts_expression(terms, lang, None), "n": limit + 1, "limit": limit,
                "lo": lo, "hi": hi}).one()
            matches, last = int(count), int(top or 0)
            if offset + n <= min(in_titles, limit):  # the page stays in tier 0: count tier 1
                upto = in_titles if matches <= limit else int(conn.execute(
                    _FTS_TITLES_UPTO, {"q": in_titles_q, "last": last, "n": limit + 1,
                                             "lo": lo}).scalar_one())
                others = min(matches, limit) - upto
            else:
                rest = [(-float(r), int(i)) for i, r in conn.execute(
                    _FTS_OTHERS, {"q": fts_expression(terms, lang, 1), "last": last,
                                        "lo": lo})]
                others = len(rest)
                cands += [(1, s, i) for s, i in sorted(rest, key=lambda x: (-x[0], x[1]))]
        page = cands[offset:offset + n]
        docs = _documents(conn, [i for _, _, i in page])
        return Found(mark, [(t, s, docs[i]) for t, s, i in page if i in docs], in_titles,
                     matches, others)

    def explain(self, conn: Connection, terms: Terms, lang: str | None) -> list[str]:
        rows = conn.execute(text("EXPLAIN QUERY PLAN SELECT rowid FROM search_fts "
                                 "WHERE search_fts MATCH :q"),
                            {"q": fts_expression(terms, lang, None)})
        return [str(r[-1]) for r in rows]


_DOCUMENTS = text("SELECT id, code, iri, title, texts FROM search_doc WHERE id IN :ids"
                  ).bindparams(bindparam("ids", expanding=True))


def _documents(conn: Connection, ids: list[int]) -> dict[int, StoredDoc]:
    if not ids:
        return {}
    rows = conn.execute(_DOCUMENTS, {"ids": ids})
    return {int(r[0]): StoredDoc(str(r[1]), str(r[2]), str(r[3]), str(r[4])) for r in rows}


# --- PostgreSQL ----------------------------------------------------------------------------
#: The key tables, each one tsvector (``tsv``) per service with a GIN index: the words of every
#: field and of the titles alone, without their language (for searches in every language) and
#: tagged with it (``ro_certificat``: for searches in one language).
PG_KEYS: dict[str | None, tuple[str, str]] = {
    None: ("search_key", "search_title"),
    **dict.fromkeys(BUCKETS, ("search_key_lang", "search_title_lang"))}
_PG_TABLES = ("search_doc", "search_key", "search_title", "search_key_lang",
              "search_title_lang")
_PG_INDEXES = tuple(f"ix_{t}_tsv" for t in _PG_TABLES[1:])


def tsvector_literal(doc: SearchDocument, fields: Sequence[str] = FIELDS, *,
                     tagged: bool = True) -> str:
    """The document's words as a tsvector literal, each with its positions and the weight
    letter of its field; ``tagged``: each word prefixed with its language bucket
    (``ro_certificat``)."""
    positions: dict[str, list[str]] = defaultdict(list)
    pos = 0
    for field in fields:  # titles first: their positions are kept whatever follows
        letter = PG_LETTERS[field]
        for b in BUCKETS:
            for w in doc.words(field, b):
                pos = min(pos + 1, _PG_MAX_POSITION)
                kept = positions[f"{b}_{w}" if tagged else w]
                if len(kept) < _PG_MAX_POSITIONS:
                    kept.append(f"{pos}{letter}")
    return " ".join(f"'{lexeme}':{','.join(p)}" for lexeme, p in positions.items())


def tsquery_literal(terms: Terms, lang: str | None, *, ranking: bool = False,
                    weight: str = "") -> str:
    """The tsquery of ``terms``: every term; with ``lang``, in that language's words.
    ``ranking``: each prefix term also as the word typed, so that exact forms score more;
    ``weight``: only in the fields of that weight letter."""
    tag = f"{lang}_" if lang else ""

    def one(t: Term) -> str:
        if not t.prefix:
            return f"'{tag}{t.word}'" + (f":{weight}" if weight else "")
        if ranking:
            return f"('{tag}{t.word}' | '{tag}{t.stem}':*)"
        return f"'{tag}{t.stem}':*{weight}"

    return " & ".join(one(t) for t in terms.terms)


#: One statement per search (see the module's docstring): the first limit + 1 title matches
#: (t), then, unless those passed the limit and the page stays in tier 0, the first limit + 1
#: matches (m) with whether each is a title match (its words of weight A), ranked when the
#: page reaches them; the page of the candidates with its documents, the counts and the
#: watermark, all in one snapshot.
_PG_SEARCH = """
WITH t AS MATERIALIZED (
    SELECT id, ts_rank(tsv, CAST(:r AS tsquery), 1) AS r
    FROM {titles} WHERE tsv @@ CAST(:q AS tsquery) AND id > :lo AND id < :hi LIMIT :n1
), m AS MATERIALIZED (
    SELECT id, t, r, row_number() OVER () AS k FROM (
        SELECT id, tsv @@ CAST(:qa AS tsquery) AS t,
               CASE WHEN (SELECT least(count(*), :n) FROM t) < :end
                         AND NOT tsv @@ CAST(:qa AS tsquery)
                    THEN ts_rank(CAST(:w AS real[]), tsv, CAST(:r AS tsquery)) END AS r
        FROM {key}
        WHERE tsv @@ CAST(:q AS tsquery) AND id > :lo AND id < :hi
              AND (:deep OR (SELECT count(*) FROM t) <= :n)
        LIMIT :n1) s
), c AS (
    SELECT 0 AS tier, id, r FROM (SELECT id, r FROM t LIMIT :n) t0
    UNION ALL
    SELECT 1, id, r FROM m WHERE NOT t AND k <= :n
), p AS (
    SELECT tier, id, r FROM c ORDER BY tier, r DESC, id LIMIT :page OFFSET :o
)
SELECT w.watermark, (SELECT count(*) FROM t), (SELECT count(*) FROM m),
       (SELECT count(*) FROM c WHERE tier = 1), p.tier, p.r, d.code, d.iri, d.title, d.texts
FROM search_state w
LEFT JOIN (p JOIN search_doc d ON d.id = p.id) ON true
WHERE w.id = 1
ORDER BY p.tier, p.r DESC, p.id
"""
#: Set for the search's transaction only, before its statement is planned.
_PG_READ_SETTINGS = text(
    "SELECT set_config('max_parallel_workers_per_gather', '0', true), "
    "set_config('synchronize_seqscans', 'off', true), "
    "set_config('plan_cache_mode', 'force_custom_plan', true), "
    "set_config('jit', 'off', true)")


class PostgresBackend:
    def insert(self, conn: Connection, rows: Sequence[tuple[int, SearchDocument]]) -> None:
        if not rows:
            return
        conn.execute(_INSERT_DOC, [_doc_params(i, d) for i, d in rows])
        for table, fields, tagged in (("search_key", FIELDS, False),
                                      ("search_title", ("title",), False),
                                      ("search_key_lang", FIELDS, True),
                                      ("search_title_lang", ("title",), True)):
            conn.execute(text(f"INSERT INTO {table} (id, tsv) "  # noqa: S608
                              "VALUES (:id, CAST(:tsv AS tsvector))"),
                         [{"id": i, "tsv": tsvector_literal(d, fields, tagged=tagged)}
                          for i, d in rows])

    def delete(self, conn: Connection, ids: Sequence[int]) -> None:
        for table in _PG_TABLES:
            if ids:
                conn.execute(text(f"DELETE FROM {table} WHERE id IN :ids").bindparams(  # noqa: S608
                    bindparam("ids", expanding=True)), {"ids": list(ids)})

    def clear(self, conn: Connection) -> None:
        for table in _PG_TABLES:
            conn.execute(text(f"DELETE FROM {table}"))  # noqa: S608

    def written(self, conn: Connection) -> None:
        """Move the words just written from the GIN indexes' pending lists into the indexes
        proper, so that no search scans a pending list (where the index's owner may: else
        autovacuum does it later)."""
        conn.execute(text(
            "SELECT gin_clean_pending_list(c.oid) FROM unnest(CAST(:ix AS text[])) AS i "
            "JOIN pg_class c ON c.oid = to_regclass(i) "
            "WHERE pg_has_role(c.relowner, 'USAGE')"), {"ix": list(_PG_INDEXES)})

    def search(self, conn: Connection, terms: Terms, lang: str | None, limit: int,
               offset: int, n: int, ids: tuple[int, int]) -> Found:
        conn.execute(_PG_READ_SETTINGS)
        key, titles_table = PG_KEYS[lang]
        deep = _deep(offset, n, limit)
        rows = conn.execute(text(_PG_SEARCH.format(key=key, titles=titles_table)), {
            "q": tsquery_literal(terms, lang), "qa": tsquery_literal(terms, lang, weight="A"),
            "r": tsquery_literal(terms, lang, ranking=True), "w": PG_RANK_WEIGHTS,
            "n": limit, "n1": limit + 1, "page": n, "o": offset, "end": offset + n,
            "deep": deep, "lo": ids[0], "hi": ids[1]}).all()
        mark, titles, matches, others = (int(v) for v in rows[0][:4])
        counted = titles <= limit or deep
        page = [(int(r[4]), float(r[5]), StoredDoc(r[6], r[7], r[8], r[9]))
                for r in rows if r[4] is not None]
        return Found(mark, page, titles, matches if counted else None,
                     others if counted else None)

    def explain(self, conn: Connection, terms: Terms, lang: str | None) -> list[str]:
        rows = conn.execute(text(f"EXPLAIN SELECT id FROM {PG_KEYS[lang][0]} "  # noqa: S608
                                 "WHERE tsv @@ CAST(:q AS tsquery)"),
                            {"q": tsquery_literal(terms, lang)})
        return [str(r[0]) for r in rows]
