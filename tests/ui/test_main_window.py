"""The main window, driven through real widgets; assertions on the domain's state."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from ui.claims.claims_model import COL_TEXT
from ui.library.ingest import IngestOutcome
from ui.library.seen_before import CLAIM_IDS_ROLE, COL_CLAIMS
from ui.main_window import MainWindow
from ui.messages import IngestReportDialog
from ui.presentation import SEEN_BADGE
from workbench.claims.views import ClaimView
from workbench.library.views import IngestStatus
from workbench.workspace import Workspace

DATA = Path(__file__).resolve().parents[1] / "data"
HOPPER_JPG = DATA / "neardup" / "hopper.jpg"
HOPPER_PNG = DATA / "neardup" / "hopper.png"
PEPPERS_JPG = DATA / "neardup" / "peppers.jpg"
BROKEN_PNG = DATA / "hostile" / "broken.png"
EXIF_DIR = DATA / "exif"  # 19 camera files: long enough to cancel half-way
INGEST_TIMEOUT_MS = 60_000


@pytest.fixture
def window(qtbot: QtBot, workspace: Workspace, sarwan_claims: list[ClaimView]) -> MainWindow:
    """The window over a workspace that already holds ``sarwan_claims``."""
    win = MainWindow(workspace)
    qtbot.addWidget(win)
    return win


def ingest(
    qtbot: QtBot, window: MainWindow, paths: Sequence[Path], claim_id: str | None
) -> IngestOutcome:
    with qtbot.waitSignal(window.ingest_finished, timeout=INGEST_TIMEOUT_MS) as blocker:
        assert window.ingest_paths([str(p) for p in paths], claim_id)
    outcome = blocker.args[0]
    assert isinstance(outcome, IngestOutcome)
    return outcome


def attached_names(workspace: Workspace, claim_id: str) -> set[str]:
    return {m.original_name for m in workspace.claims.get(claim_id).media}


def seen_under(window: MainWindow) -> list[tuple[str, ...]]:
    """The claim ids of each row of the detail pane's seen-before list."""
    tree = window.detail.seen_list
    items = (tree.topLevelItem(i) for i in range(tree.topLevelItemCount()))
    return [item.data(COL_CLAIMS, CLAIM_IDS_ROLE) for item in items if item is not None]


