"""The claims table model, tested without a view."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from ui.claims.claims_model import (
    CLAIM_ID_ROLE,
    COL_MEDIA,
    COL_POSTED,
    COL_SOURCE,
    COL_STATUS,
    COL_TEXT,
    SEEN_BEFORE_ROLE,
    ClaimsModel,
)
from ui.presentation import SEEN_BADGE
from workbench.claims.search import ClaimQuery, ClaimSearch
from workbench.claims.views import ClaimView
from workbench.workspace import Workspace


def test_model_passes_the_qt_model_contract(
    qtmodeltester: ModelTester, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    model = ClaimsModel(ClaimSearch(workspace))
    model.refresh()
    qtmodeltester.check(model)
    assert model.rowCount() == len(sarwan_claims)


def test_empty_model_passes_the_contract(qtmodeltester: ModelTester, workspace: Workspace) -> None:
    model = ClaimsModel(ClaimSearch(workspace))
    model.refresh()
    qtmodeltester.check(model)
    assert model.rowCount() == 0


def test_rows_show_the_claims_and_carry_their_ids(
    workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    model = ClaimsModel(ClaimSearch(workspace))
    model.refresh()
    checkpoint, convoy, beheadings = sarwan_claims

    def cell(row: int, column: int, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        return model.data(model.index(row, column), role)

    assert cell(0, COL_TEXT) == checkpoint.text
    assert cell(0, COL_STATUS) == "unconfirmed"
    assert cell(0, COL_POSTED) == "2015-06-01"
    assert cell(0, COL_SOURCE) == "@group_feed (telegram) · F"
    assert cell(0, COL_MEDIA) == ""
    assert cell(1, COL_POSTED) == "2015-06-02 06:30 UTC"
    assert cell(1, COL_STATUS) == "confirmed"
    assert cell(2, COL_STATUS) == "refuted"
    assert [cell(r, COL_TEXT, CLAIM_ID_ROLE) for r in range(3)] == [
        checkpoint.id,
        convoy.id,
        beheadings.id,
    ]
    assert cell(0, COL_MEDIA, SEEN_BEFORE_ROLE) is False
    assert model.row_of(convoy.id) == 1
    assert model.headerData(COL_TEXT, Qt.Orientation.Horizontal) == "Claim"


def test_refresh_picks_up_changes(workspace: Workspace, sarwan_claims: list[ClaimView]) -> None:
    model = ClaimsModel(ClaimSearch(workspace))
    model.refresh()
    workspace.claims.create("Unconfirmed reports suggest new fronts will open")
    model.refresh()
    assert model.rowCount() == len(sarwan_claims) + 1
    assert model.data(model.index(3, COL_TEXT)).startswith("Unconfirmed reports")


def test_sorting_and_searching_are_done_by_the_database(
    workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    checkpoint, convoy, beheadings = sarwan_claims
    model = ClaimsModel(ClaimSearch(workspace))
    model.refresh()
    model.sort(COL_POSTED, Qt.SortOrder.DescendingOrder)
    assert [model.claim_id(r) for r in range(3)] == [convoy.id, checkpoint.id, beheadings.id]
    model.set_query(ClaimQuery(text="Sarw"))
    assert [model.claim_id(r) for r in range(model.rowCount())] == [checkpoint.id]
    model.set_query(ClaimQuery(status="refuted"))
    assert model.data(model.index(0, COL_TEXT)) == beheadings.text


def test_rows_are_fetched_a_page_at_a_time(workspace: Workspace) -> None:
    from ui.claims import claims_model

    for n in range(claims_model.PAGE + 5):
        workspace.claims.create(f"claim number {n}")
    search = ClaimSearch(workspace)
    asked: list[int] = []
    real_rows = search.rows
    search.rows = lambda ids: asked.append(len(ids)) or real_rows(ids)  # type: ignore[method-assign]
    model = ClaimsModel(search)
    model.refresh()
    assert model.rowCount() == claims_model.PAGE + 5 and asked == []
    assert model.data(model.index(0, COL_TEXT)) == "claim number 0"
    assert model.data(model.index(claims_model.PAGE + 4, COL_TEXT)).startswith("claim number")
    model.data(model.index(1, COL_TEXT))  # the first page is kept
    assert asked == [claims_model.PAGE, 5]


def test_seen_before_shows_as_a_badge(workspace: Workspace) -> None:
    from pathlib import Path

    data = Path(__file__).resolve().parents[2] / "data" / "neardup"
    first = workspace.claims.create("first appearance")
    later = workspace.claims.create("recycled picture")
    workspace.media.ingest([data / "hopper.jpg"], claim_id=first.id)
    workspace.media.ingest([data / "hopper.png"], claim_id=later.id)
    model = ClaimsModel(ClaimSearch(workspace))
    model.refresh()
    row = model.row_of(later.id)
    assert row is not None
    assert model.data(model.index(row, COL_MEDIA), SEEN_BEFORE_ROLE) is True
    assert SEEN_BADGE in model.data(model.index(row, COL_MEDIA))
