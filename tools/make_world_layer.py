"""Make ``workbench/maps/geodata/world_110m.json``, the map's base layer, from Natural Earth.

Natural Earth (https://www.naturalearthdata.com) is public domain. Its 1:110m countries
and populated places come inside a registry package: the ``geopandas`` 0.14.4 wheel on
PyPI (sha256 3bb6473cb59d51e1a7fe2dbc24a1a063fb0ebdeddf3ce08ddbf8c7ddc99689aa) carries them
as ``geopandas/datasets/naturalearth_lowres`` and ``naturalearth_cities``. This tool reads
those shapefiles with pyshp and writes a small JSON the app reads with no GIS library: each
country's name, ISO code and rings as flat ``[lon, lat, lon, lat, ...]`` lists rounded to
0.01° (about 1 km, finer than the 1:110m data), and each place's name and position.

Run once by a developer (the app never does)::

    pip download --no-deps geopandas==0.14.4 && unzip geopandas-0.14.4-*.whl 'geopandas/datasets/*'
    pip install pyshp==3.0.*
    python tools/make_world_layer.py geopandas/datasets workbench/maps/geodata/world_110m.json
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

import shapefile  # pyshp

#: Names the shapefile's Latin-1 table could not hold (written there as "?").
NAME_FIXES = {"?saka": "Ōsaka", "Chi?in?u": "Chișinău"}


def _rings(shape: shapefile.Shape) -> list[list[float]]:
    parts = [*shape.parts, len(shape.points)]
    rings = []
    for start, end in itertools.pairwise(parts):
        flat: list[float] = []
        for lon, lat in shape.points[start:end]:
            flat += [round(lon, 2), round(lat, 2)]
        rings.append(flat)
    return rings


def main(datasets: Path, out: Path) -> None:
    countries = []
    with shapefile.Reader(str(datasets / "naturalearth_lowres" / "naturalearth_lowres")) as r:
        for record, shape in zip(r.records(), r.shapes(), strict=True):
            row = record.as_dict()
            countries.append({"name": row["name"], "iso_a3": row["iso_a3"], "rings": _rings(shape)})
    places = []
    with shapefile.Reader(str(datasets / "naturalearth_cities" / "naturalearth_cities")) as r:
        for record, shape in zip(r.records(), r.shapes(), strict=True):
            lon, lat = shape.points[0]
            name = record.as_dict()["name"]
            places.append(
                {"name": NAME_FIXES.get(name, name), "lon": round(lon, 3), "lat": round(lat, 3)}
            )
    document = {
        "source": "Natural Earth 1:110m admin-0 countries and populated places, via the "
        "geopandas 0.14.4 wheel (geopandas/datasets); made by tools/make_world_layer.py",
        "licence": "public domain (https://www.naturalearthdata.com/about/terms-of-use/)",
        "countries": sorted(countries, key=lambda c: c["name"]),
        "places": sorted(places, key=lambda p: p["name"]),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
