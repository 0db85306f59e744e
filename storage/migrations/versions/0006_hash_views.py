"""views of a picture in the hash index; low-information media

``media_hashes.view`` says which view of a picture a hash is of ("whole", "mirrored",
"rotated_90", "cropped", "region"...; ``workbench.matching.hashing``); every hash stored before
is of the whole picture. ``media.low_information`` marks pictures too flat to match
(blank, dark, one colour, text only): they get no hashes. Media stored before keep their
whole-picture hashes and are matched by those.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ALTER in place, never a table rebuild: on SQLite (foreign keys on) dropping the old
    # ``media`` would cascade to ``media_hashes`` (see 0003).
    with op.batch_alter_table("media_hashes", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("view", sa.String(length=16), server_default="whole", nullable=False)
        )
    with op.batch_alter_table("media", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("low_information", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("media", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("low_information")
    with op.batch_alter_table("media_hashes", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("view")
