"""Sync runs of adapter sources: each run with its cursor and counts, the outcome of every
record it read, the nomenclature code given to each source key, and which adapters an admin
trusts (see catalog/ledger/syncs.py).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_run",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("adapter", sa.String(64), nullable=False, index=True),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("trigger", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("holder", sa.String(256), nullable=True),
        sa.Column("mapping_digest", sa.String(64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cursor", sa.String(256), nullable=True),
        sa.Column("counts", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
    )
    op.create_table(
        "sync_outcome",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("sync_run.id"), nullable=False,
                  index=True),
        sa.Column("key", sa.String(512), nullable=False),
        sa.Column("code", sa.String(64), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("position", sa.String(256), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
    )
    op.create_table(
        "source_key",
        sa.Column("adapter", sa.String(64), primary_key=True),
        sa.Column("key", sa.String(512), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("code", sa.String(64), nullable=False, index=True),
    )
    op.create_table(
        "adapter_trust",
        sa.Column("adapter", sa.String(64), primary_key=True),
        sa.Column("trusted", sa.Boolean(), nullable=False),
        sa.Column("by", sa.String(256), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("adapter_trust")
    op.drop_table("source_key")
    op.drop_table("sync_outcome")
    op.drop_table("sync_run")
