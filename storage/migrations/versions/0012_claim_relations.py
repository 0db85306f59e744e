"""claim_relations: a claim corroborates, contradicts, reports the same event as, or
duplicates another

Empty after the upgrade: relations are made by the analyst.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa


revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "claim_relations",
        sa.Column("claim_id", sa.Uuid(), nullable=False),
        sa.Column("other_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.CheckConstraint(
            "kind IN ('corroborates','contradicts','same_event','duplicate_of')",
            name=op.f("ck_claim_relations_kind"),
        ),
        sa.CheckConstraint("claim_id <> other_id", name=op.f("ck_claim_relations_not_self")),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
            name=op.f("fk_claim_relations_claim_id_claims"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["other_id"],
            ["claims.id"],
            name=op.f("fk_claim_relations_other_id_claims"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("claim_id", "other_id", name=op.f("pk_claim_relations")),
    )
    op.create_index(
        op.f("ix_claim_relations_other_id"), "claim_relations", ["other_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_claim_relations_other_id"), table_name="claim_relations")
    op.drop_table("claim_relations")
