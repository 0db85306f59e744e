"""Stored pictures' local features: the background pass (resumable, idempotent, safe
against removed media and bad originals), the team's catch-up, and hash hits confirmed
from originals when a picture has no features yet."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from tests.composites import side_by_side
from workbench.workspace import Location, Workspace

DATA = Path(__file__).resolve().parents[2] / "data"
COFFEE = DATA / "skimage" / "coffee.png"


def test_the_pass_computes_what_is_missing_and_is_resumable(
    workspace: Workspace, tmp_path: Path
) -> None:
    files = [
        COFFEE,
        DATA / "skimage" / "chelsea.png",
        side_by_side([COFFEE, DATA / "skimage" / "chelsea.png"], tmp_path / "c.png"),
    ]
    workspace.media.ingest(files)
    assert len(workspace.features.pending()) == 3
    calls = iter([False, True])  # cancelled after the first picture, as a kill would
    first = workspace.features.run_pass(should_cancel=lambda: next(calls, True))
    assert first.cancelled and first.computed == 1
    assert len(workspace.features.pending()) == 2
    rest = workspace.features.run_pass()
    assert (rest.considered, rest.computed, rest.found, rest.errors) == (2, 2, 1, ())
    assert workspace.features.pending() == []
    assert workspace.features.run_pass().considered == 0  # nothing done twice
    assert len(workspace.features.words) == 3
    [seen] = workspace.media.ingest([files[2]])
    assert seen.media is not None
    near = workspace.media.near_duplicates(seen.media.id)
    assert {n.evidence for n in near} == {"inside"} and len(near) == 2


def test_an_unreadable_original_is_an_error_and_the_pass_goes_on(
    workspace: Workspace,
) -> None:
    [bad], [good] = (
        workspace.media.ingest([COFFEE]),
        workspace.media.ingest([DATA / "skimage" / "chelsea.png"]),
    )
    assert bad.media is not None and good.media is not None
    path = workspace.store.path_for(bad.media.sha256)
    path.chmod(0o644)
    path.write_bytes(b"not a picture any more")
    result = workspace.features.run_pass()
    assert result.computed == 1 and [sha for sha, _ in result.errors] == [bad.media.sha256]
    assert workspace.features.pending() == []  # kept as an empty row: not retried forever


def test_a_second_workstation_catches_up_on_words_computed_elsewhere(
    workspace: Workspace,
) -> None:
    workspace.media.ingest([COFFEE])
    other = Workspace(Location.of(workspace.location.folder), analyst="colleague")
    try:
        assert len(other.features.words) == 0
        workspace.features.run_pass()
        result = other.features.run_pass()
        assert result.considered == 0 and len(other.features.words) == 1
    finally:
        other.close()


def test_a_hash_hit_on_a_picture_without_features_is_confirmed_from_its_original(
    workspace: Workspace, tmp_path: Path
) -> None:
    [photo] = workspace.media.ingest([COFFEE])
    assert photo.media is not None and workspace.features.pending()
    crop = tmp_path / "crop.png"
    Image.open(COFFEE).crop((40, 30, 560, 370)).save(crop)
    [found] = workspace.media.match([crop])
    [near] = found.matches
    assert near.sha256 == photo.media.sha256 and near.points and near.where


def test_a_picture_with_no_neighbours_is_not_decoded_to_list_them(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An export asks every picture for its near duplicates: one with no hash hits (and no
    word index to search) answers without decoding its original; one with a hit that needs
    confirming still is."""
    [alone] = workspace.media.ingest([DATA / "skimage" / "chelsea.png"])
    [photo] = workspace.media.ingest([COFFEE])
    crop = tmp_path / "crop.png"
    Image.open(COFFEE).crop((40, 30, 560, 370)).save(crop)
    [cropped] = workspace.media.ingest([crop])
    assert alone.media and photo.media and cropped.media
    decoded: list[str] = []
    picture = workspace.features.picture
    monkeypatch.setattr(
        workspace.features,
        "picture",
        lambda media_id: decoded.append(media_id) or picture(media_id),
    )
    assert workspace.media.near_duplicates(alone.media.id) == ()
    assert decoded == []
    [near] = workspace.media.near_duplicates(cropped.media.id)
    assert near.media_id == photo.media.id and near.points
    assert cropped.media.id in decoded and photo.media.id in decoded
