"""What the offline map draws under the claims: the world from Natural Earth, shipped with
the app, and the analyst's own raster tiles from an MBTiles file; and the projection.

- **World**: ``geodata/world_110m.json``, Natural Earth's 1:110m countries and populated
  places (public domain; made by ``tools/make_world_layer.py``), read once. Nothing here
  needs the network.
- **Projection**: Web Mercator in world units, x and y in 0..1 from the top left (the
  tiles' own, so a tile z/x/y covers x/2^z..(x+1)/2^z). Latitudes beyond ±85.05° (the
  square's edge) are drawn at the edge.
- **MBTiles** (the MBTiles 1.3 specification): an SQLite file with ``metadata`` and
  ``tiles`` (rows in TMS order, counted from the bottom). Opened read-only; raster tiles
  (png, jpg, webp) are drawn, a vector file (``pbf``) is refused with a message saying so,
  as is a file that is not MBTiles at all.

Uses nothing of the workbench but its errors.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import sqlite3
from pathlib import Path
from typing import Any

import numpy as np

from workbench.base.errors import WorkbenchError

WORLD_FILE = Path(__file__).resolve().parent / "geodata" / "world_110m.json"
#: The latitude where Web Mercator's square ends.
MAX_LATITUDE = 85.05112878
RASTER_FORMATS = ("png", "jpg", "jpeg", "webp")


class TilesError(WorkbenchError):
    """An MBTiles file that cannot be drawn; the message names the file and why."""


@dataclasses.dataclass(frozen=True)
class Country:
    name: str
    iso_a3: str
    #: Rings as flat (x, y, x, y, ...) tuples in world units.
    rings: tuple[tuple[float, ...], ...]


@dataclasses.dataclass(frozen=True)
class Place:
    name: str
    x: float
    y: float


@dataclasses.dataclass(frozen=True)
class World:
    countries: tuple[Country, ...]
    places: tuple[Place, ...]
    source: str
    licence: str


def project(longitude: Any, latitude: Any) -> tuple[Any, Any]:
    """Web Mercator world units (0..1, y down) of positions in degrees: two numbers, or two
    numpy columns (NaN stays NaN)."""
    lat = np.clip(latitude, -MAX_LATITUDE, MAX_LATITUDE)
    x = (np.asarray(longitude, dtype=float) + 180.0) / 360.0
    y = (1.0 - np.arcsinh(np.tan(np.radians(lat))) / np.pi) / 2.0
    return x, y


def unproject(x: float, y: float) -> tuple[float, float]:
    """(longitude, latitude) in degrees of world units (clamped to the square)."""
    x = max(0.0, min(1.0, x))
    y = max(0.0, min(1.0, y))
    longitude = x * 360.0 - 180.0
    latitude = math.degrees(math.atan(math.sinh(math.pi * (1.0 - 2.0 * y))))
    return longitude, latitude


def area_of(left: float, top: float, right: float, bottom: float) -> tuple[float, ...]:
    """The (south, west, north, east) degrees of a view's world-unit rectangle, as the
    claims search takes it; a view wider than the world is the whole width."""
    west, north = unproject(left, top)
    east, south = unproject(right, bottom)
    if right - left >= 1.0:
        west, east = -180.0, 180.0
    return (round(south, 6), round(west, 6), round(north, 6), round(east, 6))


@functools.cache
def world() -> World:
    """The Natural Earth base layer, projected (read once a process)."""
    document = json.loads(WORLD_FILE.read_text(encoding="utf-8"))
    countries = []
    for row in document["countries"]:
        rings = []
        for flat in row["rings"]:
            pairs = np.asarray(flat, dtype=float).reshape(-1, 2)
            x, y = project(pairs[:, 0], pairs[:, 1])
            rings.append(tuple(np.column_stack([x, y]).ravel().tolist()))
        countries.append(Country(row["name"], row["iso_a3"], tuple(rings)))
    places = tuple(
        Place(p["name"], *(float(v) for v in project(p["lon"], p["lat"])))
        for p in document["places"]
    )
    return World(tuple(countries), places, document["source"], document["licence"])


class MBTiles:
    """An MBTiles file's raster tiles, read-only. Use ``with``, or ``close``."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise TilesError(f"{self.path}: no such file")
        try:
            self._db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
            meta = dict(self._db.execute("SELECT name, value FROM metadata").fetchall())
            zooms = self._db.execute(
                "SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles"
            ).fetchone()
        except sqlite3.DatabaseError as exc:
            if hasattr(self, "_db"):
                self._db.close()
            raise TilesError(f"{self.path}: not an MBTiles file ({exc})") from None
        self.format = str(meta.get("format", "png")).lower()
        if self.format not in RASTER_FORMATS:
            self._db.close()
            raise TilesError(
                f"{self.path}: holds {self.format} tiles; the map draws raster tiles "
                f"({', '.join(RASTER_FORMATS)}), not vector tiles"
            )
        if zooms[0] is None:
            self._db.close()
            raise TilesError(f"{self.path}: holds no tiles")
        self.name = str(meta.get("name", self.path.stem))
        self.attribution = str(meta.get("attribution", ""))
        self.min_zoom, self.max_zoom = int(zooms[0]), int(zooms[1])

    def tile(self, zoom: int, x: int, y: int) -> bytes | None:
        """The image bytes of tile z/x/y (XYZ, counted from the top), None when absent."""
        row = (1 << zoom) - 1 - y  # MBTiles rows are TMS, counted from the bottom
        found = self._db.execute(
            "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
            (zoom, x, row),
        ).fetchone()
        return bytes(found[0]) if found else None

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> MBTiles:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
