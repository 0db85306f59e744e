"""Ingest and "seen before" through the service, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from workbench.library.views import IngestStatus
from workbench.workspace import Location, Workspace

DATA = Path(__file__).resolve().parents[2] / "data"
HOPPER = DATA / "neardup" / "hopper.jpg"


def test_exact_duplicate_is_stored_once(workspace: Workspace) -> None:
    first, again = workspace.media.ingest([HOPPER, HOPPER])
    assert first.status is IngestStatus.ADDED
    assert again.status is IngestStatus.EXISTS
    assert first.media and again.media and again.media.id == first.media.id
    assert list(workspace.store.iter_shas()) == [first.media.sha256]
    assert workspace.thumbnails.get(first.media.sha256) is not None


def test_near_duplicates_report_distance_claims_cases_and_first_seen(
    workspace: Workspace, tmp_path: Path
) -> None:
    claim = workspace.claims.create("map study photo", case="Aleppo")
    earlier = workspace.media.ingest([DATA / "neardup" / "hopper.png"], claim_id=claim.id)[0]
    # what happens to pictures online: recompressed and resized
    recompressed = tmp_path / "forwarded.jpg"
    with Image.open(DATA / "neardup" / "hopper.png") as im:
        im.convert("RGB").resize((96, 96)).save(recompressed, quality=35)
    later = workspace.media.ingest([recompressed])[0]
    assert later.status is IngestStatus.ADDED and earlier.media
    assert [n.media_id for n in later.near_duplicates] == [earlier.media.id]
    near = later.near_duplicates[0]
    assert near.sha256 == earlier.media.sha256
    assert 0 <= near.distance <= 10
    assert near.claim_ids == (claim.id,)
    assert near.case_ids == (claim.case_id,)
    assert near.first_seen == earlier.media.acquired_at


def test_unrelated_pictures_are_not_reported(workspace: Workspace) -> None:
    workspace.media.ingest([DATA / "neardup" / "peppers.png"])
    result = workspace.media.ingest([DATA / "exif" / "flower.jpg"])[0]
    assert result.near_duplicates == ()


def test_index_is_rebuilt_from_the_database_on_open(workspace_dir: Path) -> None:
    with Workspace(Location.of(workspace_dir)) as ws:
        stored = ws.media.ingest([DATA / "neardup"])
    with Workspace(Location.of(workspace_dir)) as ws:
        assert ws.index.media_count() == sum(1 for r in stored if r.status is IngestStatus.ADDED)
        matches = ws.media.match([DATA / "neardup" / "hopper.webp"])[0].matches
        assert {m.sha256 for m in matches} >= {
            r.media.sha256 for r in stored if r.media and r.path.split("/")[-1].startswith("hopper")
        }


def test_match_stores_nothing(workspace: Workspace) -> None:
    workspace.media.ingest([HOPPER])
    before = list(workspace.store.iter_shas())
    result = workspace.media.match(
        [DATA / "neardup" / "hopper.gif", DATA / "hostile" / "broken.png"]
    )
    assert result[0].error is None and len(result[0].matches) == 1
    assert result[1].error and "cannot decode" in result[1].error
    assert list(workspace.store.iter_shas()) == before
    assert workspace.index.media_count() == 1


def test_a_failed_database_write_leaves_no_original_behind(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbench.claims import audit

    def broken_record(*_args: object, **_kw: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(audit, "record", broken_record)
    with pytest.raises(RuntimeError):
        workspace.media.ingest([HOPPER])
    monkeypatch.undo()
    assert list(workspace.store.iter_shas()) == []
    assert workspace.index.media_count() == 0
    assert workspace.media.ingest([HOPPER])[0].status is IngestStatus.ADDED


def test_progress_is_reported_and_cancel_stops_the_batch(workspace: Workspace) -> None:
    files = sorted((DATA / "exif").glob("*.jpg"))
    seen: list[tuple[int, int]] = []
    results = workspace.media.ingest(
        files,
        progress=lambda done, total, _r: seen.append((done, total)),
        should_cancel=lambda: len(seen) >= 3,
    )
    assert len(results) == 3
    assert seen == [(1, len(files)), (2, len(files)), (3, len(files))]
    assert len(list(workspace.store.iter_shas())) == 3
    assert list(workspace.store.tmp.iterdir()) == []  # staged copies of the rest: gone


def test_unknown_claim_refuses_the_whole_batch_before_storing(workspace: Workspace) -> None:
    from workbench.base.errors import NotFoundError

    with pytest.raises(NotFoundError):
        workspace.media.ingest([HOPPER], claim_id="00000000-0000-0000-0000-000000000000")
    assert list(workspace.store.iter_shas()) == []


def test_video_is_stored_as_video(workspace: Workspace) -> None:
    result = workspace.media.ingest([DATA / "video" / "big_buck_bunny_432_433.webm"])[0]
    assert result.status is IngestStatus.ADDED and result.media
    assert (result.media.kind, result.media.mime) == ("video", "video/webm")
    assert result.media.duration_ms == 1000


def test_verify_finds_tampering_missing_and_orphan_files(workspace: Workspace) -> None:
    a, b = workspace.media.ingest([HOPPER, DATA / "exif" / "flower.jpg"])
    assert a.media and b.media
    assert workspace.verifier.run() == []
    tampered = workspace.store.path_for(a.media.sha256)
    tampered.chmod(0o644)
    tampered.write_bytes(tampered.read_bytes() + b"\0")
    workspace.store.path_for(b.media.sha256).unlink()
    orphan = "ab" * 32
    workspace.store.path_for(orphan).parent.mkdir(parents=True)
    workspace.store.path_for(orphan).write_bytes(b"stray")
    problems = {(p.kind, p.sha256) for p in workspace.verifier.run()}
    assert problems == {
        ("hash_mismatch", a.media.sha256),
        ("missing_file", b.media.sha256),
        ("orphan_file", orphan),
    }


def test_two_workstations_storing_the_same_original_at_once(
    workspace_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second commit loses the race on the SHA-256: the file stays, it reports exists."""
    from workbench.library.ingest import MediaService

    with (
        Workspace(Location.of(workspace_dir)) as first,
        Workspace(Location.of(workspace_dir)) as second,
    ):
        real = MediaService._stored_id
        calls = {"n": 0}

        def stale_first_look(self: MediaService, sha256: str) -> object:
            calls["n"] += 1
            if calls["n"] == 1:  # the second workstation looked before the first committed
                first.media.ingest([HOPPER])
                return None
            return real(self, sha256)

        monkeypatch.setattr(MediaService, "_stored_id", stale_first_look)
        result = second.media.ingest([HOPPER])[0]
        monkeypatch.undo()
        assert result.status is IngestStatus.EXISTS, result.error
        assert second.verifier.run() == []
        assert len(list(second.store.iter_shas())) == 1


