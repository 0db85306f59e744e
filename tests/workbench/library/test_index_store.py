"""The index kept as a snapshot (issue 15): a later open maps it and reads only what
changed since, on this workstation or a colleague's; a snapshot that is damaged, of
another workspace or out of step with the database is rebuilt without a question, and
no answer differs from one read from the database."""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete

from storage.schema import MediaHash
from workbench.library import index_store, purge
from workbench.matching import rows
from workbench.matching.index import HashIndex
from workbench.workspace import Location, Workspace

DATA = Path(__file__).resolve().parents[2] / "data"
PHOTOS = [DATA / "skimage" / name for name in ("coffee.png", "chelsea.png", "astronaut.png")]


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Every workspace keeps a snapshot here; each full read of the database is counted."""
    monkeypatch.setattr(index_store, "SNAPSHOT_MIN_ROWS", 1)
    monkeypatch.setattr(index_store, "REWRITE_ROWS", 1)
    monkeypatch.setattr(rows, "TAIL_MIN", 16)  # so that the tables are built (multi-index)
    counted: list[int] = []
    read = index_store.read_index

    def counting(ws: Workspace, progress: index_store.Progress | None = None) -> HashIndex:
        counted.append(1)
        return read(ws, progress)

    monkeypatch.setattr(index_store, "read_index", counting)
    yield counted


def _open(folder: Path) -> Workspace:
    return Workspace(Location.of(folder), analyst="tester")


def _answers(ws: Workspace) -> list[list[tuple[str, int, str]]]:
    """What each test photo and a copy of the first meet."""
    out = []
    for path in [*PHOTOS, DATA / "neardup" / "hopper.jpg"]:
        found = ws.media.match([path])[0]
        out.append(sorted((m.sha256, m.distance or 0, m.evidence) for m in found.matches))
    return out


def _snapshot(ws: Workspace) -> Path:
    return ws.location.cache_dir / index_store.FOLDER


def test_a_later_open_maps_the_snapshot_and_reads_only_what_changed(
    workspace_dir: Path, reads: list[int]
) -> None:
    ws = _open(workspace_dir)
    *_, stored = ws.media.ingest([*PHOTOS[:2], DATA / "neardup" / "hopper.png"])
    hopper = stored.media
    assert hopper is not None
    expected = _answers(ws)
    ws.close()
    assert len(reads) == 1 and (_snapshot(ws) / "meta.json").is_file()

    again = _open(workspace_dir)
    try:
        assert len(reads) == 1  # from the snapshot, not the database
        assert again.index.media_count() == 3 and _answers(again) == expected
        # a colleague's workstation (another instance) adds a photo and removes one
        colleague = _open(workspace_dir)
        [added] = colleague.media.ingest([PHOTOS[2]])
        claim = colleague.claims.create("Hopper at the checkpoint")
        colleague.claims.attach_media(claim.id, hopper.id)
        purge.delete_claim(colleague, claim.id)
        colleague.close()
    finally:
        again.close()

    third = _open(workspace_dir)
    try:
        assert len(reads) <= 2  # a colleague's close may have rewritten it; this open did not
        reads.clear()
        assert added.media is not None and added.media.id in third.index
        assert hopper.id not in third.index
        fresh = index_store.read_index(third)  # the database's own answer
        assert third.index.media_count() == fresh.media_count() == 3
        assert [third.index.row_count(a) for a in ("phash", "dhash")] == [
            fresh.row_count(a) for a in ("phash", "dhash")
        ]
    finally:
        third.close()


@pytest.mark.parametrize("damage", ["truncated", "garbage meta", "other format", "missing"])
def test_a_damaged_snapshot_is_rebuilt_without_a_question(
    tmp_path: Path, reads: list[int], damage: str
) -> None:
    ws = _open(tmp_path / "ws")
    ws.media.ingest(PHOTOS)
    expected = _answers(ws)
    ws.close()
    folder = _snapshot(ws)
    meta = folder / "meta.json"
    if damage == "truncated":
        values = folder / "phash.values.npy"
        values.write_bytes(values.read_bytes()[:-20])
    elif damage == "garbage meta":
        meta.write_text("{not json")
    elif damage == "other format":
        meta.write_text(json.dumps({**json.loads(meta.read_text()), "format": 99}))
    else:
        (folder / "dhash.order1.npy").unlink()
    again = _open(tmp_path / "ws")
    try:
        assert len(reads) == 2 and _answers(again) == expected
    finally:
        again.close()
    assert (folder / "meta.json").is_file()  # written afresh
    third = _open(tmp_path / "ws")
    third.close()
    assert len(reads) == 2


def test_a_snapshot_out_of_step_with_the_database_is_not_trusted(
    tmp_path: Path, reads: list[int]
) -> None:
    ws = _open(tmp_path / "ws")
    ingested = ws.media.ingest(PHOTOS)
    ws.close()
    # Rows deleted behind the app's back (no audit entry, no newer row): only the count
    # of rows can tell, and it does.
    gone = ingested[0].media
    assert gone is not None
    with ws.db.transaction() as session:
        session.execute(delete(MediaHash).where(MediaHash.media_id == uuid.UUID(gone.id)))
    again = _open(tmp_path / "ws")
    try:
        assert len(reads) == 2 and gone.id not in again.index
    finally:
        again.close()

    # another workspace's snapshot, copied in, is not this one's
    other = _open(tmp_path / "other")
    other.media.ingest(PHOTOS[:1])
    other.close()
    shutil.rmtree(_snapshot(again))
    shutil.copytree(_snapshot(other), _snapshot(again))
    reads.clear()
    third = _open(tmp_path / "ws")
    try:
        assert len(reads) == 1 and third.index.media_count() == 2
    finally:
        third.close()


def test_what_a_crash_left_while_writing_goes(tmp_path: Path, reads: list[int]) -> None:
    ws = _open(tmp_path / "ws")
    ws.media.ingest(PHOTOS[:1])
    ws.close()
    leftover = _snapshot(ws).with_name(f"{index_store.FOLDER}.writing-4242")
    leftover.mkdir()
    (leftover / "phash.values.npy").write_bytes(b"half")
    again = _open(tmp_path / "ws")
    again.close()
    assert not leftover.exists() and len(reads) == 1


def test_a_small_library_keeps_no_snapshot(tmp_path: Path) -> None:
    ws = _open(tmp_path / "ws")
    ws.media.ingest(PHOTOS[:1])
    ws.close()
    assert not _snapshot(ws).exists()
