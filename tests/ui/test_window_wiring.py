"""The window's doors to the viewer, the compare view, the settings and the sample case."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image, ImageOps
from PySide6.QtCore import Qt, QThreadPool
from pytestqt.qtbot import QtBot

from ui.library.compare_view import CompareView
from ui.library.media_viewer import MediaViewer
from ui.main_window import MainWindow
from ui.presentation import SEEN_MARK
from ui.settings_dialog import SettingsChoice
from workbench.claims.views import ClaimView
from workbench.settings import Settings
from workbench.workspace import Workspace

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def window(
    qtbot: QtBot, workspace: Workspace, sarwan_claims: list[ClaimView], tmp_path: Path
) -> MainWindow:
    settings = Settings.load(tmp_path / "settings.json")
    win = MainWindow(workspace, settings=settings)
    qtbot.addWidget(win)
    return win


def test_the_media_strip_opens_the_viewer_and_a_seen_before_row_the_compare_view(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    claim = sarwan_claims[0]
    first = workspace.media.ingest([DATA / "neardup" / "hopper.jpg"], claim_id=claim.id)[0]
    second = workspace.media.ingest([DATA / "neardup" / "hopper.png"], claim_id=claim.id)[0]
    peppers = workspace.media.ingest([DATA / "neardup" / "peppers.jpg"], claim_id=claim.id)[0]
    assert first.media and second.media and peppers.media
    window.select_claim(claim.id)
    detail = window.detail
    strip = detail.media_strip
    assert [strip.item(i).text() for i in range(strip.count())] == [
        f"{SEEN_MARK} hopper.jpg",
        f"{SEEN_MARK} hopper.png",
        "peppers.jpg",
    ]
    assert not strip.item(0).icon().isNull()  # the thumbnail
    assert detail.current_media_id() == first.media.id  # the first seen before is chosen
    assert detail.sha_field.text() == first.media.sha256
    assert detail.seen_list.rows()[0][1] == "0"  # the distance

    strip.setCurrentRow(2)  # peppers: nothing resembles it
    assert detail.seen_list.isHidden() and "Not seen before." in detail.text()
    assert detail.sha_field.text() == peppers.media.sha256

    strip.setCurrentRow(0)
    strip.setFocus()
    qtbot.keyClick(strip, Qt.Key.Key_Return)  # Enter opens the viewer
    viewers = window.findChildren(MediaViewer)
    assert len(viewers) == 1 and viewers[0].isVisible()
    assert viewers[0].media.id == first.media.id

    seen = detail.seen_list
    rect = seen.visualItemRect(seen.topLevelItem(0))
    qtbot.mouseClick(seen.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(seen.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    compares = window.findChildren(CompareView)
    assert len(compares) == 1 and compares[0].isVisible()
    assert (compares[0].left.id, compares[0].right.id) == (first.media.id, second.media.id)
    assert QThreadPool.globalInstance().waitForDone(10_000)  # their pictures arrived
    qtbot.wait(10)  # and were delivered to the dialogs
    for dialog in (*viewers, *compares):
        dialog.close()


def test_the_media_name_in_the_facts_opens_the_viewer(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    claim = sarwan_claims[0]
    [result] = workspace.media.ingest([DATA / "neardup" / "peppers.jpg"], claim_id=claim.id)
    assert result.media is not None
    window.select_claim(claim.id)
    link = f"media:{result.media.id}"
    assert link in window.detail.media_facts.text()
    with qtbot.waitSignal(window.detail.media_requested) as blocker:
        window.detail.media_facts.linkActivated.emit(link)
    assert blocker.args == [result.media.id]
    [viewer] = window.findChildren(MediaViewer)
    assert QThreadPool.globalInstance().waitForDone(10_000)
    qtbot.wait(10)
    viewer.close()


def test_settings_change_the_analyst_and_the_threshold(
    window: MainWindow, workspace: Workspace, tmp_path: Path, sarwan_claims: list[ClaimView]
) -> None:
    window.apply_settings(SettingsChoice(analyst="Rana", duplicate_threshold=4))
    assert (workspace.analyst, workspace.max_distance) == ("Rana", 4)
    saved = json.loads((tmp_path / "settings.json").read_text())
    assert saved["analyst"] == "Rana" and saved["duplicate_threshold"] == 4
    workspace.claims.set_status(sarwan_claims[0].id, "confirmed", "geolocated")
    assert workspace.claims.get(sarwan_claims[0].id).decided_by == "Rana"
    reopened = MainWindow(workspace, settings=Settings.load(tmp_path / "settings.json"))
    assert workspace.max_distance == 4
    reopened.close()


def test_choosing_another_workspace_asks_main_to_reopen(window: MainWindow, tmp_path: Path) -> None:
    window.show()
    other = tmp_path / "other-workspace"
    window.apply_settings(SettingsChoice(analyst="Rana", duplicate_threshold=10, workspace=other))
    assert window.switch_to == other and not window.isVisible()


def test_the_sample_case_loads_from_the_help_menu(
    qtbot: QtBot, window: MainWindow, workspace: Workspace
) -> None:
    before = window.claims_model.rowCount()
    window.sample_action.trigger()
    qtbot.waitUntil(lambda: window.claims_model.rowCount() > before, timeout=60_000)
    cases = {c.case_name for c in workspace.claims.find()}
    assert any(name and name.startswith("Sample") for name in cases)


def test_search_as_you_type_and_filters_narrow_the_table(
    qtbot: QtBot, window: MainWindow, sarwan_claims: list[ClaimView]
) -> None:
    checkpoint, convoy, beheadings = sarwan_claims
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.find_action.trigger()
    qtbot.waitUntil(window.filter_bar.search.hasFocus)
    model = window.claims_model
    qtbot.keyClicks(window.filter_bar.search, "S")  # one letter: not a search yet
    assert model.rowCount() == 3
    qtbot.keyClicks(window.filter_bar.search, "arw")
    assert [model.claim_id(r) for r in range(model.rowCount())] == [checkpoint.id]
    window.filter_bar.search.clear()
    assert model.rowCount() == 3
    bar = window.filter_bar
    bar.status.setCurrentIndex(bar.status.findData("refuted"))
    assert [model.claim_id(r) for r in range(model.rowCount())] == [beheadings.id]
    bar.clear()
    bar.source.setCurrentIndex(bar.source.findText("@other_group (twitter)"))
    assert [model.claim_id(r) for r in range(model.rowCount())] == [convoy.id]
    bar.clear()
    bar.tag.setCurrentIndex(bar.tag.findData("checkpoint"))
    assert [model.claim_id(r) for r in range(model.rowCount())] == [checkpoint.id]
    bar.clear()
    bar.seen_before.setChecked(True)
    assert model.rowCount() == 0  # no pictures yet
    assert "0 matching claims" in window.statusBar().currentMessage()


def test_cases_on_the_left_filter_the_table(window: MainWindow, workspace: Workspace) -> None:
    aleppo = workspace.claims.create("convoy seen near Azaz", case="Northern Aleppo")
    workspace.claims.create("unrelated claim", case="Other case")
    window.refresh_claims()
    names = [window.case_list.item(r).text() for r in range(window.case_list.count())]
    assert names[0] == "All claims" and {"Northern Aleppo", "Other case"} <= set(names)
    window.case_list.setCurrentRow(names.index("Northern Aleppo"))
    model = window.claims_model
    assert [model.claim_id(r) for r in range(model.rowCount())] == [aleppo.id]
    assert window.filter_bar.case.currentText() == "Northern Aleppo"
    window.filter_bar.clear()  # the list follows the filter bar back to every claim
    assert window.case_list.currentRow() == 0 and model.rowCount() == 5


def test_the_seen_before_list_says_what_matched(
    window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView], tmp_path: Path
) -> None:
    claim = sarwan_claims[0]
    workspace.media.ingest([DATA / "neardup" / "peppers.png"], claim_id=sarwan_claims[1].id)
    mirrored = tmp_path / "peppers_mirrored.png"
    ImageOps.mirror(Image.open(DATA / "neardup" / "peppers.png").convert("RGB")).save(mirrored)
    workspace.media.ingest([mirrored], claim_id=claim.id)
    window.select_claim(claim.id)
    [(picture, distance, under)] = window.detail.seen_list.rows()
    assert picture.startswith("peppers.png")
    assert distance.endswith("\nmirrored")
    assert sarwan_claims[1].text[:20] in under
