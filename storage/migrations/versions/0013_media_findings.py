"""media.finding: the desk's finding on a file (a schema.org MediaReview category), its
note, who set it and when

Null for the media already stored: no finding yet.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa


revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

FINDINGS = (
    "OriginalMediaContent",
    "DecontextualizedContent",
    "EditedOrCroppedContent",
    "TransformedContent",
    "StagedContent",
    "SatireOrParodyContent",
)
CHECK = "finding IS NULL OR finding IN ({})".format(",".join(f"'{f}'" for f in FINDINGS))


def upgrade() -> None:
    # ALTER in place, never a table rebuild (media is referenced by links, hashes, features).
    with op.batch_alter_table("media", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("finding", sa.String(length=40), nullable=True))
        batch_op.add_column(
            sa.Column("finding_note", sa.Text(), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("finding_by", sa.String(length=100), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("finding_at", sa.DateTime(timezone=True), nullable=True)
        )
    if op.get_context().dialect.name != "sqlite":  # SQLite cannot add a check in place
        op.create_check_constraint(op.f("ck_media_finding"), "media", CHECK)


def downgrade() -> None:
    if op.get_context().dialect.name != "sqlite":
        op.drop_constraint(op.f("ck_media_finding"), "media", type_="check")
    with op.batch_alter_table("media", schema=None, recreate="never") as batch_op:
        for name in ("finding_at", "finding_by", "finding_note", "finding"):
            batch_op.drop_column(name)
