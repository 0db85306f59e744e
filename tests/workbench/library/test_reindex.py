"""``reindex``: media stored with only their whole picture hashed (before migration 0006)
get today's views, so their mirrored and cut copies are found again."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageOps
from sqlalchemy import delete, func, select, update

from storage.schema import AuditEntry, Media, MediaHash
from workbench.library.reindex import pending, reindex
from workbench.workspace import Location, Workspace


def _as_before_0006(folder: Path) -> None:
    """Leave only the whole-picture hashes, named as migration 0006 found older media."""
    with Workspace(Location.of(folder)) as ws, ws.db.transaction() as session:
        session.execute(delete(MediaHash).where(MediaHash.view.not_in(("whole", "framed"))))
        session.execute(update(MediaHash).values(view="whole"))
        session.execute(Media.__table__.update().values(seen_before=False))


def test_old_media_get_their_views_and_are_found_mirrored(
    workspace_dir: Path, data: Path, tmp_path: Path
) -> None:
    with Workspace(Location.of(workspace_dir)) as ws:
        [stored] = ws.media.ingest([data / "exif" / "Canon_40D.jpg"])
        assert stored.media is not None
        ws.media.ingest([data / "neardup" / "hopper.jpg"])
    _as_before_0006(workspace_dir)
    mirrored = tmp_path / "mirrored.png"
    ImageOps.mirror(Image.open(data / "exif" / "Canon_40D.jpg")).save(mirrored)

    with Workspace(Location.of(workspace_dir)) as ws:
        assert len(pending(ws)) == 2
        [before] = ws.media.match([mirrored])
        assert before.matches == ()

        result = reindex(ws)
        assert (result.considered, result.reindexed, result.errors) == (2, 2, ())
        assert pending(ws) == []
        [after] = ws.media.match([mirrored])
        assert [(m.media_id, m.evidence) for m in after.matches] == [(stored.media.id, "mirrored")]
        with ws.db.read() as session:
            views = set(session.scalars(select(MediaHash.view).distinct()))
            audited = session.scalar(
                select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "reindex")
            )
        assert {"whole", "mirrored", "rotated_90", "cropped"} <= views
        assert audited == 2
        assert reindex(ws).considered == 0  # nothing left to do

    with Workspace(Location.of(workspace_dir)) as ws:  # the rows, not only memory, changed
        [again] = ws.media.match([mirrored])
        assert [m.evidence for m in again.matches] == ["mirrored"]


def test_reindex_restores_the_seen_before_flag_and_goes_on_past_a_bad_original(
    workspace_dir: Path, data: Path
) -> None:
    with Workspace(Location.of(workspace_dir)) as ws:
        results = ws.media.ingest(
            [data / "neardup" / "hopper.jpg", data / "neardup" / "hopper.png"]
        )
        first, second = (r.media for r in results)
        assert first is not None and second is not None
        ws.media.ingest([data / "exif" / "Canon_40D.jpg"])
    _as_before_0006(workspace_dir)
    with Workspace(Location.of(workspace_dir)) as ws:
        ws.store.path_for(second.sha256).chmod(0o600)
        ws.store.path_for(second.sha256).write_bytes(b"not the original any more")
        cancelled = reindex(ws, should_cancel=lambda: True)
        assert cancelled.cancelled and cancelled.reindexed == 0
        seen: list[tuple[int, int]] = []
        result = reindex(ws, progress=lambda done, total: seen.append((done, total)))
        assert result.reindexed == 2 and seen == [(1, 3), (2, 3), (3, 3)]
        [(sha, message)] = result.errors
        assert sha == second.sha256 and "verify" in message
        with ws.db.read() as session:
            flags = dict(session.execute(select(Media.sha256, Media.seen_before)).all())
        # hopper.jpg is seen before again: its twin kept its whole hashes
        assert (flags[first.sha256], flags[second.sha256]) == (True, True), flags
