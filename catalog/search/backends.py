"""The two index back ends: SQLite FTS5 and PostgreSQL full-text (tsvector + GIN).

Both hold the same rows table ``search_doc`` (one row per published service: its code, IRI and
original texts as JSON) and index the folded words of :mod:`catalog.search.analysis`, so the
two agree on what matches; only the ranking functions differ (FTS5 ``bm25`` with column weights,
PostgreSQL ``ts_rank`` with A-D weights). Every query text they receive is built from folded
words (letters and digits only) and bound as a parameter, never formatted into SQL.

A search has two tiers: the services whose titles hold every term, then the others. A tier is
ranked by relevance (ties in index order) when it has at most ``rank_window`` matches; a larger
one (a very broad query on a very large catalogue) is given in index order instead, so that a
page never costs a relevance score for every match. Index order is the order in which services
were first indexed: a service keeps its row id through new versions and rebuilds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import Connection, bindparam, text

from catalog.search.analysis import Terms
from catalog.search.documents import BUCKETS, FIELDS, SearchDocument

#: Column weights for bm25 (SQLite) by field.
FIELD_WEIGHTS = {"title": 10.0, "keywords": 5.0, "description": 2.0, "evidence": 1.0,
                 "outputs": 1.0}
#: PostgreSQL weight letters by field, and ts_rank's weights for D, C, B, A.
PG_LETTERS = {"title": "A", "keywords": "B", "description": "C", "evidence": "D",
              "outputs": "D"}
PG_RANK_WEIGHTS = "{0.1, 0.2, 0.5, 1.0}"
_PG_MAX_POSITION = 16383  # PostgreSQL's largest tsvector position
_PG_MAX_POSITIONS = 255  # positions kept per lexeme (PostgreSQL keeps at most 256)

Row = tuple[int, float | None]  # document id, score (None: not ranked)


class Backend(Protocol):
    def insert(self, conn: Connection, rows: Sequence[tuple[int, SearchDocument]]) -> None: ...
    def delete(self, conn: Connection, ids: Sequence[int]) -> None: ...
    def clear(self, conn: Connection) -> None: ...
    def count(self, conn: Connection, terms: Terms, lang: str | None) -> tuple[int, int]: ...
    def page(self, conn: Connection, terms: Terms, lang: str | None, tier: int, ranked: bool,
             limit: int, offset: int) -> list[Row]: ...
    def explain(self, conn: Connection, terms: Terms, lang: str | None) -> list[str]: ...


def _buckets(lang: str | None) -> tuple[str, ...]:
    return (lang,) if lang else BUCKETS


def _doc_params(doc_id: int, doc: SearchDocument) -> dict[str, Any]:
    title, texts = doc.dumps()
    return {"id": doc_id, "iri": doc.iri, "code": doc.code, "title": title, "texts": texts}


_INSERT_DOC = ("INSERT INTO search_doc (id, iri, code, title, texts{extra}) "
               "VALUES (:id, :iri, :code, :title, :texts{values})")
_DELETE_DOCS = text("DELETE FROM search_doc WHERE id IN :ids").bindparams(
    bindparam("ids", expanding=True))


# --- SQLite FTS5 ---------------------------------------------------------------------------
COLUMNS = tuple(f"{field}_{b}" for b in BUCKETS for field in FIELDS)
_BM25 = "bm25(search_fts, {})".format(
    ", ".join(str(FIELD_WEIGHTS[c.rsplit("_", 1)[0]]) for c in COLUMNS))


def fts_expression(terms: Terms, lang: str | None, tier: int | None) -> str:
    """The FTS5 query of ``terms``: ``tier`` 0 in the titles, 1 not in the titles, None all.

    Each term is one folded word in double quotes (it holds no quote), the last a prefix."""
    words = [f'"{w}"' for w in terms.exact] + ([f'"{terms.prefix}"*'] if terms.prefix else [])
    expr = " AND ".join(words)
    every = "{" + " ".join(f"{f}_{b}" for b in _buckets(lang) for f in FIELDS) + "}"
    titles = "{" + " ".join(f"title_{b}" for b in _buckets(lang)) + "}"
    anywhere = f"{every}: ({expr})"
    in_titles = f"{titles}: ({expr})"
    if tier == 0:
        return in_titles
    if tier == 1:
        return f"({anywhere}) NOT ({in_titles})"
    return anywhere


class SqliteBackend:
    def insert(self, conn: Connection, rows: Sequence[tuple[int, SearchDocument]]) -> None:
        if not rows:
            return
        conn.execute(text(_INSERT_DOC.format(extra="", values="")),
                     [_doc_params(i, d) for i, d in rows])
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

    def count(self, conn: Connection, terms: Terms, lang: str | None) -> tuple[int, int]:
        row = conn.execute(text(
            "SELECT (SELECT count(*) FROM search_fts WHERE search_fts MATCH :t), "
            "(SELECT count(*) FROM search_fts WHERE search_fts MATCH :a)"),
            {"t": fts_expression(terms, lang, 0), "a": fts_expression(terms, lang, None)}).one()
        return int(row[0]), int(row[1])

    def page(self, conn: Connection, terms: Terms, lang: str | None, tier: int, ranked: bool,
             limit: int, offset: int) -> list[Row]:
        params = {"q": fts_expression(terms, lang, tier), "n": limit, "o": offset}
        if not ranked:
            rows = conn.execute(text("SELECT rowid FROM search_fts WHERE search_fts MATCH :q "
                                     "ORDER BY rowid LIMIT :n OFFSET :o"), params)
            return [(int(r[0]), None) for r in rows]
        rows = conn.execute(text(
            f"SELECT rowid, {_BM25} AS r FROM search_fts WHERE search_fts MATCH :q "  # noqa: S608
            "ORDER BY r, rowid LIMIT :n OFFSET :o"), params)
        return [(int(r[0]), -float(r[1])) for r in rows]

    def explain(self, conn: Connection, terms: Terms, lang: str | None) -> list[str]:
        rows = conn.execute(text("EXPLAIN QUERY PLAN SELECT rowid FROM search_fts "
                                 "WHERE search_fts MATCH :q"),
                            {"q": fts_expression(terms, lang, None)})
        return [str(r[-1]) for r in rows]


# --- PostgreSQL ----------------------------------------------------------------------------
def tsvector_literal(doc: SearchDocument, fields: Sequence[str] = FIELDS) -> str:
    """The document's words as a tsvector literal: each word tagged with its language bucket
    (``ro_certificat``), with its positions and the weight letter of its field."""
    positions: dict[str, list[str]] = defaultdict(list)
    pos = 0
    for b in BUCKETS:
        for field in fields:
            letter = PG_LETTERS[field]
            for w in doc.words(field, b):
                pos = min(pos + 1, _PG_MAX_POSITION)
                kept = positions[f"{b}_{w}"]
                if len(kept) < _PG_MAX_POSITIONS:
                    kept.append(f"{pos}{letter}")
    return " ".join(f"'{lexeme}':{','.join(p)}" for lexeme, p in positions.items())


def tsquery_literal(terms: Terms, lang: str | None) -> str:
    """The tsquery of ``terms``: every term, in one of the language buckets asked for."""
    def one(word: str, prefix: bool) -> str:
        star = ":*" if prefix else ""
        return "(" + " | ".join(f"'{b}_{word}'{star}" for b in _buckets(lang)) + ")"

    parts = [one(w, False) for w in terms.exact]
    if terms.prefix:
        parts.append(one(terms.prefix, True))
    return " & ".join(parts)


_PG_TIERS = {
    0: "title_tsv @@ CAST(:q AS tsquery)",
    1: "tsv @@ CAST(:q AS tsquery) AND NOT (title_tsv @@ CAST(:q AS tsquery))",
}


class PostgresBackend:
    def insert(self, conn: Connection, rows: Sequence[tuple[int, SearchDocument]]) -> None:
        if not rows:
            return
        sql = _INSERT_DOC.format(extra=", tsv, title_tsv",
                                 values=", CAST(:tsv AS tsvector), CAST(:tt AS tsvector)")
        conn.execute(text(sql), [{**_doc_params(i, d), "tsv": tsvector_literal(d),
                                  "tt": tsvector_literal(d, ("title",))} for i, d in rows])

    def delete(self, conn: Connection, ids: Sequence[int]) -> None:
        if ids:
            conn.execute(_DELETE_DOCS, {"ids": list(ids)})

    def clear(self, conn: Connection) -> None:
        conn.execute(text("DELETE FROM search_doc"))

    def count(self, conn: Connection, terms: Terms, lang: str | None) -> tuple[int, int]:
        row = conn.execute(text(
            "SELECT count(*) FILTER (WHERE title_tsv @@ CAST(:q AS tsquery)), count(*) "
            "FROM search_doc WHERE tsv @@ CAST(:q AS tsquery)"),
            {"q": tsquery_literal(terms, lang)}).one()
        return int(row[0]), int(row[1])

    def page(self, conn: Connection, terms: Terms, lang: str | None, tier: int, ranked: bool,
             limit: int, offset: int) -> list[Row]:
        params = {"q": tsquery_literal(terms, lang), "n": limit, "o": offset,
                  "w": PG_RANK_WEIGHTS}
        where = _PG_TIERS[tier]
        if not ranked:
            rows = conn.execute(text(f"SELECT id FROM search_doc WHERE {where} "  # noqa: S608
                                     "ORDER BY id LIMIT :n OFFSET :o"), params)
            return [(int(r[0]), None) for r in rows]
        rows = conn.execute(text(
            "SELECT id, ts_rank(CAST(:w AS real[]), tsv, CAST(:q AS tsquery)) AS r "  # noqa: S608
            f"FROM search_doc WHERE {where} ORDER BY r DESC, id LIMIT :n OFFSET :o"), params)
        return [(int(r[0]), float(r[1])) for r in rows]

    def explain(self, conn: Connection, terms: Terms, lang: str | None) -> list[str]:
        rows = conn.execute(text("EXPLAIN SELECT id FROM search_doc "
                                 "WHERE tsv @@ CAST(:q AS tsquery)"),
                            {"q": tsquery_literal(terms, lang)})
        return [str(r[0]) for r in rows]