def test_window_lists_the_claims(
    window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    assert window.windowTitle() == f"Claim workbench — {workspace.location.folder}"
    model = window.claims_view.model()
    assert model.rowCount() == 3
    shown = {model.data(model.index(r, COL_TEXT)) for r in range(model.rowCount())}
    assert shown == {c.text for c in sarwan_claims}
    assert window.statusBar().currentMessage() == "3 claims in this workspace"


def test_selecting_a_claim_shows_its_fields(
    window: MainWindow, sarwan_claims: list[ClaimView]
) -> None:
    convoy = sarwan_claims[1]
    window.select_claim(convoy.id)
    assert window.selected_claim_id() == convoy.id
    text = window.detail.text()
    assert convoy.text in text
    assert "confirmed" in text and "two angles" in text
    assert "No media attached yet" in text


def test_ingest_attaches_media_and_names_what_was_seen_before(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    checkpoint, convoy, _ = sarwan_claims
    window.select_claim(checkpoint.id)
    first = ingest(qtbot, window, [HOPPER_JPG, PEPPERS_JPG], checkpoint.id)

    assert [r.status for r in first.results] == [IngestStatus.ADDED, IngestStatus.ADDED]
    assert attached_names(workspace, checkpoint.id) == {"hopper.jpg", "peppers.jpg"}
    assert window.statusBar().currentMessage() == (
        "2 added, 0 already stored, 0 refused; 0 seen before"
    )
    assert not window.ingest_progress.isVisible()
    assert window.add_media_action.isEnabled()
    assert "peppers.jpg" in window.detail.text()

    # The same picture as PNG, under another claim: the pane names the earlier copy.
    window.select_claim(convoy.id)
    second = ingest(qtbot, window, [HOPPER_PNG], convoy.id)
    assert second.results[0].status is IngestStatus.ADDED
    assert attached_names(workspace, convoy.id) == {"hopper.png"}
    assert window.statusBar().currentMessage().endswith("; 1 seen before")
    detail = window.detail.text()
    assert "Seen before (" in detail
    assert "hopper.jpg" in detail
    assert seen_under(window) == [(checkpoint.id,)]  # under which claim it was seen
    # ...and the table counts the media, with the seen-before badge.
    model = window.claims_model
    assert model.data(model.index(model.row_of(convoy.id) or 0, 4)) == f"{SEEN_BADGE}  1"


def test_a_hostile_file_is_reported_once_at_the_end(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    claim = sarwan_claims[0]
    outcome = ingest(qtbot, window, [HOPPER_JPG, BROKEN_PNG, PEPPERS_JPG], claim.id)

    assert attached_names(workspace, claim.id) == {"hopper.jpg", "peppers.jpg"}
    assert [r.path for r in outcome.errors] == [str(BROKEN_PNG)]
    assert window.statusBar().currentMessage() == (
        "2 added, 0 already stored, 1 refused; 0 seen before"
    )
    reports = window.findChildren(IngestReportDialog)
    assert len(reports) == 1 and reports[0].isVisible()
    [(path, reason)] = reports[0].rows()
    assert path == str(BROKEN_PNG) and reason
    assert not window.findChildren(QMessageBox)  # one list, not a box per file


def test_importing_again_counts_files_already_stored(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    checkpoint, convoy, _ = sarwan_claims
    ingest(qtbot, window, [HOPPER_JPG], checkpoint.id)
    again = ingest(qtbot, window, [HOPPER_JPG], convoy.id)
    assert again.results[0].status is IngestStatus.EXISTS
    assert attached_names(workspace, convoy.id) == {"hopper.jpg"}
    assert window.statusBar().currentMessage().startswith("0 added, 1 already stored")


def test_cancel_stops_the_import(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    claim = sarwan_claims[0]
    with qtbot.waitSignal(window.ingest_finished, timeout=INGEST_TIMEOUT_MS) as blocker:
        assert window.ingest_paths([str(EXIF_DIR)], claim.id)
        assert window.ingest_progress.isVisibleTo(window)
        assert not window.ingest_paths([str(HOPPER_JPG)], claim.id)  # one at a time
        window.ingest_progress.cancel_button.click()
    outcome: IngestOutcome = blocker.args[0]

    files_in_folder = sum(1 for p in EXIF_DIR.iterdir() if p.is_file())
    assert outcome.cancelled
    assert len(outcome.results) < files_in_folder
    assert window.statusBar().currentMessage().startswith("Import cancelled")
    stored = sum(r.status is not IngestStatus.ERROR for r in outcome.results)
    assert len(workspace.claims.get(claim.id).media) == stored


def test_an_import_that_fails_shows_a_message_not_a_traceback(
    qtbot: QtBot, window: MainWindow, sarwan_claims: list[ClaimView]
) -> None:
    gone = str(uuid.uuid4())  # e.g. the claim was removed by a colleague meanwhile
    outcome = ingest(qtbot, window, [HOPPER_JPG], gone)
    assert outcome.failure == f"no claim with id {gone}"
    [box] = window.findChildren(QMessageBox)
    assert box.isVisible()
    assert box.text() == f"no claim with id {gone}"
    assert window.statusBar().currentMessage() == f"Import failed: no claim with id {gone}"
    assert window.add_media_action.isEnabled()


def test_closing_during_an_import_waits_for_it(
    qtbot: QtBot, window: MainWindow, sarwan_claims: list[ClaimView]
) -> None:
    window.show()
    assert window.ingest_paths([str(EXIF_DIR)], sarwan_claims[0].id)
    window.close()  # cancels and waits: the workspace may be closed right after
    assert window.ingest_running  # the outcome is still to be delivered...
    qtbot.waitUntil(lambda: not window.ingest_running, timeout=INGEST_TIMEOUT_MS)


def test_seen_before_is_shown_while_an_import_writes_the_index(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    checkpoint, convoy, _ = sarwan_claims
    workspace.media.ingest([HOPPER_JPG], claim_id=checkpoint.id)
    with qtbot.waitSignal(window.ingest_finished, timeout=INGEST_TIMEOUT_MS):
        assert window.ingest_paths([str(HOPPER_PNG)], convoy.id)
        window.select_claim(checkpoint.id)  # reads the index while the worker adds to it
        assert "Seen before (" in window.detail.text() or "Not seen before" in (
            window.detail.text()
        )
    detail = window.detail.text()
    assert "Seen before (" in detail and "hopper.png" in detail
    assert seen_under(window) == [(convoy.id,)]
