"""claims.summary: a short summary of the claim, what a published review names it by

A ClaimReview's ``claimReviewed`` should be a short sentence (Google recommends under 75
characters); the claim's own text can run to pages. Empty for the claims already stored:
an export then cuts the claim's text at a word (``workbench.exchange.formats``).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa


revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ALTER in place, never a table rebuild (claims is referenced by links, tags, actors).
    with op.batch_alter_table("claims", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("summary", sa.String(length=200), server_default="", nullable=False)
        )


def downgrade() -> None:
    # SQLite 3.35+ drops a column in place (a rebuild would break the search triggers).
    with op.batch_alter_table("claims", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("summary")
