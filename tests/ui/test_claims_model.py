"""The claims table model, tested without a view."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from ui.claims_model import (
    CLAIM_ID_ROLE,
    COL_MEDIA,
    COL_POSTED,
    COL_SOURCE,
    COL_STATUS,
    COL_TEXT,
    SORT_ROLE,
    ClaimsModel,
)
from workbench.views import ClaimView
from workbench.workspace import Workspace


def test_model_passes_the_qt_model_contract(
    qtmodeltester: ModelTester, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    model = ClaimsModel(workspace.claims.find)
    model.refresh()
    qtmodeltester.check(model)
    assert model.rowCount() == len(sarwan_claims)


def test_empty_model_passes_the_contract(qtmodeltester: ModelTester, workspace: Workspace) -> None:
    model = ClaimsModel(workspace.claims.find)
    model.refresh()
    qtmodeltester.check(model)
    assert model.rowCount() == 0


def test_rows_show_the_claims_and_carry_their_ids(
    workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    model = ClaimsModel(workspace.claims.find)
    model.refresh()
    checkpoint, convoy, beheadings = sarwan_claims

    def cell(row: int, column: int, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        return model.data(model.index(row, column), role)

    assert cell(0, COL_TEXT) == checkpoint.text
    assert cell(0, COL_STATUS) == "unconfirmed"
    assert cell(0, COL_POSTED) == "2015-06-01"
    assert cell(0, COL_SOURCE) == "@group_feed (telegram)"
    assert cell(0, COL_MEDIA) == ""
    assert cell(1, COL_POSTED) == "2015-06-02 06:30 UTC"
    assert cell(1, COL_STATUS) == "confirmed"
    assert cell(2, COL_STATUS) == "refuted"
    assert [cell(r, COL_TEXT, CLAIM_ID_ROLE) for r in range(3)] == [
        checkpoint.id,
        convoy.id,
        beheadings.id,
    ]
    assert cell(2, COL_POSTED, SORT_ROLE) == ""  # no date sorts first
    assert model.row_of(convoy.id) == 1
    assert model.headerData(COL_TEXT, Qt.Orientation.Horizontal) == "Claim"


def test_refresh_picks_up_changes(workspace: Workspace, sarwan_claims: list[ClaimView]) -> None:
    model = ClaimsModel(workspace.claims.find)
    model.refresh()
    workspace.claims.create("Unconfirmed reports suggest new fronts will open")
    model.refresh()
    assert model.rowCount() == len(sarwan_claims) + 1
    assert model.data(model.index(3, COL_TEXT)).startswith("Unconfirmed reports")
