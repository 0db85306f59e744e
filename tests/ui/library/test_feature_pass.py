"""The window's background pass of local features: after an import, with progress, Cancel,
and the "seen before" flags it sets when a picture turns out to sit inside another."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.composites import post_with
from ui.main_window import MainWindow
from workbench.library.features import FeaturePassResult
from workbench.workspace import Workspace

DATA = Path(__file__).resolve().parents[2] / "data"
TIMEOUT_MS = 60_000


def test_an_import_is_followed_by_the_pass_that_finds_a_photo_in_a_post(
    qtbot: QtBot, workspace: Workspace, tmp_path: Path
) -> None:
    photo = DATA / "skimage" / "coffee.png"
    [stored] = workspace.media.ingest([photo])  # before the window: no features yet
    assert stored.media is not None and len(workspace.features.pending()) == 1
    win = MainWindow(workspace)
    qtbot.addWidget(win)
    win.show()
    post = post_with(photo, tmp_path / "post.png")
    with qtbot.waitSignal(win.ingest_finished, timeout=TIMEOUT_MS) as blocker:
        assert win.ingest_paths([post])
    [added] = blocker.args[0].results
    assert added.media is not None
    qtbot.waitUntil(
        lambda: not workspace.features.pending() and not win.feature_pass.running,
        timeout=TIMEOUT_MS,
    )
    assert flagged(workspace) == {added.media.id: True, stored.media.id: True}
    assert not win.feature_progress.isVisible()
    near = workspace.media.near_duplicates(added.media.id)
    assert [n.sha256 for n in near] == [stored.media.sha256] and near[0].points


def test_cancel_stops_the_pass_and_the_next_one_goes_on(qtbot: QtBot, workspace: Workspace) -> None:
    files = [*sorted((DATA / "skimage").glob("*.png")), *sorted((DATA / "exif").glob("*.jpg"))]
    workspace.media.ingest(files)
    before = len(workspace.features.pending())
    win = MainWindow(workspace)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.feature_pass.finished, timeout=TIMEOUT_MS) as blocker:
        win.feature_pass.start()
        qtbot.waitUntil(lambda: not win.feature_progress.isHidden(), timeout=TIMEOUT_MS)
        win.feature_progress.cancel_button.click()
    result: FeaturePassResult = blocker.args[0]
    assert result.cancelled and result.computed < before
    assert len(workspace.features.pending()) == before - result.computed
    with qtbot.waitSignal(win.feature_pass.finished, timeout=TIMEOUT_MS) as blocker:
        win.feature_pass.start()
    assert not blocker.args[0].cancelled and workspace.features.pending() == []


def flagged(workspace: Workspace) -> dict[str, bool]:
    """Every stored media's "seen before" flag, as the claims filter reads it."""
    from sqlalchemy import select

    from storage.schema import Media

    with workspace.db.read() as session:
        return {str(i): f for i, f in session.execute(select(Media.id, Media.seen_before))}


def test_the_seen_before_list_says_where_in_words(
    qtbot: QtBot, workspace: Workspace, tmp_path: Path
) -> None:
    from ui.library.seen_before import SeenBeforeList, load_seen_before

    photo = DATA / "skimage" / "coffee.png"
    workspace.media.ingest([photo])
    [post] = workspace.media.ingest([post_with(photo, tmp_path / "post.png")])
    assert post.media is not None
    workspace.features.run_pass()
    listing = SeenBeforeList()
    qtbot.addWidget(listing)
    listing.show_entries(load_seen_before(workspace, post.media.id), None)
    [(picture, _distance, _claims)] = listing.rows()
    assert "coffee.png" in picture and "contains it: " in picture and "points" in picture
