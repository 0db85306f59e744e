"""File ▸ Export…: the dialog on the real window, exports written and read back."""

from __future__ import annotations

import csv
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAccessible, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QMessageBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from ui.exchange import export_dialog
from ui.exchange.export_dialog import CANCELLED, ExportDialog
from ui.main_window import MainWindow
from workbench import exchange
from workbench.base.errors import Cancelled
from workbench.claims.views import ClaimView
from workbench.exchange.scope import ExportScope
from workbench.sample import create_sample_case
from workbench.workspace import Workspace

EXPORT_TIMEOUT_MS = 60_000


def unnamed_controls(top: QWidget) -> list[str]:
    """Shown controls that take focus without a name a screen reader can say (as in
    test_accessibility)."""
    unnamed = []
    kinds = (QAbstractButton, QAbstractItemView, QAbstractSpinBox, QComboBox, QLineEdit)
    for kind in kinds:
        for widget in top.findChildren(kind):
            inner = widget.objectName().startswith("qt_")
            if inner or not widget.isVisibleTo(top) or widget.focusPolicy() == 0:
                continue
            face = QAccessible.queryAccessibleInterface(widget)
            if face is None or not face.text(QAccessible.Text.Name):
                unnamed.append(type(widget).__name__)
    return unnamed


def open_dialog(qtbot: QtBot, window: MainWindow) -> ExportDialog:
    window.export_action.trigger()
    dialog = window.export_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    # The count of matching claims runs off the UI thread: let it land.
    qtbot.waitUntil(lambda: "Counting" not in dialog.match_count.text())
    return dialog


def choose(dialog: ExportDialog, fmt: str, out: Path) -> None:
    dialog.format.setCurrentIndex(dialog.format.findData(fmt))
    dialog.path_edit.setText(str(out))


def export(qtbot: QtBot, dialog: ExportDialog) -> str:
    """Press Enter in the dialog (its default button exports) and wait for the outcome."""
    with qtbot.waitSignal(dialog.finished_export, timeout=EXPORT_TIMEOUT_MS) as blocker:
        qtbot.keyClick(dialog.path_edit, Qt.Key.Key_Return)
    message = blocker.args[0]
    assert dialog.message.text() == message
    return str(message)


