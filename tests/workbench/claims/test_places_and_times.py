"""Where and when claims are: a location's precision (Atlos's vocabulary) through every
path a claim takes, the search by a map's visible area (across the antimeridian too), the
columns the timeline and the map draw from, the projection, the Natural Earth base layer
shipped with the app, and MBTiles files read and refused."""

from __future__ import annotations

import json
import math
import sqlite3
from pathlib import Path

import pytest

from workbench.base.errors import ValidationError
from workbench.claims import fields
from workbench.claims.saved_filters import query_from_json, query_to_json
from workbench.claims.search import ClaimQuery, ClaimSearch
from workbench.exchange import export
from workbench.exchange.interchange_reader import read_document
from workbench.exchange.scope import ExportScope
from workbench.maps.layers import MBTiles, TilesError, area_of, project, unproject, world
from workbench.workspace import Workspace


def _placed(workspace: Workspace) -> dict[str, str]:
    made = {
        "sarwan": workspace.claims.create(
            "IS checkpoint in Sarwan",
            latitude=36.4581,
            longitude=37.1732,
            location_precision="Exact",  # as Atlos writes it
            posted_at="2015-06-01T14:30:00+03:00",
            observed_at="2015-06-01T12:00:00+03:00",
        ),
        "aleppo": workspace.claims.create(
            "Shelling reported in Aleppo",
            latitude=36.2,
            longitude=37.15,
            posted_at="2015-06-02T10:00:00Z",
        ),
        "fiji": workspace.claims.create(
            "Across the date line", latitude=-17.8, longitude=179.9, location_precision="locality"
        ),
        "samoa": workspace.claims.create(
            "The other side of it", latitude=-13.8, longitude=-171.8, location_precision="vicinity"
        ),
        "nowhere": workspace.claims.create("No place given"),
    }
    return {name: claim.id for name, claim in made.items()}


def test_precision_is_checked_kept_and_read_as_unknown_when_not_said(workspace: Workspace) -> None:
    ids = _placed(workspace)
    assert workspace.claims.get(ids["sarwan"]).location_precision == "exact"
    aleppo = workspace.claims.get(ids["aleppo"])
    assert aleppo.location_precision == "" and aleppo.precision == "unknown"
    assert workspace.claims.get(ids["nowhere"]).precision == ""
    with pytest.raises(ValidationError, match=r"location_precision.*'somewhere'"):
        workspace.claims.create("x", latitude=1, longitude=1, location_precision="somewhere")
    assert fields.precision("  Vicinity ") == "vicinity" and fields.precision(None) == ""
    workspace.claims.update(ids["aleppo"], location_precision="locality")
    assert workspace.claims.get(ids["aleppo"]).location_precision == "locality"
    trail = workspace.claims.history(ids["aleppo"])
    assert any("location_precision" in entry.changes for entry in trail)


def test_precision_travels_through_json_csv_and_geojson(
    workspace: Workspace, tmp_path: Path
) -> None:
    ids = _placed(workspace)
    export(workspace, "json", ExportScope(), tmp_path / "all.json")
    claims = {c["id"]: c for c in json.loads((tmp_path / "all.json").read_text())["claims"]}
    assert claims[ids["fiji"]]["location_precision"] == "locality"
    export(workspace, "csv", ExportScope(), tmp_path / "all.csv")
    assert "location_precision" in (tmp_path / "all.csv").read_text("utf-8-sig").splitlines()[0]
    export(workspace, "geojson", ExportScope(), tmp_path / "all.geojson")
    features = json.loads((tmp_path / "all.geojson").read_text())["features"]
    precision = {f["id"]: f["properties"]["location_precision"] for f in features}
    assert precision[ids["sarwan"]] == "exact" and precision[ids["aleppo"]] == "unknown"


def test_a_document_written_before_precision_existed_is_still_read(
    workspace: Workspace, tmp_path: Path
) -> None:
    ids = _placed(workspace)
    export(workspace, "json", ExportScope(), tmp_path / "all.json")
    document = json.loads((tmp_path / "all.json").read_text())
    for claim in document["claims"]:
        claim.pop("location_precision")
    older = tmp_path / "older.json"
    older.write_text(json.dumps(document))
    read = read_document(older)
    assert {c.id: c.values["location_precision"] for c in read.claims}[ids["sarwan"]] == ""


def test_the_search_keeps_claims_inside_the_visible_area(workspace: Workspace) -> None:
    ids = _placed(workspace)
    search = ClaimSearch(workspace)
    syria = set(search.ids(ClaimQuery(area=(35.0, 36.0, 37.5, 38.5))))
    assert syria == {ids["sarwan"], ids["aleppo"]}
    pacific = set(search.ids(ClaimQuery(area=(-25.0, 170.0, -10.0, -160.0))))  # across 180°
    assert pacific == {ids["fiji"], ids["samoa"]}
    only_text = set(search.ids(ClaimQuery(text="Sarwan", area=(35.0, 36.0, 37.5, 38.5))))
    assert only_text == {ids["sarwan"]}
    with pytest.raises(ValidationError, match="area"):
        search.ids(ClaimQuery(area=(50.0, 0.0, 10.0, 1.0)))  # south above north


