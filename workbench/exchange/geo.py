"""Claims on a map, for GIS tools: GeoJSON (RFC 7946, what QGIS opens) and KML 2.2 (what
Google Earth opens), one point a claim with coordinates.

GeoJSON is a ``FeatureCollection`` in WGS 84 longitude, latitude order (RFC 7946 §3.1.1;
no ``crs`` member), each ``Feature`` a ``Point`` with the claim's id as the feature id and
its facts as properties (verdict, summary, text, place, times, source, case, tags, actors,
post URL). KML is one ``Placemark`` a claim, styled by verdict in the table's colours,
its facts as ``ExtendedData``, times as a ``TimeStamp`` when the post's time is known. A
claim without coordinates is left out, and the export says so (``LeftOut``).

Text is written as the analyst typed it (JSON and XML carry any Unicode); characters XML
1.0 cannot hold (control characters) are shown as their symbols, as the reports do.

Uses ``workbench.exchange.scope`` (the export set) and ``workbench.base.files``.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from workbench.base.files import atomic_write
from workbench.exchange.formats import LeftOut
from workbench.exchange.scope import ExportClaim, ExportSet

NO_COORDINATES = "no coordinates: not on a map"
#: KML colours are aabbggrr: the verdict chips' colours, opaque.
KML_COLOURS = {"confirmed": "ff3b7f1b", "refuted": "ff1e26b3", "unconfirmed": "ff68635f"}
KML_NS = "http://www.opengis.net/kml/2.2"


def _properties(item: ExportClaim) -> dict[str, Any]:
    c = item.claim
    return {
        "id": c.id,
        "status": c.status,
        "summary": c.summary,
        "text": c.text,
        "place": c.place_name,
        "location_precision": c.precision,
        "posted_at": c.posted_at.isoformat() if c.posted_at else None,
        "observed_at": c.observed_at.isoformat() if c.observed_at else None,
        "source": f"{c.source.platform}:{c.source.handle}" if c.source else None,
        "case": c.case_name,
        "tags": list(c.tags),
        "actors": list(c.actors),
        "post_url": c.post_url or None,
        "rationale": c.rationale,
    }


def _placed(export: ExportSet) -> tuple[list[ExportClaim], list[LeftOut]]:
    placed, left_out = [], []
    for item in export.claims:
        if item.claim.latitude is None or item.claim.longitude is None:
            left_out.append(LeftOut(item.claim.id, NO_COORDINATES))
        else:
            placed.append(item)
    return placed, left_out


def write_geojson(export: ExportSet, out: Path) -> list[LeftOut]:
    """Write the claims with coordinates as GeoJSON; the claims left out."""
    placed, left_out = _placed(export)
    features = [
        {
            "type": "Feature",
            "id": item.claim.id,
            "geometry": {
                "type": "Point",
                "coordinates": [item.claim.longitude, item.claim.latitude],
            },
            "properties": _properties(item),
        }
        for item in placed
    ]
    document = {"type": "FeatureCollection", "features": features}
    atomic_write(out, (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode())
    return left_out


def _xml_text(value: str) -> str:
    """``value`` with the characters XML 1.0 cannot hold shown as their symbols."""
    out = []
    for ch in value:
        code = ord(ch)
        if code < 0x20 and ch not in "\t\n\r":
            out.append(chr(0x2400 + code))
        elif 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF):
            out.append("\ufffd")
        else:
            out.append(ch)
    return "".join(out)


def write_kml(export: ExportSet, out: Path) -> list[LeftOut]:
    """Write the claims with coordinates as KML 2.2; the claims left out."""
    placed, left_out = _placed(export)
    ET.register_namespace("", KML_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
        element = ET.SubElement(parent, f"{{{KML_NS}}}{tag}")
        if text is not None:
            element.text = _xml_text(text)
        return element

    root = ET.Element(f"{{{KML_NS}}}kml")
    document = sub(root, "Document")
    sub(document, "name", f"Claims exported {export.exported_at.isoformat()}")
    for status, colour in KML_COLOURS.items():
        style = sub(document, "Style")
        style.set("id", status)
        sub(sub(style, "IconStyle"), "color", colour)
    for item in placed:
        c = item.claim
        mark = sub(document, "Placemark")
        mark.set("id", f"claim-{c.id}")
        sub(mark, "name", c.summary or c.text[:80])
        sub(mark, "description", c.text)
        if c.posted_at is not None:
            sub(sub(mark, "TimeStamp"), "when", c.posted_at.isoformat())
        sub(mark, "styleUrl", f"#{c.status}")
        extended = sub(mark, "ExtendedData")
        for key, value in _properties(item).items():
            if value in (None, "", []):
                continue
            data = sub(extended, "Data")
            data.set("name", key)
            sub(data, "value", ", ".join(value) if isinstance(value, list) else str(value))
        sub(sub(mark, "Point"), "coordinates", f"{c.longitude},{c.latitude}")
    ET.indent(root)
    atomic_write(out, ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n")
    return left_out
