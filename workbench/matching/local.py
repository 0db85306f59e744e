"""Local features: the SIFT keypoints of a picture, and their compact stored form.

A perceptual hash compares whole pictures (or a few fixed views of them); local features
compare *parts*: a few hundred small, distinctive patches, each described by a SIFT
descriptor (OpenCV; patent-free since 2020), found wherever they are. A copy of a picture
shares many patches with its original, and the shared patches sit where one plane
mapping (a homography) puts them: that holds for a crop, a photo inside a post
screenshot, a photo of a screen, a caption bar, a rotation. Two different pictures share
a few patches by chance, but not many that also agree on one mapping.

Extraction (``extract``): the picture fitted into ``WORK_SIDE`` pixels, grey, local
contrast equalised (CLAHE), so that a night photo and its brightened copy give the same
patches; only inside the picture's *content region* (``hashing.content_box``), so the
chrome of a post screenshot (header, names, buttons), bars and bezels give no points;
the ``MAX_POINTS`` strongest keypoints. A picture that is all chrome and text (a text-only
post: nothing left once its chrome is peeled, flat to the hashes, its points set in rows)
gets none: glyphs alone are no picture to match (the screenshot's flat background, at
least ``CHROME_FLAT`` of it one grey level, tells it from a star field on black). Stored
compactly (``to_bytes``): 4 bytes of position and 128 bytes of descriptor a point. Each
point also says whether it sits on a flat background (an icon, a glyph, a bar's edge: a
screenshot's chrome), so that verification can leave such points out.

Whether two pictures' features agree is ``workbench.matching.verify``.
"""

from __future__ import annotations

import dataclasses
import functools
import struct
from dataclasses import dataclass
from typing import TypeGuard

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image

from workbench.matching.hashing import (
    CHROME_ONLY,
    content_box,
    low_information,
    peeled_box,
    working_copy,
)
from workbench.matching.hashing import WORK_SIDE as HASH_SIDE

#: The long side pictures are fitted into before keypoints are found.
WORK_SIDE = 512
#: Keypoints kept per stored picture (the strongest): the stored budget ...
MAX_POINTS = 300
#: ... and found in a picture being looked up (not stored: a photo inside a screenshot
#: gets a share of them, and the chrome or a caption's glyphs may take many).
QUERY_POINTS = 1000
#: A picture with fewer points than this cannot be judged by local features.
MIN_JUDGED = 25
#: A point sits on a flat background when this share of the window around it is the
#: background level exactly (``_on_flat``).
FLAT_SHARE = 0.5
#: A picture all chrome is at least this much one grey level (``_background``) ...
CHROME_FLAT = 0.75
#: ... and its points are "in rows" (text): this share of the horizontal bands between
#: its highest and lowest points hold none (the gaps between lines). ``ROW_POINTS``
#: points a band on average (points spread evenly leave next to no band empty), at most
#: ``ROW_BANDS`` bands; fewer than ``ROWS_MIN_POINTS`` points say nothing.
ROW_BANDS, ROW_POINTS, ROWS_EMPTY, ROWS_MIN_POINTS = 48, 6, 0.3, 30

#: CLAHE's clip limit, and how it rises for a dark picture (``equalised``).
CLIP, MAX_CLIP, BRIGHT_LEVEL = 2.0, 8.0, 200.0
#: A picture is dark (``Features.dark``) when its brightest 1% is below this level: a
#: night photo, a picture several stops under. Its visual words are noisier (CLAHE lifts
#: the sensor's grain with its structure), so it asks for more candidates
#: (``retrieval.TOP_DARK``).
DARK_LEVEL = 100.0
#: The compact form's format (and the extraction's version): stored with each row.
FORMAT = 1
_HEADER = struct.Struct("<BHHHHH")  # format, points, width, height, work width, work height
_FLAT_BIT = 0x8000  # in a point's stored x: it sits on a flat background
_DARK_BIT = 0x8000  # in the header's work height: the picture is dark
_CLAHE_TILES = (8, 8)


