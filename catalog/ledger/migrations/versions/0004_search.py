"""The full-text search index: one row per published service and the index's watermark.

Both: the rows table ``search_doc`` (what results show) and ``search_state`` (the last change
sequence the index covers). SQLite: the FTS5 table ``search_fts`` (one column per field and
language, rowid = ``search_doc.id``) over folded words, so the tokenizer folds nothing.
PostgreSQL: four key tables of one tsvector per service, each with a GIN index: the words of
every field (``search_key``) and of the titles (``search_title``), without their language, and
the same tagged with it (``search_key_lang``, ``search_title_lang``). Key rows are narrow and
kept in line (no TOAST up to 8 KB), because a search reads one per candidate; the titles get
their own table so that scanning for title matches reads few pages.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-08
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

FIELDS = ("title", "keywords", "description", "evidence", "outputs")
BUCKETS = ("ro", "en", "ru", "und")
KEYS = ("search_key", "search_title", "search_key_lang", "search_title_lang")


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    columns = [
        sa.Column("id", sa.BigInteger() if not sqlite else sa.Integer(), primary_key=True,
                  autoincrement=False),
        sa.Column("iri", sa.String(2048), nullable=False, unique=True),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("texts", sa.Text(), nullable=False),
    ]
    op.create_table("search_doc", *columns)
    if sqlite:
        cols = ", ".join(f"{f}_{b}" for b in BUCKETS for f in FIELDS)
        op.execute(f"CREATE VIRTUAL TABLE search_fts USING fts5({cols}, "
                   "tokenize='unicode61 remove_diacritics 0', prefix='2 3 4')")
    else:
        for key in KEYS:
            op.execute(f"CREATE TABLE {key} (id bigint PRIMARY KEY, tsv tsvector NOT NULL) "
                       "WITH (toast_tuple_target = 8160)")
            op.execute(f"CREATE INDEX ix_{key}_tsv ON {key} USING gin (tsv)")
    op.create_table(
        "search_state",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("watermark", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_search_state_one_row"),
    )
    op.execute("INSERT INTO search_state (id, watermark) VALUES (1, 0)")


def downgrade() -> None:
    op.drop_table("search_state")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE search_fts")
    else:
        for key in KEYS:
            op.drop_table(key)
    op.drop_table("search_doc")
