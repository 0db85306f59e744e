"""GeoJSON and KML of claims, read back by real readers: ``geojson`` (python-geojson,
which checks RFC 7946 geometry) and ``fastkml`` (a KML 2.2 parser, strict); longitude
before latitude, verdicts and text kept as typed (Arabic, emoji, bidi controls, very
long), control characters XML cannot hold shown as symbols, claims without coordinates
left out and counted."""

from __future__ import annotations

import json
from pathlib import Path

import geojson
from fastkml import KML

from workbench.exchange import export
from workbench.exchange.scope import ExportScope
from workbench.workspace import Workspace

TEXT = "حاجز في صوران \u202egnp.exe 🛑 " + "long " * 2000 + "\x07bell"


def _claims(workspace: Workspace) -> tuple[str, str, str]:
    sarwan = workspace.claims.create(
        TEXT,
        summary="IS checkpoint in Sarwan",
        place_name="صوران",
        latitude=36.4581,
        longitude=37.1732,
        posted_at="2015-06-01T14:30:00+03:00",
        source=("telegram", "@group_feed"),
        tags=["checkpoint"],
    )
    workspace.claims.set_status(sarwan.id, "refuted", "the video is from 2013")
    south = workspace.claims.create("Convoy south of the equator", latitude=-33.9, longitude=18.4)
    nowhere = workspace.claims.create("no place given")
    return sarwan.id, south.id, nowhere.id


def test_geojson_is_rfc_7946_and_says_what_it_left_out(
    workspace: Workspace, tmp_path: Path
) -> None:
    sarwan, south, nowhere = _claims(workspace)
    out = tmp_path / "claims.geojson"
    done = export(workspace, "geojson", ExportScope(), out)
    assert done.claims == 2 and [(o.claim_id, o.reason) for o in done.left_out] == [
        (nowhere, "no coordinates: not on a map")
    ]
    collection = geojson.loads(out.read_text("utf-8"))
    assert collection.is_valid, collection.errors()
    assert "crs" not in json.loads(out.read_text("utf-8"))  # RFC 7946 §4: no crs member
    features = {f["id"]: f for f in collection["features"]}
    assert features[sarwan]["geometry"]["coordinates"] == [37.1732, 36.4581]  # lon, lat
    assert features[south]["geometry"]["coordinates"] == [18.4, -33.9]
    props = features[sarwan]["properties"]
    assert props["status"] == "refuted" and props["text"] == TEXT and props["place"] == "صوران"
    assert props["posted_at"] == "2015-06-01T11:30:00+00:00" and props["tags"] == ["checkpoint"]


def test_kml_is_read_by_a_kml_parser(workspace: Workspace, tmp_path: Path) -> None:
    sarwan, south, nowhere = _claims(workspace)
    out = tmp_path / "claims.kml"
    done = export(workspace, "kml", ExportScope(), out)
    assert done.claims == 2 and [o.claim_id for o in done.left_out] == [nowhere]
    kml = KML.parse(out, strict=True)
    [document] = kml.features
    marks = {m.id: m for m in document.features}
    assert set(marks) == {f"claim-{sarwan}", f"claim-{south}"}
    mark = marks[f"claim-{sarwan}"]
    assert mark.name == "IS checkpoint in Sarwan" and mark.style_url.url == "#refuted"
    assert (mark.geometry.x, mark.geometry.y) == (37.1732, 36.4581)
    assert mark.description.startswith("حاجز في صوران \u202egnp.exe 🛑")
    assert mark.description.endswith("\u2407bell")  # BEL cannot be in XML: its symbol
    data = {d.name: d.value for d in mark.extended_data.elements}
    assert data["status"] == "refuted" and data["source"] == "telegram:@group_feed"
    assert mark.times.timestamp.dt.isoformat().startswith("2015-06-01T11:30:00")
