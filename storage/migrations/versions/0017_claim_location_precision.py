"""claims.location_precision: how near the claim's coordinates are to where it happened

Atlos's vocabulary: exact (the spot), vicinity (within a few hundred metres), locality
(the town or district), unknown (coordinates given, precision not known). Empty for the
claims already stored and for claims without coordinates: read as "unknown" when the claim
has coordinates.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa


revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

CHECK = "location_precision IN ('','exact','vicinity','locality','unknown')"


def upgrade() -> None:
    # ALTER in place, never a table rebuild (claims is referenced by links, tags, actors).
    with op.batch_alter_table("claims", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("location_precision", sa.String(length=12), server_default="", nullable=False)
        )
    if op.get_context().dialect.name != "sqlite":  # SQLite cannot add a check in place
        op.create_check_constraint(op.f("ck_claims_location_precision"), "claims", CHECK)


def downgrade() -> None:
    if op.get_context().dialect.name != "sqlite":
        op.drop_constraint(op.f("ck_claims_location_precision"), "claims", type_="check")
    # SQLite 3.35+ drops a column in place (a rebuild would break the search triggers).
    with op.batch_alter_table("claims", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("location_precision")
