"""The timeline and the map in the window: Ctrl+Shift+T and Ctrl+Shift+M show the claims
the table shows; a click on a dot selects its claim in the table and the detail pane, and
selecting in the table marks the dot; the wheel and the keys zoom and pan; "Only claims in
view" filters the table by the map's area and follows it; an MBTiles file from Settings is
drawn under the outlines, and a bad one is named instead of drawn; the editor keeps a
location's precision."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from ui.main_window import MainWindow
from ui.plots.map_view import MapView
from ui.plots.plotting import PlotData
from ui.plots.timeline_view import LANES, TimelineView, ticks
from ui.settings_dialog import SettingsChoice
from workbench.claims.search import Plotted
from workbench.claims.views import ClaimView
from workbench.workspace import Workspace

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
SCREENSHOTS = Path("/tmp")  # kept for a person to look at


def _place(workspace: Workspace, claims: list[ClaimView]) -> dict[str, str]:
    checkpoint, convoy, beheadings = claims
    workspace.claims.update(
        checkpoint.id, latitude=36.4581, longitude=37.1732, location_precision="exact"
    )
    workspace.claims.update(
        convoy.id, latitude=36.2, longitude=37.15, observed_at="2015-06-02T05:00:00Z"
    )
    far = workspace.claims.create(
        "Claim about Tunis", latitude=36.8, longitude=10.18, posted_at="2015-06-03T12:00:00Z"
    )
    return {
        "checkpoint": checkpoint.id,
        "convoy": convoy.id,
        "beheadings": beheadings.id,
        "far": far.id,
    }


def _loaded(qtbot: QtBot, window: MainWindow, count: int) -> None:
    qtbot.waitUntil(lambda: window.plots.panel.data.count == count, timeout=5000)


def _dot(view: TimelineView, claim_id: str, lane: int = 0) -> QPoint:
    index = view._data.index_of(claim_id)
    assert index is not None
    xs, ys = view._positions(lane)
    return QPoint(round(xs[index]), round(ys[index]))


def test_the_timeline_shows_the_tables_claims_and_selects_in_step(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    ids = _place(workspace, sarwan_claims)
    window.refresh_claims()
    qtbot.keyClick(window.claims_view, Qt.Key.Key_T, CTRL_SHIFT)
    assert (
        window.plots.isVisible()
        and window.plots.panel.currentWidget() is window.plots.panel.timeline
    )
    _loaded(qtbot, window, 4)
    timeline = window.plots.panel.timeline
    qtbot.waitExposed(timeline)
    point = _dot(timeline, ids["far"])
    qtbot.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=point)
    assert window.selected_claim_id() == ids["far"]
    assert "Tunis" in window.detail.fields.toPlainText()
    window.select_claim(ids["convoy"])
    assert timeline._selected == ids["convoy"]
    # the convoy has both times: a dot in each lane
    assert _dot(timeline, ids["convoy"], 1).x() < _dot(timeline, ids["convoy"], 0).x()
    timeline.grab().save(str(SCREENSHOTS / "timeline.png"))

    # a filter in the table is the timeline's too
    window.filter_bar.status.setCurrentIndex(window.filter_bar.status.findData("confirmed"))
    _loaded(qtbot, window, 1)
    assert window.plots.panel.data.ids == [ids["convoy"]]


def test_the_timeline_zooms_at_the_pointer_and_pans(qtbot: QtBot) -> None:
    view = TimelineView()
    qtbot.addWidget(view)
    view.resize(800, 200)
    day = 86400.0
    view.set_data(
        PlotData.of(
            Plotted(
                ["a" * 32], ["refuted"], [1e9], [float("nan")], [float("nan")], [float("nan")], [""]
            )
        )
    )
    view.set_span(1e9 - 10 * day, 1e9 + 10 * day)
    x = float(view._x(np.array([1e9]))[0])
    view.zoom(2.0, at=x)
    t0, t1 = view.span
    assert t1 - t0 == 10 * day and view._x(np.array([1e9]))[0] == x  # the time under it stays
    view.pan(100)
    assert view.span[0] < t0
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert view.span[0] < 1e9 < view.span[1]
    found, fmt = ticks(0, 365 * day * 20, 800)
    assert fmt == "%Y" and len(found) >= 4
    found, fmt = ticks(0, day, 800)
    assert fmt == "%m-%d %H:%M" and len(found) >= 6
    assert [label for label, _ in LANES] == ["Posted", "Observed"]


def test_the_map_shows_claims_by_precision_selects_and_filters_by_area(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    ids = _place(workspace, sarwan_claims)
    window.refresh_claims()
    qtbot.keyClick(window.claims_view, Qt.Key.Key_M, CTRL_SHIFT)
    panel = window.plots.panel
    assert panel.currentWidget() is panel.map
    _loaded(qtbot, window, 4)
    view = panel.map.view
    qtbot.waitExposed(view)
    assert panel.map.counts.text() == "3 claims on the map, 1 without coordinates"
    view.fit()
    sx, sy = view._screen()
    far = view._data.index_of(ids["far"])
    assert far is not None and 0 < sx[far] < view.width() and 0 < sy[far] < view.height()
    # drawn by precision, in the verdict's colour: "exact" a solid dot, "unknown" a ring
    image = view.grab().toImage()
    sarwan = view._data.index_of(ids["checkpoint"])
    assert sarwan is not None
    assert image.pixelColor(round(sx[sarwan]), round(sy[sarwan])) == QColor("#5f6368")
    assert image.pixelColor(round(sx[far]), round(sy[far])) == QColor("#ffffff")
    assert image.pixelColor(round(sx[far] + 4.5), round(sy[far])).red() < 150  # the ring
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=QPoint(round(sx[far]), round(sy[far])))
    assert window.selected_claim_id() == ids["far"]
    view.grab().save(str(SCREENSHOTS / "map.png"))

    # zoom onto Syria: only the two claims there stay in the table
    convoy = view._data.index_of(ids["convoy"])
    assert convoy is not None
    between = QPointF((sx[sarwan] + sx[convoy]) / 2, (sy[sarwan] + sy[convoy]) / 2)
    view.zoom_by(3, between)
    panel.map.in_view.setChecked(True)
    qtbot.waitUntil(lambda: window.claims_model.rowCount() == 2, timeout=5000)
    shown = {window.claims_model.claim_id(r) for r in range(2)}
    assert shown == {ids["checkpoint"], ids["convoy"]}
    assert window.filter_bar.area_chip.isVisible()
    qtbot.waitUntil(lambda: len(panel.timeline._data.ids) == 2)
    assert panel.data.count == 4  # the map still has what lies beyond its edges
    # panning follows; the chip clears it and the map says so
    qtbot.keyClick(view, Qt.Key.Key_Home)
    qtbot.waitUntil(lambda: window.claims_model.rowCount() == 3, timeout=5000)
    window.filter_bar.area_chip.click()
    assert window.claims_model.rowCount() == 4 and not panel.map.in_view.isChecked()


def test_the_map_zooms_at_the_pointer_and_keeps_the_world_on_screen(qtbot: QtBot) -> None:
    view = MapView()
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    qtbot.waitExposed(view)
    least = view.zoom_level
    view.zoom_by(-3)
    assert view.zoom_level == least  # never smaller than the widget's width
    before, _ = view.transform().inverted()
    at = QPointF(150, 100)
    spot = before.map(at)
    view.zoom_by(2, at)
    after, _ = view.transform().inverted()
    assert after.map(at).x() == spot.x()
    south, west, north, east = view.area()
    assert -90 <= south < north <= 90 and -180 <= west < east <= 180


def _tiles(path: Path, colour: str = "#336699") -> Path:
    image = QImage(256, 256, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    png = path.with_suffix(".png")
    image.save(str(png))
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    db.execute(
        "CREATE TABLE tiles"
        " (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)"
    )
    db.executemany("INSERT INTO metadata VALUES (?, ?)", [("name", "desk"), ("format", "png")])
    db.executemany("INSERT INTO tiles VALUES (0, 0, 0, ?)", [(png.read_bytes(),)])
    db.commit()
    db.close()
    return path


def test_tiles_from_settings_are_drawn_and_a_bad_file_is_named(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    window.plots.show_tab(1)
    view = window.plots.panel.map.view
    qtbot.waitExposed(view)
    settings = window._settings
    choice = SettingsChoice(
        analyst="tester", duplicate_threshold=10, map_tiles=str(_tiles(tmp_path / "desk.mbtiles"))
    )
    window.apply_settings(choice)
    assert view.tiles is not None and "tiles: desk" in window.plots.panel.map.attribution.text()
    # the open Pacific (130° W on the equator) in the middle: the tile's colour, not the sea's
    view.set_view((50 / 360, 0.5), view.zoom_level)
    image = view.grab().toImage()
    assert image.pixelColor(view.width() // 2, view.height() // 2) == QColor("#336699")
    bad = tmp_path / "bad.mbtiles"
    bad.write_text("no")
    window.apply_settings(
        SettingsChoice(analyst="tester", duplicate_threshold=10, map_tiles=str(bad))
    )
    assert (
        view.tiles is None
        and "bad.mbtiles: not an MBTiles file" in window.plots.panel.map.message.text()
    )
    assert settings is window._settings


def test_the_editor_keeps_a_locations_precision(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    checkpoint = sarwan_claims[0]
    window.select_claim(checkpoint.id)
    editor = window.edit_claim()
    assert editor is not None
    editor.latitude_edit.setText("36.4581")
    editor.longitude_edit.setText("37.1732")
    editor.precision_combo.setCurrentIndex(editor.precision_combo.findData("vicinity"))
    editor.save()
    assert workspace.claims.get(checkpoint.id).location_precision == "vicinity"
    qtbot.waitUntil(lambda: "37.17320, vicinity" in window.detail.fields.toPlainText())


def test_a_hovered_claim_is_read_off_the_ui_thread_once(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    ids = _place(workspace, sarwan_claims)
    window.refresh_claims()
    window.plots.show_tab(0)
    _loaded(qtbot, window, 4)
    describe = window.plots.panel.timeline._describe
    assert describe is not None
    assert describe(ids["far"]) is None  # asked for: being read
    qtbot.waitUntil(lambda: describe(ids["far"]) is not None)
    described = describe(ids["far"])
    assert described is not None and described.title == "Claim about Tunis"
    assert described.status == "unconfirmed" and described.when.startswith("posted 2015-06-03")
