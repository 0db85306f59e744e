"""File ▸ Import… and dropped bags, exports and archives: the real window, real imports
(and a stand-in reader where the test needs a fixed outcome)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from ui.exchange.import_flow import ImportOutcome, ImportSummaryDialog
from ui.library.ingest import IngestOutcome
from ui.main_window import MainWindow
from ui.window import jobs as window_jobs
from workbench import exchange
from workbench.base.errors import Cancelled
from workbench.claims.views import ClaimView, ImportIssue, ImportSummary
from workbench.exchange.scope import ExportScope
from workbench.sample import create_sample_case
from workbench.workspace import Workspace

DATA = Path(__file__).resolve().parents[2] / "data"
HOPPER_JPG = DATA / "neardup" / "hopper.jpg"
TIMEOUT_MS = 60_000
CLAIMS_CSV = (
    "text,source,url,posted_at\n"
    "Bridge at Qabasin destroyed overnight,twitter:@northfront,"
    "https://twitter.com/northfront/status/1,2015-06-03T05:00:00Z\n"
)


def file_mime(*paths: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def drop_on(target: QWidget, mime: QMimeData, pos: QPoint | None = None) -> bool:
    """A whole drag (enter, move) and the drop at ``pos``; True if the drop was taken."""
    pos = pos or QPoint(10, 10)
    actions = Qt.DropAction.CopyAction
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QApplication.sendEvent(target, QDragEnterEvent(pos, actions, mime, buttons, mods))
    QApplication.sendEvent(target, QDragMoveEvent(pos, actions, mime, buttons, mods))
    drop = QDropEvent(
        QPointF(pos),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        QEvent.Type.Drop,
    )
    QApplication.sendEvent(target, drop)
    return drop.isAccepted()


def import_via_menu(
    qtbot: QtBot, window: MainWindow, paths: list[Path], monkeypatch: pytest.MonkeyPatch
) -> ImportOutcome:
    monkeypatch.setattr(
        window_jobs.QFileDialog,
        "getOpenFileNames",
        staticmethod(lambda *_args, **_kw: ([str(p) for p in paths], "")),
    )
    with qtbot.waitSignal(window.import_finished, timeout=TIMEOUT_MS) as blocker:
        window.import_action.trigger()
    outcome = blocker.args[0]
    assert isinstance(outcome, ImportOutcome)
    return outcome


def shown_summary(window: MainWindow) -> ImportSummaryDialog:
    dialog = window.import_summary
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_the_summary_lists_added_merged_skipped_and_conflicts(
    qtbot: QtBot,
    window: MainWindow,
    sarwan_claims: list[ClaimView],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checkpoint, convoy, beheadings = sarwan_claims
    archive = tmp_path / "posts.jsonl"
    archive.write_text("{}\n")
    fixed = ImportSummary(
        str(archive),
        "twarc",
        added=(checkpoint.id,),
        merged=(convoy.id, beheadings.id),
        skipped=(ImportIssue("posts.jsonl line 7", "not JSON"),),
        conflicts=(ImportIssue(f"claim {convoy.id[:8]}", "verdict differs: theirs kept"),),
        media_added=2,
        media_existing=1,
    )
    asked: list[tuple[Path, str | None]] = []

    def fake_import(_ws: Workspace, path: Path, **kwargs: Any) -> ImportSummary:
        asked.append((path, kwargs.get("case")))
        return fixed

    monkeypatch.setattr(exchange, "import_path", fake_import)
    assert window.import_action.shortcut().toString() == "Ctrl+I"
    outcome = import_via_menu(qtbot, window, [archive], monkeypatch)

    assert asked == [(archive, None)]
    assert outcome.summaries == (fixed,)
    dialog = shown_summary(window)
    assert dialog.windowTitle() == "Import finished with notes"
    assert dialog.intro.text() == (
        "posts.jsonl: 1 added, 2 merged, 1 skipped, 1 conflict; 2 media added, 1 already stored"
    )
    assert dialog.rows("skipped") == [("posts.jsonl line 7", "not JSON")]
    assert dialog.rows("conflicts") == [(f"claim {convoy.id[:8]}", "verdict differs: theirs kept")]
    assert dialog.rows("added") == [(checkpoint.text, "")]
    assert [text for text, _ in dialog.rows("merged")] == [convoy.text, beheadings.text]
    assert dialog.rows("refused") == []
    assert window.statusBar().currentMessage() == f"Imported {dialog.intro.text()}"
    dialog.grab().save("/tmp/import_summary_fixed.png")

    # Activating a listed claim shows it in the window.
    window.select_claim(None)
    tree = dialog.tree
    for number in range(tree.topLevelItemCount()):
        head = tree.topLevelItem(number)
        if head is not None and head.text(0).startswith("Added"):
            child = head.child(0)
            assert child is not None
            tree.itemActivated.emit(child, 0)
    assert window.selected_claim_id() == checkpoint.id
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert window.import_summary is None


def test_a_claims_csv_dropped_on_the_window_is_imported(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, tmp_path: Path
) -> None:
    table = tmp_path / "claims.csv"
    table.write_text(CLAIMS_CSV, encoding="utf-8")
    before = window.claims_model.rowCount()
    with qtbot.waitSignal(window.import_finished, timeout=TIMEOUT_MS) as blocker:
        assert drop_on(window.claims_view.viewport(), file_mime(table))
    outcome = blocker.args[0]
    [summary] = outcome.summaries
    assert summary.format == "csv" and len(summary.added) == 1
    assert outcome.clean
    assert window.import_summary is None  # all clean: the status bar says it
    assert window.statusBar().currentMessage() == "Imported claims.csv: 1 added, 0 merged"
    assert window.claims_model.rowCount() == before + 1  # the table was refreshed
    assert workspace.claims.get(summary.added[0]).text.startswith("Bridge at Qabasin")


def test_skipped_lines_are_listed_with_their_reason(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = tmp_path / "claims.csv"
    table.write_text(CLAIMS_CSV + ",twitter:@empty,,\n", encoding="utf-8")
    import_via_menu(qtbot, window, [table], monkeypatch)
    dialog = shown_summary(window)
    [(where, why)] = dialog.rows("skipped")
    assert where == "claims.csv line 3"
    assert "text" in why
    assert len(dialog.rows("added")) == 1


def test_a_refused_import_shows_the_reason(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bogus = tmp_path / "bundle.zip"
    bogus.write_bytes(b"PK\x03\x04 not really a zip")
    before = window.claims_model.rowCount()
    outcome = import_via_menu(qtbot, window, [bogus], monkeypatch)
    [summary] = outcome.summaries
    assert summary.refused
    dialog = shown_summary(window)
    assert dialog.windowTitle() == "Import refused"
    assert dialog.rows("refused") == [(str(bogus), summary.refused)]
    assert dialog.intro.text() == f"bundle.zip: refused — {summary.refused}"
    assert window.statusBar().currentMessage().startswith("Import refused bundle.zip")
    assert window.claims_model.rowCount() == before


def test_a_bag_from_another_workspace_brings_claims_and_originals(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    other = Workspace.open(tmp_path / "other", analyst="colleague")
    try:
        create_sample_case(other)
        bag = tmp_path / "sample.zip"
        exchange.export(other, "bag", ExportScope(), bag)
    finally:
        other.close()
    before = window.claims_model.rowCount()
    with qtbot.waitSignal(window.import_finished, timeout=TIMEOUT_MS) as blocker:
        assert drop_on(window, file_mime(bag))
    [summary] = blocker.args[0].summaries
    assert (len(summary.added), summary.media_added) == (6, 9)
    assert window.claims_model.rowCount() == before + 6
    assert window.statusBar().currentMessage() == (
        "Imported sample.zip: 6 added, 0 merged; 9 media added, 0 already stored"
    )


def test_the_summary_of_a_json_export_of_the_sample_case(
    qtbot: QtBot, workspace: Workspace, tmp_path: Path
) -> None:
    """A JSON export carries no originals: its media are listed as skipped. Screenshot."""
    other = Workspace.open(tmp_path / "other", analyst="colleague")
    try:
        create_sample_case(other)
        export = tmp_path / "sample.json"
        exchange.export(other, "json", ExportScope(), export)
    finally:
        other.close()
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.import_finished, timeout=TIMEOUT_MS):
        assert window.import_paths([export])
    dialog = shown_summary(window)
    assert len(dialog.rows("added")) == 6
    skipped = dialog.rows("skipped")
    assert skipped and all("carries no originals" in why for _, why in skipped)
    assert dialog.width() <= 1366 and dialog.height() <= 768
    head = dialog.tree.topLevelItem(0)
    assert head is not None and head.text(0) == "Skipped (9)"
    dialog.tree.setCurrentItem(head.child(0))
    assert dialog.detail.text() == "\n".join(skipped[0])  # the line whole, not elided
    dialog.grab().save("/tmp/import_summary.png")


def test_media_still_go_to_ingest_and_archives_to_import(
    qtbot: QtBot,
    window: MainWindow,
    workspace: Workspace,
    sarwan_claims: list[ClaimView],
    tmp_path: Path,
) -> None:
    claim = sarwan_claims[0]
    window.select_claim(claim.id)
    with qtbot.waitSignal(window.ingest_finished, timeout=TIMEOUT_MS) as blocker:
        assert drop_on(window, file_mime(HOPPER_JPG))
    assert isinstance(blocker.args[0], IngestOutcome)
    assert {m.original_name for m in workspace.claims.get(claim.id).media} == {"hopper.jpg"}

    export = tmp_path / "mine.json"
    exchange.export(workspace, "json", ExportScope(), export)
    with qtbot.waitSignal(window.import_finished, timeout=TIMEOUT_MS) as blocker:
        assert drop_on(window, file_mime(export))
    [summary] = blocker.args[0].summaries
    assert summary.format == "json"
    assert len(summary.merged) == len(sarwan_claims)  # the same claims: merged, not doubled


def test_a_mixed_drop_imports_then_stores_the_media(
    qtbot: QtBot,
    window: MainWindow,
    workspace: Workspace,
    sarwan_claims: list[ClaimView],
    tmp_path: Path,
) -> None:
    claim = sarwan_claims[1]
    window.select_claim(claim.id)
    table = tmp_path / "claims.csv"
    table.write_text(CLAIMS_CSV, encoding="utf-8")
    with (
        qtbot.waitSignal(window.ingest_finished, timeout=TIMEOUT_MS),
        qtbot.waitSignal(window.import_finished, timeout=TIMEOUT_MS),
    ):
        assert drop_on(window.detail.fields.viewport(), file_mime(table, HOPPER_JPG))
    assert {m.original_name for m in workspace.claims.get(claim.id).media} == {"hopper.jpg"}
    # The media's line replaces the import's in the status bar: the summary keeps it.
    dialog = shown_summary(window)
    assert len(dialog.rows("added")) == 1
    assert window.statusBar().currentMessage().startswith("1 added")


def test_cancel_stops_the_import_and_nothing_else_runs_meanwhile(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def held_import(_ws: Workspace, path: Path, *, should_cancel: Any, **_kw: Any) -> Any:
        deadline = time.monotonic() + 20
        while not should_cancel() and time.monotonic() < deadline:
            time.sleep(0.01)
        raise Cancelled("import cancelled")

    monkeypatch.setattr(exchange, "import_path", held_import)
    archive = tmp_path / "result.json"
    archive.write_text("{}")
    with qtbot.waitSignal(window.import_finished, timeout=TIMEOUT_MS) as blocker:
        assert window.import_paths([archive])
        assert window.import_progress.isVisible()
        assert not window.import_action.isEnabled()
        assert not window.ingest_paths([str(HOPPER_JPG)])  # one import at a time
        assert window.statusBar().currentMessage().startswith("An import is already running")
        assert not window.import_paths([archive])
        qtbot.mouseClick(window.import_progress.cancel_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0].cancelled
    assert window.statusBar().currentMessage() == "Import cancelled: nothing imported"
    assert window.import_summary is None
    assert not window.import_progress.isVisible()
    assert window.import_action.isEnabled() and window.add_media_action.isEnabled()


def test_import_folder_asks_for_a_folder(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "telegram"
    folder.mkdir()
    taken: list[Path] = []

    def fake_import(_ws: Workspace, path: Path, **_kw: Any) -> ImportSummary:
        taken.append(path)
        return ImportSummary(str(path), "telegram")

    monkeypatch.setattr(exchange, "import_path", fake_import)
    monkeypatch.setattr(
        window_jobs.QFileDialog,
        "getExistingDirectory",
        staticmethod(lambda *_args, **_kw: str(folder)),
    )
    with qtbot.waitSignal(window.import_finished, timeout=TIMEOUT_MS):
        window.import_folder_action.trigger()
    assert taken == [folder]
    assert window.statusBar().currentMessage() == "Imported telegram: 0 added, 0 merged"
