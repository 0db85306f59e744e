"""audit trail hash chain: audit_log.prev_hash / entry_hash, workspace_info audit_head

Every audit entry carries the SHA-256 of its own content and of the entry before it, so an
entry edited, inserted or deleted afterwards breaks the chain (``workbench verify``). The
entries already here are chained now, in id order: the chain vouches for them from the
moment of this upgrade, not from when they were written. ``workspace_info`` gains the row
``audit_head`` (JSON ``{"entries": n, "hash": h}``): the newest entry's hash and the count,
updated with every append (writers lock that row, so two never chain onto one entry).

The digest is copied here, not imported: a migration must keep meaning what it meant when
it was written, and ``storage`` imports nothing of ``workbench`` (``workbench.claims.audit`` holds
the live copy; a test checks that a chain built here verifies there).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
HEAD_KEY = "audit_head"
PAGE = 5000


def _digest(
    prev_hash: str,
    at: datetime,
    actor: str,
    entity_type: str,
    entity_id: str,
    action: str,
    changes: Any,
) -> str:
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    body = {
        "v": 1,
        "prev": prev_hash,
        "at": at.isoformat(timespec="microseconds"),
        "actor": actor,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "action": action,
        "changes": changes,
    }
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("entry_hash", sa.String(length=64), nullable=True))

    log = sa.table(
        "audit_log",
        sa.column("id", sa.Integer()),
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("actor", sa.String()),
        sa.column("entity_type", sa.String()),
        sa.column("entity_id", sa.String()),
        sa.column("action", sa.String()),
        sa.column("changes", sa.JSON()),
        sa.column("prev_hash", sa.String()),
        sa.column("entry_hash", sa.String()),
    )
    conn = op.get_bind()
    head, count, last_id = GENESIS, 0, None
    while True:
        query = sa.select(
            log.c.id,
            log.c.at,
            log.c.actor,
            log.c.entity_type,
            log.c.entity_id,
            log.c.action,
            log.c.changes,
        ).order_by(log.c.id)
        if last_id is not None:
            query = query.where(log.c.id > last_id)
        rows = conn.execute(query.limit(PAGE)).all()
        if not rows:
            break
        updates = []
        for row in rows:
            digest = _digest(
                head, row.at, row.actor, row.entity_type, row.entity_id, row.action, row.changes
            )
            updates.append({"row_id": row.id, "p": head, "h": digest})
            head, count, last_id = digest, count + 1, row.id
        conn.execute(
            log.update()
            .where(log.c.id == sa.bindparam("row_id"))
            .values(prev_hash=sa.bindparam("p"), entry_hash=sa.bindparam("h")),
            updates,
        )
    info = sa.table("workspace_info", sa.column("key", sa.String()), sa.column("value", sa.Text()))
    conn.execute(
        info.insert().values(key=HEAD_KEY, value=json.dumps({"entries": count, "hash": head}))
    )


def downgrade() -> None:
    info = sa.table("workspace_info", sa.column("key", sa.String()))
    op.get_bind().execute(info.delete().where(info.c.key == HEAD_KEY))
    with op.batch_alter_table("audit_log", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("entry_hash")
        batch_op.drop_column("prev_hash")