def test_an_unexpected_decoder_failure_is_one_files_error(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    import workbench.library.ingest as ingest_module

    real = ingest_module.analyse_file

    def flaky(path: Path, features: bool = False) -> object:
        if path.name == "hopper.gif":
            raise TypeError("decoder bug")
        return real(path, features)

    monkeypatch.setattr(ingest_module, "analyse_file", flaky)
    results = workspace.media.ingest([DATA / "neardup" / "hopper.gif", HOPPER])
    assert results[0].status is IngestStatus.ERROR
    assert results[0].error == "cannot analyse file: TypeError: decoder bug"
    assert results[1].status is IngestStatus.ADDED


def test_the_workspace_threshold_applies_where_no_distance_is_given(
    workspace: Workspace, tmp_path: Path
) -> None:
    workspace.media.ingest([DATA / "neardup" / "hopper.png"])
    forwarded = tmp_path / "forwarded.jpg"
    with Image.open(DATA / "neardup" / "hopper.png") as im:
        im.convert("RGB").resize((40, 40)).save(forwarded, quality=15)
    [near] = workspace.media.match([forwarded])[0].matches
    assert near.distance > 0
    workspace.max_distance = near.distance - 1  # the analyst's stricter setting
    assert workspace.media.match([forwarded])[0].matches == ()
    assert len(workspace.media.match([forwarded], max_distance=near.distance)[0].matches) == 1
