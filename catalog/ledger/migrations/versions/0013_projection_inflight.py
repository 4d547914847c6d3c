"""A projector's update in flight and the graphs left to verify after a takeover: an update
sent to a remote SPARQL server may still run after its sender died, beside the next holder's
(see catalog/ledger/leases.py and catalog/projections/verify.py).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("projection_lease") as batch:
        batch.add_column(sa.Column("inflight", sa.Text(), nullable=True))
        batch.add_column(sa.Column("inflight_until", sa.Float(), nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("suspect", sa.Text(), nullable=True))
        batch.add_column(sa.Column("suspect_until", sa.Float(), nullable=False,
                                   server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("projection_lease") as batch:
        for name in ("suspect_until", "suspect", "inflight_until", "inflight"):
            batch.drop_column(name)