@dataclass(frozen=True)
class Features:
    """A picture's keypoints (working pixels) and SIFT descriptors, and both sizes."""

    width: int  # the picture's own size
    height: int
    work_width: int  # the size the points are in
    work_height: int
    points: npt.NDArray[np.float32]  # (n, 2)
    descriptors: npt.NDArray[np.uint8]  # (n, 128)
    #: Per point: it sits on a flat background (``_on_flat``): an icon's, a glyph's or a
    #: bar's edge, not a photo's texture.
    flat: npt.NDArray[np.bool_] = dataclasses.field(default_factory=lambda: np.zeros(0, np.bool_))
    #: The picture is dark (``DARK_LEVEL``).
    dark: bool = False

    @property
    def count(self) -> int:
        return len(self.points)

    def scale(self) -> tuple[float, float]:
        return self.width / self.work_width, self.height / self.work_height

    @functools.cached_property
    def root(self) -> npt.NDArray[np.float32]:
        """The descriptors as RootSIFT (computed once)."""
        return root_sift(self.descriptors)

    def on_flat(self, index: npt.NDArray[np.intp]) -> npt.NDArray[np.bool_]:
        """``flat`` of the points at ``index`` (False where not known)."""
        if len(self.flat) != self.count:
            return np.zeros(len(index), np.bool_)
        return self.flat[index]

    def strongest(self, n: int = MAX_POINTS) -> Features:
        """The ``n`` strongest points (points are kept strongest first)."""
        if self.count <= n:
            return self
        return dataclasses.replace(
            self, points=self.points[:n], descriptors=self.descriptors[:n], flat=self.flat[:n]
        )


def fitted_grey(picture: Image.Image, side: int = WORK_SIDE) -> npt.NDArray[np.uint8]:
    """The picture fitted into ``side``, grey."""
    grey = picture.convert("L")
    f = side / max(grey.size)
    if f < 1:
        size = (max(1, round(grey.width * f)), max(1, round(grey.height * f)))
        grey = grey.resize(size, Image.Resampling.BOX)
    return np.asarray(grey, dtype=np.uint8)