def test_plotted_gives_each_claim_its_times_place_and_precision(workspace: Workspace) -> None:
    ids = _placed(workspace)
    plotted = ClaimSearch(workspace).plotted(ClaimQuery())
    row = {claim_id: n for n, claim_id in enumerate(plotted.ids)}
    assert set(row) == set(ids.values())
    s = row[ids["sarwan"]]
    assert plotted.posted[s] == pytest.approx(1433158200.0)  # 2015-06-01T11:30Z
    assert plotted.observed[s] == pytest.approx(1433149200.0)
    assert (plotted.latitude[s], plotted.longitude[s], plotted.precision[s]) == (
        36.4581,
        37.1732,
        "exact",
    )
    n = row[ids["nowhere"]]
    assert math.isnan(plotted.latitude[n]) and math.isnan(plotted.posted[n])
    assert plotted.precision[n] == "" and plotted.precision[row[ids["aleppo"]]] == "unknown"
    assert plotted.status[s] == "unconfirmed"


def test_a_saved_filter_keeps_its_area() -> None:
    query = ClaimQuery(text="convoy", area=(35.0, 36.0, 37.5, 38.5))
    assert query_from_json(query_to_json(query)) == query
    with pytest.raises(ValidationError, match="area"):
        query_from_json('{"area": [1, 2]}')


def test_the_projection_is_web_mercator_and_goes_back() -> None:
    assert project(0, 0) == pytest.approx((0.5, 0.5))
    assert project(-180, 85.05112878) == pytest.approx((0.0, 0.0), abs=1e-9)
    assert project(180, -89.9) == pytest.approx((1.0, 1.0), abs=1e-9)  # the square's edge
    for lon, lat in ((37.1732, 36.4581), (-171.8, -13.8), (0.0, 0.0)):
        assert unproject(*project(lon, lat)) == pytest.approx((lon, lat))
    assert area_of(0.0, 0.0, 1.2, 1.0)[1:4:2] == (-180.0, 180.0)  # wider than the world


def test_the_world_layer_is_natural_earth_and_needs_no_network() -> None:
    layer = world()
    assert "public domain" in layer.licence and "Natural Earth" in layer.source
    names = {c.name: c for c in layer.countries}
    assert len(names) >= 170 and {"Syria", "Turkey", "Iraq"} <= set(names)
    x, y = project(37.17, 36.46)  # Sarwan, north of Aleppo: inside Syria's outline
    ring = names["Syria"].rings[0]
    xs, ys = ring[0::2], ring[1::2]
    assert min(xs) < x < max(xs) and min(ys) < y < max(ys)
    assert any(p.name == "Ōsaka" for p in layer.places)


def _mbtiles(path: Path, fmt: str = "png", tiles: bool = True) -> Path:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QImage

    db = sqlite3.connect(path)
    db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    db.execute(
        "CREATE TABLE tiles"
        " (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)"
    )
    db.executemany(
        "INSERT INTO metadata VALUES (?, ?)",
        [("name", "Desk tiles"), ("format", fmt), ("attribution", "© the desk")],
    )
    if tiles:
        image = QImage(256, 256, QImage.Format.Format_RGB32)
        image.fill(QColor("#336699"))
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        # z1 x0 y0 (the north-west quarter) is TMS row 1
        db.execute("INSERT INTO tiles VALUES (1, 0, 1, ?)", (bytes(data.data()),))
    db.commit()
    db.close()
    return path


def test_mbtiles_are_read_by_xyz_and_refused_when_not_raster(tmp_path: Path) -> None:
    with MBTiles(_mbtiles(tmp_path / "desk.mbtiles")) as tiles:
        assert (tiles.name, tiles.format, tiles.min_zoom, tiles.max_zoom) == (
            "Desk tiles",
            "png",
            1,
            1,
        )
        assert tiles.tile(1, 0, 0) is not None and tiles.tile(1, 0, 1) is None
    with pytest.raises(TilesError, match=r"vector\.mbtiles: holds pbf tiles.*not vector tiles"):
        MBTiles(_mbtiles(tmp_path / "vector.mbtiles", fmt="pbf"))
    with pytest.raises(TilesError, match=r"empty\.mbtiles: holds no tiles"):
        MBTiles(_mbtiles(tmp_path / "empty.mbtiles", tiles=False))
    junk = tmp_path / "junk.mbtiles"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(TilesError, match=r"junk\.mbtiles: not an MBTiles file"):
        MBTiles(junk)
    with pytest.raises(TilesError, match=r"missing\.mbtiles: no such file"):
        MBTiles(tmp_path / "missing.mbtiles")
