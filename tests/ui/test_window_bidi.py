"""The window shows a spoofed name as it is, and a claim's text cannot reorder its row.

A file named ``photo‮gnp.exe`` (U+202E, right-to-left override) read ``photoexe.png`` in
the media strip, and the override in its name reversed the facts beside it ("BK 3.6,
821×821"); the same for a handle in the claims table (issue 14).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from ui.claims.claim_detail import ClaimDetailPane
from ui.claims.claims_model import COL_SOURCE, COL_TEXT, ClaimsModel
from ui.claims.detail_html import claim_html, load_claim_detail, media_html
from ui.library.compare_view import CompareView
from ui.library.media_viewer import MediaViewer
from ui.main_window import MainWindow
from workbench.base.bidi import FSI, PDI
from workbench.claims.search import ClaimRow
from workbench.workspace import Workspace

DATA = Path(__file__).resolve().parents[1] / "data"
RLO = "\u202e"


def _spoofed(workspace: Workspace, tmp_path: Path) -> str:
    picture = tmp_path / f"photo{RLO}gnp.exe"
    shutil.copyfile(DATA / "neardup" / "hopper.png", picture)
    claim = workspace.claims.create(
        f"Text with an override {RLO}desrever",
        source=("telegram", f"@news{RLO}lanigiro"),
        post_url=f"https://t.me/news{RLO}/5",
        tags=[f"tag{RLO}x"],
    )
    workspace.media.ingest([picture], claim_id=claim.id)
    return claim.id


def test_detail_pane_reveals_names_and_fences_what_was_written(
    qtbot: QtBot, workspace: Workspace, tmp_path: Path
) -> None:
    detail = load_claim_detail(workspace, _spoofed(workspace, tmp_path))
    html = claim_html(detail.claim)
    assert "@news⟨RLO⟩lanigiro" in html and "https://t.me/news⟨RLO⟩/5" in html
    assert f"{FSI}Text with an override {RLO}desrever{PDI}" in html
    assert f"{FSI}tag{RLO}x{PDI}" in html
    facts = media_html(detail.media[0])
    assert "photo⟨RLO⟩gnp.exe" in facts and RLO not in facts

    pane = ClaimDetailPane()
    qtbot.addWidget(pane)
    pane.show_detail(detail)
    strip = pane.media_strip.item(0)
    assert "photo⟨RLO⟩gnp.exe" in strip.text() and RLO not in strip.text()
    assert RLO not in strip.toolTip()
    assert "photo⟨RLO⟩gnp.exe" in pane.media_facts.text()


def test_claims_table_reveals_the_handle_and_fences_the_text() -> None:
    row = ClaimRow(
        "id", "refuted", None, f"@news{RLO}lanigiro (telegram)", "C", f"a {RLO}b", 1, False, None
    )
    source = ClaimsModel._display(row, COL_SOURCE)
    assert source == "@news⟨RLO⟩lanigiro (telegram) · C"
    assert ClaimsModel._display(row, COL_TEXT) == f"{FSI}a {RLO}b{PDI}"


def test_the_window_shows_markers_and_isolates_everywhere(
    qtbot: QtBot, workspace: Workspace, tmp_path: Path
) -> None:
    """Through the real window: the table's cells, the pane, the seen-before row naming the
    other copy, and the viewer's and the compare view's titles. What is stored is exact."""
    claim_id = _spoofed(workspace, tmp_path)
    copy = tmp_path / f"copy{RLO}gnp.exe"  # the same picture again: a seen-before row
    shutil.copyfile(DATA / "neardup" / "hopper.jpg", copy)
    workspace.media.ingest([copy], claim_id=claim_id)
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    window.show()
    window.select_claim(claim_id)

    model, row = window.claims_model, window.claims_model.row_of(claim_id)
    assert row is not None
    assert model.index(row, COL_SOURCE).data() == "@news⟨RLO⟩lanigiro (telegram) · F"
    assert (
        model.index(row, COL_SOURCE)
        .data(Qt.ItemDataRole.ToolTipRole)
        .startswith("@news⟨RLO⟩lanigiro")
    )
    text = model.index(row, COL_TEXT).data()
    assert text == f"{FSI}Text with an override {RLO}desrever{PDI}"
    shown = window.detail.text()
    assert "@news⟨RLO⟩lanigiro" in shown and "https://t.me/news⟨RLO⟩/5" in shown

    strip = window.detail.media_strip
    names = [strip.item(i).text() for i in range(strip.count())]
    assert all(RLO not in name for name in names)
    assert any("photo⟨RLO⟩gnp.exe" in name for name in names)
    assert any("copy⟨RLO⟩gnp.exe" in name for name in names)
    [(picture, _distance, under)] = window.detail.seen_list.rows()
    assert "⟨RLO⟩gnp.exe" in picture and RLO not in picture
    assert under == "this claim"

    pictures = {m.original_name: m.media_id for m in workspace.claims.get(claim_id).media}
    assert set(pictures) == {f"photo{RLO}gnp.exe", f"copy{RLO}gnp.exe"}  # stored exactly
    viewer = MediaViewer(workspace, pictures[f"photo{RLO}gnp.exe"])
    qtbot.addWidget(viewer)
    assert viewer.windowTitle() == "photo⟨RLO⟩gnp.exe — media viewer"
    compare = CompareView(workspace, *pictures.values())
    qtbot.addWidget(compare)
    assert RLO not in compare.windowTitle() and compare.windowTitle().count("⟨RLO⟩") == 2
    assert RLO not in compare.left_title.text()
    qtbot.waitUntil(lambda: viewer.is_loaded and compare.is_loaded, timeout=10_000)


def test_case_list_and_filter_pickers_reveal_names(qtbot: QtBot) -> None:
    from ui.claims.case_list import CaseList
    from ui.claims.filter_bar import _fill

    cases = CaseList()
    qtbot.addWidget(cases)
    cases.set_cases([("c1", f"Aleppo {RLO}esac")])
    assert cases.item(1).text() == "Aleppo ⟨RLO⟩esac" and RLO not in cases.item(1).toolTip()
    combo = QComboBox()
    qtbot.addWidget(combo)
    _fill(combo, [("s1", f"@news{RLO}lanigiro (telegram)")])
    assert combo.itemText(1) == "@news⟨RLO⟩lanigiro (telegram)"
    assert combo.itemData(1) == "s1"  # the filter still means that very source


def test_the_window_title_reveals_the_workspace_folder(qtbot: QtBot, tmp_path: Path) -> None:
    """A folder named with an override cannot pass for another in the title bar."""
    workspace = Workspace.open(tmp_path / f"desk{RLO}krow", analyst="t")
    try:
        window = MainWindow(workspace)
        qtbot.addWidget(window)
        assert window.windowTitle().endswith("desk⟨RLO⟩krow") and RLO not in window.windowTitle()
    finally:
        workspace.close()