def equalised(grey: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """Local contrast equalised (CLAHE): the same for a dark picture and its brightened
    copy, for a faded one and the original. A dark picture's levels are squeezed into
    the bottom of the range, so its clip limit rises with its darkness (its brightest 1%
    below ``BRIGHT_LEVEL``), up to ``MAX_CLIP``: measured on night copies five and six
    stops under, it finds a third more of them than the normal limit."""
    top = float(np.percentile(grey, 99))
    clip = min(MAX_CLIP, CLIP * max(1.0, BRIGHT_LEVEL / max(top, 1.0)))
    clahe = cv2.createCLAHE(clipLimit=clip, tileGridSize=_CLAHE_TILES)
    return np.asarray(clahe.apply(grey), dtype=np.uint8)


def extract(
    picture: Image.Image, max_points: int = QUERY_POINTS, size: tuple[int, int] | None = None
) -> Features:
    """The picture's local features (module docstring), inside its content region;
    ``size``: the picture's own size when ``picture`` was decoded smaller (boxes and points
    are reported in it)."""
    plain = fitted_grey(picture)
    dark = float(np.percentile(plain, 99)) < DARK_LEVEL
    grey = equalised(plain)
    height, width = grey.shape
    mask = np.zeros_like(grey)
    (left, top, right, bottom), maybe_chrome = _content(picture, width, height)
    mask[top:bottom, left:right] = 255
    sift = cv2.SIFT.create(nfeatures=max_points)
    keypoints, found = sift.detectAndCompute(grey, mask)
    points = np.zeros((0, 2), np.float32)
    descriptors = np.zeros((0, 128), np.uint8)
    radii = np.zeros(0, np.float32)
    if found is not None and keypoints:
        order = np.argsort([-k.response for k in keypoints], kind="stable")[:max_points]
        points = np.array([keypoints[i].pt for i in order], np.float32).reshape(-1, 2)
        radii = np.array([keypoints[i].size for i in order], np.float32)
        descriptors = np.clip(np.rint(found[order]), 0, 255).astype(np.uint8)
    background = _background(plain)
    if maybe_chrome and in_rows(points) and background.mean() >= CHROME_FLAT:
        points, descriptors, radii = points[:0], descriptors[:0], radii[:0]  # chrome, text
    own_width, own_height = size or picture.size
    flat = _on_flat(background, points, radii)
    return Features(own_width, own_height, width, height, points, descriptors, flat, dark)


def _background(grey: npt.NDArray[np.uint8]) -> npt.NDArray[np.bool_]:
    """The pixels within one level of the median: a screenshot's flat background is one
    level, a photo's sky or a night's dark has grain and noise."""
    return np.asarray(np.abs(grey.astype(np.int16) - int(np.median(grey))) <= 1, np.bool_)


def _on_flat(
    background: npt.NDArray[np.bool_],
    points: npt.NDArray[np.float32],
    sizes: npt.NDArray[np.float32],
) -> npt.NDArray[np.bool_]:
    """Per point, whether at least ``FLAT_SHARE`` of the window around it (as wide as the
    keypoint) is ``background``: a point on a screenshot's chrome (an icon, a glyph, a
    button) or on a bar's edge; a photo's texture, its sky's grain, a night's noise are
    not one level."""
    if len(points) == 0:
        return np.zeros(0, np.bool_)
    summed = cv2.integral(background.astype(np.uint8))
    height, width = background.shape
    r = np.maximum(np.rint(sizes), 4).astype(np.int64)
    x, y = np.rint(points[:, 0]).astype(np.int64), np.rint(points[:, 1]).astype(np.int64)
    x0, x1 = np.clip(x - r, 0, width), np.clip(x + r + 1, 0, width)
    y0, y1 = np.clip(y - r, 0, height), np.clip(y + r + 1, 0, height)
    inside = summed[y1, x1] - summed[y0, x1] - summed[y1, x0] + summed[y0, x0]
    area = np.maximum((x1 - x0) * (y1 - y0), 1)
    return np.asarray(inside / area >= FLAT_SHARE, np.bool_)


def in_rows(points: npt.NDArray[np.float32]) -> bool:
    """Whether points are set in lines, as on glyphs: many of the horizontal bands
    between the highest and the lowest point hold none (a photo's points, a star field's,
    leave next to no band empty)."""
    if len(points) < ROWS_MIN_POINTS:
        return False
    n_bands = min(ROW_BANDS, len(points) // ROW_POINTS)
    top, bottom = float(points[:, 1].min()), float(points[:, 1].max())
    bands = np.histogram(points[:, 1], bins=n_bands, range=(top, bottom + 1e-3))[0]
    return bool((bands == 0).mean() >= ROWS_EMPTY)


def _content(
    picture: Image.Image, width: int, height: int
) -> tuple[tuple[int, int, int, int], bool]:
    """The content region in working pixels, found on the hashes' small working copy and
    scaled up (the whole picture when nothing, or too much, peels off), and whether the
    picture may be all chrome: next to nothing is left and the hashes find it flat (a
    text-only post, a page; also a star field on black, whose points are not in rows)."""
    small = working_copy(picture)
    box = content_box(small)
    if box is None:
        left, top, right, bottom = peeled_box(small)
        chrome = (right - left) * (bottom - top) < CHROME_ONLY * small.width * small.height
        return (0, 0, width, height), chrome and low_information(picture)
    fx, fy = width / small.width, height / small.height
    return (
        int(box[0] * fx),
        int(box[1] * fy),
        min(width, int(np.ceil(box[2] * fx))),
        min(height, int(np.ceil(box[3] * fy))),
    ), False


assert HASH_SIDE < WORK_SIDE  # the content region is found on the smaller copy


def to_bytes(features: Features, limit: int | None = MAX_POINTS) -> bytes:
    """Compact form of the ``limit`` strongest points (the stored budget; None: all): a
    header, quarter-pixel positions (uint16) and descriptors (uint8)."""
    if limit is not None:
        features = features.strongest(limit)
    header = _HEADER.pack(
        FORMAT,
        features.count,
        min(features.width, 65535),
        min(features.height, 65535),
        features.work_width,
        features.work_height | (_DARK_BIT if features.dark else 0),
    )
    points = np.clip(np.rint(features.points * 4), 0, _FLAT_BIT - 1).astype("<u2")
    if len(features.flat):
        points[:, 0] |= np.where(features.flat, _FLAT_BIT, 0).astype("<u2")
    return header + points.tobytes() + features.descriptors.tobytes()


def from_bytes(data: bytes) -> Features:
    """Inverse of :func:`to_bytes`; ValueError when ``data`` is not features."""
    if len(data) < _HEADER.size:
        raise ValueError("local features: too short")
    fmt, n, width, height, work_width, work_height = _HEADER.unpack_from(data)
    if fmt != FORMAT or len(data) != _HEADER.size + n * (4 + 128):
        raise ValueError("local features: unknown format or wrong length")
    dark, work_height = bool(work_height & _DARK_BIT), work_height & (_DARK_BIT - 1)
    start = _HEADER.size
    raw = np.frombuffer(data, "<u2", n * 2, start).reshape(n, 2)
    flat = (raw[:, 0] & _FLAT_BIT) > 0
    points = (raw & (_FLAT_BIT - 1)).astype(np.float32) / np.float32(4)
    descriptors = np.frombuffer(data, np.uint8, n * 128, start + n * 4).reshape(n, 128)
    return Features(width, height, work_width, work_height, points, descriptors, flat, dark)


def judged(features: Features | None) -> TypeGuard[Features]:
    """Whether the picture has enough points for local features to say anything."""
    return features is not None and features.count >= MIN_JUDGED


def root_sift(descriptors: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
    """RootSIFT (Arandjelović and Zisserman, 2012): L1-normalised square roots, compared
    by Euclidean distance, which is the Hellinger kernel on the original histograms."""
    d = descriptors.astype(np.float32)
    d /= np.maximum(d.sum(axis=1, keepdims=True), 1e-6)
    return np.sqrt(d)
