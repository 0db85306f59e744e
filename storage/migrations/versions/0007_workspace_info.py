"""workspace_info: facts about the workspace itself, first its id (bags name where they came from)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

import uuid

from alembic import op
import sqlalchemy as sa


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    info = op.create_table(
        "workspace_info",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_workspace_info")),
    )
    op.bulk_insert(info, [{"key": "workspace_id", "value": str(uuid.uuid4())}])


def downgrade() -> None:
    op.drop_table("workspace_info")
