"""Search of every kind of record: each kind's documents have ids in a range of their own.

``search_kind`` gives each searchable kind a slot; a document of slot ``s`` has an id in
``[s << 40, (s + 1) << 40)``, so a search of one kind reads a range of the index. Services keep
slot 0 (the ids they had), so nothing is re-indexed.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_kind",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("slot", sa.Integer(), nullable=False, unique=True),
    )
    op.execute("INSERT INTO search_kind (name, slot) VALUES ('service', 0)")


def downgrade() -> None:
    op.drop_table("search_kind")
