"""frame_features: local features of video frames (a screenshot found in its video)

Empty after the upgrade: ``workbench reindex`` (or the window's background pass) computes
them for the videos already stored, which it finds by their missing ``media_features``
row; until then a video's hits stand on their hashes, as before.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa


revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "frame_features",
        sa.Column("media_id", sa.Uuid(), nullable=False),
        sa.Column("t_ms", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("words", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["media_id"],
            ["media.id"],
            name=op.f("fk_frame_features_media_id_media"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("media_id", "t_ms", name=op.f("pk_frame_features")),
    )


def downgrade() -> None:
    op.drop_table("frame_features")
