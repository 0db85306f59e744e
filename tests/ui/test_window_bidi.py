"""The window shows a spoofed name as it is, and a claim's text cannot reorder its row.

A file named ``photo‮gnp.exe`` (U+202E, right-to-left override) read ``photoexe.png`` in
the media strip, and the override in its name reversed the facts beside it ("BK 3.6,
821×821"); the same for a handle in the claims table (issue 14).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pytestqt.qtbot import QtBot

from ui.claim_detail import ClaimDetailPane, claim_html, load_claim_detail, media_html
from ui.claims_model import COL_SOURCE, COL_TEXT, ClaimsModel
from workbench.bidi import FSI, PDI
from workbench.search import ClaimRow
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
