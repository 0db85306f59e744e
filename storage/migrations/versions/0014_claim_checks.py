"""claim_checks: the steps of a claim's verification checklist, as the analysts set them

Empty after the upgrade: every step of every claim is not done yet.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa


revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "claim_checks",
        sa.Column("claim_id", sa.Uuid(), nullable=False),
        sa.Column("step", sa.String(length=100), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("set_by", sa.String(length=100), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "state IN ('done','not_done','not_applicable')", name=op.f("ck_claim_checks_state")
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
            name=op.f("fk_claim_checks_claim_id_claims"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("claim_id", "step", name=op.f("pk_claim_checks")),
    )


def downgrade() -> None:
    op.drop_table("claim_checks")
