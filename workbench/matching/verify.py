"""Whether two pictures' local features agree, and where one sits in the other.

Each query point's two nearest stored points (RootSIFT), kept when the nearest is clearly
nearer (Lowe's ratio test), each stored point used once; a homography fitted robustly
(MAGSAC, OpenCV). Then the agreement must be *a picture's*, not a logo's, a template's or
a line of text's:

- at least ``MIN_POINTS`` inliers, not counting those on a flat background in both
  pictures (``local.Features.flat``: chrome, glyphs, bars), with a mapping that keeps
  orientation, scales areas by at most ``MAX_AREA_SCALE`` and has little perspective;
- spread over at least ``MIN_AREA`` of each picture's points and not along one line
  (``MIN_THICKNESS``): a channel's logo or one caption is smaller or thinner;
- *where both pictures have texture, they agree*: the part of the query the mapping lays
  over the stored picture is cut into a grid; a cell where both have points must hold
  inliers, in at least ``MIN_AGREEING`` of such cells. Two screenshots of one post
  template agree on the header and the buttons and nowhere in between, where the photos
  differ: refused; so are two pictures that share one caption's glyphs and nothing
  else. A copy agrees all over;
- *in one piece*, for a candidate no hash vouches for: inliers in two groups with an
  empty band between them of ``MAX_GAP`` of their extent or more (a template's header and
  buttons around a featureless photo, where the grid has nothing to compare) are refused.

The answer (``Agreement``) says how many points agree and where each picture sits in the
other, in that picture's own pixels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from workbench.matching.local import Features

#: Lowe's ratio: the nearest stored descriptor must be this much nearer than the second.
RATIO = 0.8
#: Inliers: reprojected within this many working pixels.
REPROJECTION = 4.0
#: Agreement needs this many inliers ...
MIN_POINTS = 15
#: ... whose convex hull covers this share of each picture's points' extent ...
MIN_AREA = 0.03
#: ... and whose thinnest spread (the minimum-area rectangle's short side) is this share
#: of that extent's short side: a line of text or a row of icons is thinner.
MIN_THICKNESS = 0.12
#: The mapping may scale areas by at most this (either way).
MAX_AREA_SCALE = 64.0
#: The overlap is cut into GRID x GRID cells; a cell with at least CELL_POINTS points of
#: each picture is textured; at least MIN_AGREEING of the textured cells hold an inlier.
GRID, CELL_POINTS, MIN_AGREEING = 4, 3, 0.5
#: Inliers in two groups this far apart (a share of their extent) are not one picture.
MAX_GAP = 0.4
#: One picture covering this share of the other's area is the same picture, not a part.
WHOLE_COVER = 0.8

Box = tuple[int, int, int, int]  # left, top, width, height in a picture's own pixels


@dataclass(frozen=True)
class Agreement:
    """Two pictures agree: ``points`` inliers; where the query sits in the stored picture
    and the stored picture in the query (each a box in that picture's own pixels, clipped
    to it); the inlier pairs, in own pixels, for drawing."""

    points: int
    query_in_stored: Box
    stored_in_query: Box
    pairs: tuple[tuple[float, float, float, float], ...]  # query x, y, stored x, y

    def whole(self, query: Features, stored: Features) -> bool:
        """Whether each picture covers nearly all of the other (the same picture, not one
        inside the other)."""
        q, s = self.query_in_stored, self.stored_in_query
        return (
            q[2] * q[3] >= WHOLE_COVER * stored.width * stored.height
            and s[2] * s[3] >= WHOLE_COVER * query.width * query.height
        )


def candidate_pairs(query: Features, stored: Features) -> tuple[npt.NDArray[np.intp], ...]:
    """Query and stored point indices that pass the ratio test, each stored point once
    (the nearer query point wins). RootSIFT vectors have unit length, so squared distances
    are ``2 - 2 q·s``: one matrix product for all pairs."""
    if query.count < 2 or stored.count < 2:
        empty = np.zeros(0, np.intp)
        return empty, empty
    similarity = query.root @ stored.root.T
    rows = np.arange(query.count)
    nearest = np.argmax(similarity, axis=1)
    first = similarity[rows, nearest]
    similarity[rows, nearest] = -np.inf
    second = similarity.max(axis=1)
    d1, d2 = np.maximum(2 - 2 * first, 0), np.maximum(2 - 2 * second, 0)
    passed = np.flatnonzero(d1 < RATIO * RATIO * d2)  # squared: the ratio of distances
    if not len(passed):
        empty = np.zeros(0, np.intp)
        return empty, empty
    # One query point per stored point: the nearest.
    order = passed[np.argsort(d1[passed], kind="stable")]
    _, first_use = np.unique(nearest[order], return_index=True)
    query_idx = order[np.sort(first_use)]
    return query_idx.astype(np.intp), nearest[query_idx].astype(np.intp)


def verify(
    query: Features, stored: Features, min_points: int = MIN_POINTS, one_piece: bool = True
) -> Agreement | None:
    """Whether ``query`` and ``stored`` show the same picture (or one inside the other):
    the agreement when they do (module docstring), else None. ``min_points``: the
    inliers it needs (the evaluation asks with fewer, to choose ``MIN_POINTS``);
    ``one_piece``: refuse inliers in two groups (a hash hit, which the hashes vouch for
    already, is confirmed without it: a crop of a photo with an empty sky agrees in two
    groups too)."""
    query_idx, stored_idx = candidate_pairs(query, stored)
    if len(query_idx) < min_points:
        return None
    src = query.points[query_idx]
    dst = stored.points[stored_idx]
    found, mask = cv2.findHomography(src, dst, cv2.USAC_MAGSAC, REPROJECTION, maxIters=2000)
    if found is None or mask is None:
        return None
    h = np.asarray(found, np.float64)
    # An inlier on a flat background in both pictures (the same icon, glyph or bar edge in
    # two screenshots) is chrome that agrees, not the pictures: it does not count.
    chrome = query.on_flat(query_idx) & stored.on_flat(stored_idx)
    inliers = mask.ravel().astype(bool) & ~chrome
    if int(inliers.sum()) < min_points or not _sane(h):
        return None
    src, dst = src[inliers], dst[inliers]
    if not (_spread(src, query) and _spread(dst, stored)):
        return None
    if one_piece and (_gapped(src) or _gapped(dst)):
        return None
    back = np.asarray(np.linalg.inv(h), np.float64)
    if not _agrees_where_textured(back, query, stored, src):
        return None
    qs, ss = query.scale(), stored.scale()
    return Agreement(
        points=len(src),
        query_in_stored=_projected_box(h, query, stored),
        stored_in_query=_projected_box(back, stored, query),
        pairs=tuple(
            (a, b, c, d)
            for a, b, c, d in np.hstack(
                [src * np.asarray(qs, np.float32), dst * np.asarray(ss, np.float32)]
            ).tolist()
        ),
    )


def _sane(h: npt.NDArray[np.float64]) -> bool:
    """A mapping a copy can have: it keeps orientation (a mirror is matched by hashes of
    mirrored views, not here), scales areas by at most ``MAX_AREA_SCALE`` and has little
    perspective."""
    det = float(np.linalg.det(h[:2, :2]))
    return 1 / MAX_AREA_SCALE < det < MAX_AREA_SCALE and float(np.abs(h[2, :2]).max()) < 0.005


def _spread(points: npt.NDArray[np.float32], features: Features) -> bool:
    """The inliers cover a picture's worth of its content, not a logo or one line of text."""
    hull = cv2.convexHull(points.reshape(-1, 1, 2))
    area = float(cv2.contourArea(hull))
    (_, _), (w, h), _ = cv2.minAreaRect(points.reshape(-1, 1, 2))
    lo, hi = points.min(axis=0), points.max(axis=0)
    content = _extent(features)
    return (
        area >= MIN_AREA * content[0] * content[1]
        and min(w, h) >= MIN_THICKNESS * min(content)
        and bool(np.all(hi - lo > 0))
    )


