"""The ledger: institutions, records, immutable versions, the change sequence.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "institution",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("iri", sa.String(2048), nullable=False),
        sa.Column("name", sa.String(512), nullable=False),
    )
    op.create_index("ix_institution_code", "institution", ["code"], unique=True)
    op.create_index("ix_institution_iri", "institution", ["iri"], unique=True)
    op.create_table(
        "record",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("iri", sa.String(2048), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("code", sa.String(64), nullable=True),
        sa.Column("institution_id", sa.Integer(), sa.ForeignKey("institution.id"), nullable=True),
        sa.Column("latest_version", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("published_version", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_record_iri", "record", ["iri"], unique=True)
    op.create_index("ix_record_kind_code", "record", ["kind", "code"], unique=True)
    op.create_index("ix_record_institution", "record", ["institution_id"])
    op.create_table(
        "version",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("record_id", sa.Integer(), sa.ForeignKey("record.id"), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("triple_count", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(256), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_version_record_number", "version", ["record_id", "number"], unique=True)
    op.create_table(
        "change",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("record_id", sa.Integer(), sa.ForeignKey("record.id"), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=True),
        sa.Column("op", sa.String(16), nullable=False),
        sa.Column("author", sa.String(256), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_change_record", "change", ["record_id"])


def downgrade() -> None:
    op.drop_table("change")
    op.drop_table("version")
    op.drop_table("record")
    op.drop_table("institution")