def csv_ids(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [row["id"] for row in csv.DictReader(fh)]


def test_a_csv_of_the_refuted_claims_holds_exactly_those(
    qtbot: QtBot, window: MainWindow, sarwan_claims: list[ClaimView], tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, window)
    assert dialog.windowModality() == Qt.WindowModality.WindowModal  # open(), not exec()
    assert dialog.match_count.text() == "3 claims match"  # nothing ticked: every status
    out = tmp_path / "refuted.csv"
    choose(dialog, "csv", out)
    dialog.status_boxes["refuted"].setChecked(True)
    qtbot.waitUntil(lambda: dialog.match_count.text() == "1 claim matches")

    message = export(qtbot, dialog)

    refuted = [c.id for c in sarwan_claims if c.status == "refuted"]
    assert csv_ids(out) == refuted
    assert message == f"Exported 1 claim to {out}"
    assert window.statusBar().currentMessage() == message
    assert dialog.isVisible()  # stays, to export the same claims another way
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_an_excel_workbook_is_offered_beside_csv(
    qtbot: QtBot,
    window: MainWindow,
    workspace: Workspace,
    sarwan_claims: list[ClaimView],
    tmp_path: Path,
) -> None:
    import openpyxl

    dialog = open_dialog(qtbot, window)
    formats = [dialog.format.itemData(i) for i in range(dialog.format.count())]
    assert formats.index("xlsx") == formats.index("csv") + 1
    dialog.format.setCurrentIndex(dialog.format.findData("xlsx"))
    assert dialog.path_edit.text().endswith(".xlsx")  # the default name follows
    assert export_dialog.FILE_FILTERS["xlsx"] == "Excel workbook (*.xlsx)"
    out = tmp_path / "claims.xlsx"
    choose(dialog, "xlsx", out)
    message = export(qtbot, dialog)
    assert message == f"Exported 3 claims to {out}"
    sheet = openpyxl.load_workbook(out).active
    assert sheet.freeze_panes == "A2"
    ids = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(ids) == sorted(c.id for c in sarwan_claims)
    same = tmp_path / "same.csv"
    exchange.export(workspace, "csv", ExportScope(), same)
    assert csv_ids(same) == ids  # the same rows as the CSV, in the same order


def test_only_the_selected_claim(
    qtbot: QtBot, window: MainWindow, sarwan_claims: list[ClaimView], tmp_path: Path
) -> None:
    convoy = sarwan_claims[1]
    window.select_claim(convoy.id)
    dialog = open_dialog(qtbot, window)
    assert dialog.only_selected.isVisible()
    assert "Convoy of reinforcements" in dialog.only_selected.text()
    dialog.status_boxes["refuted"].setChecked(True)  # overridden by the selection
    dialog.only_selected.setChecked(True)
    assert not dialog.status_boxes["refuted"].isEnabled()
    qtbot.waitUntil(lambda: dialog.match_count.text() == "1 claim matches")
    out = tmp_path / "one.csv"
    choose(dialog, "csv", out)
    export(qtbot, dialog)
    assert csv_ids(out) == [convoy.id]


def test_without_a_selection_there_is_no_only_selected_choice(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.select_claim(None)
    dialog = open_dialog(qtbot, window)
    assert not dialog.only_selected.isVisible()
    assert dialog.scope().claim_ids == ()


def test_it_opens_on_the_tables_filters(
    qtbot: QtBot, window: MainWindow, sarwan_claims: list[ClaimView]
) -> None:
    bar = window.filter_bar
    bar.status.setCurrentIndex(bar.status.findData("confirmed"))
    bar.tag.setCurrentIndex(bar.tag.findData("checkpoint"))
    dialog = open_dialog(qtbot, window)
    scope = dialog.scope()
    assert scope.statuses == ("confirmed",)
    assert scope.tags == ("checkpoint",)
    assert dialog.match_count.text() == "No claims match: the export is empty"


def test_the_default_file_follows_the_format(qtbot: QtBot, window: MainWindow) -> None:
    dialog = open_dialog(qtbot, window)
    path = Path(dialog.path_edit.text())
    assert path.name == f"claims-{date.today().isoformat()}.pdf"
    assert path.parent.is_dir()
    dialog.format.setCurrentIndex(dialog.format.findData("bag"))
    assert Path(dialog.path_edit.text()).name == f"claims-{date.today().isoformat()}.zip"
    dialog.format.setCurrentIndex(dialog.format.findData("claimreview"))
    assert dialog.path_edit.text().endswith(".jsonld")


def test_open_when_done_hands_the_file_to_the_desktop(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(open_url))
    dialog = open_dialog(qtbot, window)
    out = tmp_path / "page.html"
    choose(dialog, "html", out)
    dialog.open_when_done.setChecked(True)
    message = export(qtbot, dialog)
    assert message.startswith("Exported 3 claims")
    assert out.is_file()
    assert opened == [QUrl.fromLocalFile(str(out))]


def test_cancel_writes_nothing_and_says_so(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_export = exchange.export

    checks = []

    def slow_export(*args: Any, should_cancel: Any, **kwargs: Any) -> Any:
        """The real export, held once it writes (gathering asks once per claim) until the
        analyst cancels."""

        def held() -> bool:
            checks.append(1)
            deadline = time.monotonic() + 20
            while len(checks) > 3 and not should_cancel() and time.monotonic() < deadline:
                time.sleep(0.01)
            return bool(should_cancel())

        return real_export(*args, should_cancel=held, **kwargs)

    monkeypatch.setattr(exchange, "export", slow_export)
    dialog = open_dialog(qtbot, window)
    out = tmp_path / "out" / "report.pdf"
    out.parent.mkdir()
    choose(dialog, "pdf", out)
    with qtbot.waitSignal(dialog.finished_export, timeout=EXPORT_TIMEOUT_MS) as blocker:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
        assert dialog.running
        assert dialog.progress.isVisible() and dialog.cancel_button.isVisible()
        assert not dialog.export_button.isEnabled()
        qtbot.waitUntil(lambda: len(checks) > 3)  # the report is being written
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Esc while exporting: cancel, stay open
        assert dialog.isVisible()
    assert blocker.args == [CANCELLED]
    assert dialog.message.text() == "Export cancelled: nothing written"
    assert not out.exists()
    assert len(checks) > 3  # it was writing when cancelled
    assert list(out.parent.iterdir()) == []  # no temporary file left either
    assert not dialog.running and dialog.export_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # now Esc closes
    assert not dialog.isVisible()


def test_an_unwritable_folder_is_a_message_not_a_traceback(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    blocker_file = tmp_path / "not-a-folder"
    blocker_file.write_text("a file where the folder should be")
    dialog = open_dialog(qtbot, window)
    out = blocker_file / "claims.csv"
    choose(dialog, "csv", out)
    message = export(qtbot, dialog)
    assert message.startswith("Export failed: cannot write")
    boxes = [b for b in dialog.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1
    assert boxes[0].windowTitle() == "Cannot export"
    assert str(out) in boxes[0].text()
    assert "Traceback" not in boxes[0].text()
    assert not out.exists()


def test_an_existing_file_is_replaced_only_when_confirmed(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    out = tmp_path / "claims.csv"
    out.write_text("old")
    dialog = open_dialog(qtbot, window)
    choose(dialog, "csv", out)
    qtbot.keyClick(dialog.path_edit, Qt.Key.Key_Return)
    [box] = [b for b in dialog.findChildren(QMessageBox) if b.isVisible()]
    assert not dialog.running and out.read_text() == "old"
    [replace] = [b for b in box.buttons() if b.text() == "Replace"]
    with qtbot.waitSignal(dialog.finished_export, timeout=EXPORT_TIMEOUT_MS):
        replace.click()
    assert len(csv_ids(out)) == 3


def test_a_case_bundle_of_the_sample_case(
    qtbot: QtBot, workspace: Workspace, tmp_path: Path
) -> None:
    """The dialog on the sample case: every control named, a bag written; screenshot."""
    case_id = create_sample_case(workspace)
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.choose_case(case_id)
    dialog = open_dialog(qtbot, window)
    assert unnamed_controls(dialog) == []
    assert dialog.scope().case_ids == (case_id,)
    dialog.tags.item(0).setCheckState(Qt.CheckState.Checked)
    dialog.tags.item(0).setCheckState(Qt.CheckState.Unchecked)
    hint = dialog.sizeHint()
    assert hint.width() <= 1366 and hint.height() <= 700  # fits a small laptop screen
    dialog.grab().save("/tmp/export_dialog.png")
    out = tmp_path / "case.zip"
    choose(dialog, "bag", out)
    message = export(qtbot, dialog)
    assert message.startswith("Exported 6 claims and 9 originals to")
    assert out.is_file()
    dialog.grab().save("/tmp/export_dialog_done.png")


def test_open_file_passes_a_local_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen: list[QUrl] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", staticmethod(lambda url: seen.append(url) or True)
    )
    assert export_dialog.open_file(tmp_path / "x.pdf")
    assert seen == [QUrl.fromLocalFile(str(tmp_path / "x.pdf"))]


def test_closing_the_window_stops_a_running_export(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def held_export(*_args: Any, should_cancel: Any, **_kwargs: Any) -> Any:
        deadline = time.monotonic() + 20
        while not should_cancel() and time.monotonic() < deadline:
            time.sleep(0.01)
        raise Cancelled("export cancelled")

    monkeypatch.setattr(exchange, "export", held_export)
    dialog = open_dialog(qtbot, window)
    choose(dialog, "csv", tmp_path / "never.csv")
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.running
    started = time.monotonic()
    window.close()  # cancels the export and waits for it, well before the 20 s hold
    assert time.monotonic() - started < 10
    assert not (tmp_path / "never.csv").exists()
