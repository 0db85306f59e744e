"""Migration 0003 fills ``media.seen_before`` for the media stored before it, by the rule
ingest uses (pHash or dHash within 10 of another media's), on both backends."""

from __future__ import annotations

import importlib.util
import uuid
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from sqlalchemy import select

from storage.db import MIGRATIONS_DIR, downgrade, upgrade
from storage.schema import Media
from workbench.workspace import Workspace

NEARDUP = Path(__file__).resolve().parents[1] / "data" / "neardup"


@pytest.fixture(scope="module")
def migration() -> ModuleType:
    (path,) = (MIGRATIONS_DIR / "versions").glob("0003_*.py")
    spec = importlib.util.spec_from_file_location("migration_0003", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_media_stored_before_the_flag_get_it_from_their_hashes(workspace: Workspace) -> None:
    stored = {
        name: workspace.media.ingest([NEARDUP / name])[0].media
        for name in ("hopper.jpg", "hopper.png", "peppers.jpg")
    }
    downgrade(workspace.db.engine, "0002")
    upgrade(workspace.db.engine)
    with workspace.db.read() as session:
        found = {m: seen for m, seen in session.execute(select(Media.id, Media.seen_before))}
    assert {n: found[uuid.UUID(m.id)] for n, m in stored.items() if m} == {
        "hopper.jpg": True,
        "hopper.png": True,
        "peppers.jpg": False,
    }


def test_the_rule_is_within_ten_bits_of_another_media(migration: ModuleType) -> None:
    a, b = 0xFFFF_0000_0000_0000, 0x0000_FFFF_FFFF_0000
    rows = [
        (0, 0),
        (0, 1),  # 1 bit from the row above, but the same media: not seen before
        (1, a),
        (2, a ^ 0b111_1111_1111),  # 11 bits: too far
        (3, b),
        (4, b ^ 0b11_1111_1111),  # 10 bits: near
    ]
    owners = np.array([o for o, _ in rows], dtype=np.int64)
    values = np.array([v for _, v in rows], dtype=np.uint64)
    assert migration.near_another(owners, values).tolist() == [False] * 4 + [True] * 2


def test_every_pair_is_compared_whatever_the_block_size(
    migration: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(7)
    values = rng.integers(0, 1 << 63, size=300, dtype=np.int64).view(np.uint64)
    values[250] = values[3] ^ np.uint64(0b111)  # a near pair far apart in the rows
    owners = np.arange(300, dtype=np.int64)
    whole = migration.near_another(owners, values)
    monkeypatch.setattr(migration, "CELLS", 7)  # one row a block
    assert migration.near_another(owners, values).tolist() == whole.tolist()
    assert whole[3] and whole[250]


def test_media_ids_are_what_comes_back(migration: ModuleType) -> None:
    a, b, c = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    rows = [(a, "phash", 5), (a, "dhash", -1), (b, "dhash", -2), (c, "phash", -5), (c, "x", 5)]
    assert migration.seen_media(rows) == {a, b}  # -1 and -2 are 2 bits apart; "x" is no rule
