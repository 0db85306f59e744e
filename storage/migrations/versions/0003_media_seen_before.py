"""media.seen_before: a stored "seen before" flag, filled for the media already stored

The claims filter "seen before" used to ask the in-memory hash index once per media (seconds
on a big workspace, on the window's thread); with the flag stored it is one SQL condition.
From here on ingest and purge keep it true (``workbench.library.ingest``); this revision computes it
for what is already stored, from ``media_hashes``, by the rule of the day: another media
has a pHash or a dHash within 10 bits. The rule is copied here, not imported: a migration
must keep meaning what it meant when it was written, and ``storage`` imports nothing of
``workbench``.

The comparison is one vectorised numpy pass per algorithm over the upper triangle of
all pairs of hashes, a block of rows at a time (a few tens of MB at most): seconds for a
hundred thousand hashes, once.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import numpy as np
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

MAX_DISTANCE = 10  # workbench.matching.index.DEFAULT_MAX_DISTANCE
ALGORITHMS = ("phash", "dhash")  # workbench.matching.index.MATCH_ALGORITHMS
CELLS = 1 << 22  # pairs compared at once: 32 MB of XORs

_media = sa.table("media", sa.column("id", sa.Uuid()), sa.column("seen_before", sa.Boolean()))
_hashes = sa.table(
    "media_hashes",
    sa.column("media_id", sa.Uuid()),
    sa.column("algorithm", sa.String()),
    sa.column("value", sa.BigInteger()),
)


def near_another(owners: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Per row, whether a row of another owner is within ``MAX_DISTANCE`` bits.

    ``owners`` are integer codes, ``values`` unsigned 64-bit hashes. Each pair is compared
    once: a block of rows against itself and every row after it, marking both sides.
    """
    n = len(values)
    near = np.zeros(n, dtype=bool)
    step = max(1, CELLS // max(n, 1))
    for start in range(0, n, step):
        stop = min(start + step, n)
        close = np.bitwise_count(values[start:stop, None] ^ values[None, start:]) <= MAX_DISTANCE
        close &= owners[start:stop, None] != owners[None, start:]
        near[start:stop] |= close.any(axis=1)
        near[start:] |= close.any(axis=0)
    return near


def seen_media(rows: Sequence[tuple[uuid.UUID, str, int]]) -> set[uuid.UUID]:
    """Media (of ``(media id, algorithm, signed value)`` rows) near another media."""
    codes: dict[uuid.UUID, int] = {}
    ids = [codes.setdefault(media_id, len(codes)) for media_id, _, _ in rows]
    media = list(codes)
    seen: set[uuid.UUID] = set()
    for algorithm in ALGORITHMS:
        picked = [i for i, row in enumerate(rows) if row[1] == algorithm]
        owners = np.array([ids[i] for i in picked], dtype=np.int64)
        values = np.array([rows[i][2] for i in picked], dtype=np.int64).view(np.uint64)
        seen.update(media[code] for code in np.unique(owners[near_another(owners, values)]))
    return seen


def upgrade() -> None:
    # ALTER in place, never a table rebuild: on SQLite (foreign keys on) dropping the old
    # ``media`` would cascade to ``media_hashes``, the very rows the flag is computed from.
    with op.batch_alter_table("media", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("seen_before", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.create_index(batch_op.f("ix_media_seen_before"), ["seen_before"], unique=False)
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(_hashes.c.media_id, _hashes.c.algorithm, _hashes.c.value).where(
            _hashes.c.algorithm.in_(ALGORITHMS)
        )
    ).all()
    seen = seen_media([(r[0], r[1], r[2]) for r in rows])
    if seen:
        conn.execute(
            sa.update(_media).where(_media.c.id == sa.bindparam("media_id")).values(seen_before=True),
            [{"media_id": media_id} for media_id in seen],
        )


def downgrade() -> None:
    with op.batch_alter_table("media", schema=None, recreate="never") as batch_op:
        batch_op.drop_index(batch_op.f("ix_media_seen_before"))
        batch_op.drop_column("seen_before")