def _gapped(points: npt.NDArray[np.float32]) -> bool:
    """Whether the inliers stand in two groups with an empty band between them that is
    ``MAX_GAP`` or more of their extent, across or along: the header and the buttons of
    one post template around two different photos agree, the photos between them do not."""
    for axis in (0, 1):
        values = np.sort(points[:, axis])
        extent = float(values[-1] - values[0])
        if extent > 0 and float(np.diff(values).max()) >= MAX_GAP * extent:
            return True
    return False


def _extent(features: Features) -> tuple[float, float]:
    """The extent of a picture's points (its content region, as far as the points show)."""
    if features.count == 0:
        return float(features.work_width), float(features.work_height)
    span = features.points.max(axis=0) - features.points.min(axis=0)
    return max(float(span[0]), 1.0), max(float(span[1]), 1.0)


def _agrees_where_textured(
    back: npt.NDArray[np.float64],
    query: Features,
    stored: Features,
    inliers: npt.NDArray[np.float32],
) -> bool:
    """Where both pictures have points (the stored ones mapped into the query by
    ``back``), the inliers are there too, in most such cells (module docstring)."""
    mapped = cv2.perspectiveTransform(stored.points.reshape(-1, 1, 2), back).reshape(-1, 2)
    inside = (
        (mapped[:, 0] >= 0)
        & (mapped[:, 1] >= 0)
        & (mapped[:, 0] < query.work_width)
        & (mapped[:, 1] < query.work_height)
    )
    mapped = mapped[inside]
    if len(mapped) == 0:
        return False
    lo, hi = mapped.min(axis=0), mapped.max(axis=0) + 1e-3
    edges = (np.linspace(lo[0], hi[0], GRID + 1), np.linspace(lo[1], hi[1], GRID + 1))

    def counts(points: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
        found, _, _ = np.histogram2d(points[:, 0], points[:, 1], bins=edges)
        return found

    textured = (counts(query.points) >= CELL_POINTS) & (counts(mapped) >= CELL_POINTS)
    if not textured.any():
        return True  # too few points to say more than the inliers already do
    agreeing = textured & (counts(inliers) >= 1)
    return bool(agreeing.sum() >= MIN_AGREEING * textured.sum())


def _projected_box(h: npt.NDArray[np.float64], source: Features, target: Features) -> Box:
    """Where ``source``'s whole frame lands in ``target`` under ``h``, in ``target``'s own
    pixels, clipped to it."""
    w, hgt = source.work_width, source.work_height
    corners = np.array([[0, 0], [w, 0], [w, hgt], [0, hgt]], np.float32).reshape(-1, 1, 2)
    mapped = cv2.perspectiveTransform(corners, h).reshape(-1, 2)
    sx, sy = target.scale()
    left = float(np.clip(mapped[:, 0].min(), 0, target.work_width)) * sx
    right = float(np.clip(mapped[:, 0].max(), 0, target.work_width)) * sx
    top = float(np.clip(mapped[:, 1].min(), 0, target.work_height)) * sy
    bottom = float(np.clip(mapped[:, 1].max(), 0, target.work_height)) * sy
    return round(left), round(top), round(right - left), round(bottom - top)
