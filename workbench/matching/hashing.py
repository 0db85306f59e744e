"""Fingerprints of a picture that survive the wild: the views of it that get hashed.

Plain pHash/dHash of the whole picture find a re-encoded, resized or recoloured copy. The
copies analysts meet are also mirrored, turned, cropped, padded, captioned, or sit inside a
screenshot of somebody's post. Each kind is met by hashing another *view* of a picture:

- stored side (``stored_views``): the picture as it is, mirrored, turned 90/180/270
  degrees, tilted a few degrees either way, cropped by 15% from each side in turn, from
  each pair of sides, and to its centre (10% and 20% off every side), and its *content
  region* (below);
- query side (``query_views``): the picture as it is and its content region.

A query view matching a stored view says which kind of evidence matched (``kind``), so
an analyst can judge it: a match of the whole picture is stronger than a region's.

The content region is what is left after peeling off, from each edge, lines that are
mostly one colour: bars of a letterbox or padding, a border or a device's bezel, and the
chrome of a post screenshot around its photo. Once a side has met such a band, a block of
text or icons on the band's colour (a caption, a post's header and text, a status bar)
peels off as a whole when a plain line follows it. The same peeling runs on both sides,
so a photo and a screenshot of it meet in the middle.

Low-information pictures (blank, dark or single-colour frames, near-flat gradients,
text-only posts and pages: peeled away to nothing) would match one another:
``low_information`` flags them and they are kept out of matching instead.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image
from threadpoolctl import threadpool_limits

from workbench.matching.index import QUERY_KINDS

# The views are hashed with small matrix products (32x160), dozens per picture, on the
# ingest pool's threads: numpy's BLAS would hand each to a thread per core, and the
# hand-offs cost more than the products (an ingest spent twice the CPU). One BLAS thread,
# for the process; threadpoolctl sets it in whichever BLAS numpy has loaded.
threadpool_limits(limits=1, user_api="blas")

#: The working size: views are cut from the picture scaled to fit this square (hashes
#: need 32x32 pixels; peeling needs lines a few pixels thick to be measurable).
WORK_SIDE = 160
#: A line is a band (a bar, a bezel, a rim) when this share of its pixels is within
#: ``BORDER_TOLERANCE`` (per channel, 0-255) of its median colour; once a side has met a
#: band, lines on that band's colour peel at the lower share (text, buttons, an avatar).
BAND_SHARE = 0.85
BORDER_SHARE = 0.6
BORDER_TOLERANCE = 24
#: A content region smaller than this share of the picture (either side) is not kept:
#: too little is left to be the picture.
MIN_REGION = 0.2
#: Text or icons on a side's background (a caption, a post's header and text, a status
#: bar) peel off as a block when a plain line follows within this share of the picture.
TEXT_RUN = 0.2
TEXT_SHARE = 0.15  # ... when that much of the block, on average, is the background
#: A picture on paper peeled down to less than this share of its area is chrome only.
CHROME_ONLY = 0.05
CROP = 0.15  # the one-side crops: about the middle of "up to 20% off"
#: Two sides cut (each corner kept in turn, or both opposite sides) at three depths: two
#: cuts move the picture's grid twice, so one depth in the middle met only half of the
#: copies cut 10% or 20% off two sides; with these, all of them (bench/match_eval.py).
PAIR_CROPS = (0.08, 0.15, 0.22)
CENTRES = (0.8, 0.6)  # the centre crops: 10% and 20% off every side
TILT = 4.0  # degrees, either way: "rotated by a few degrees"
#: Below this much structure (``low_information``; 0-255 grey levels), a picture is flat.
FLAT_STRUCTURE = 1.5
#: A page of text: this share of it one colour, and less structure than this.
TEXT_PAGE_SHARE = 0.75
TEXT_PAGE_STRUCTURE = 16.0
#: ... on paper: a near-white or near-black background with little tint (0-255).
PAPER_TINT = 30
PAPER_DARK = 60
PAPER_LIGHT = 200
#: Text on a black page: at least this share of its pixels brighter than this.
INK_LEVEL = 128
INK_SHARE = 0.01


@dataclass(frozen=True)
class View:
    kind: str  # one of ``workbench.matching.index.VIEW_KINDS``
    #: the picture itself (the whole), or a view cut from its grey working copy
    picture: Image.Image | npt.NDArray[np.float64]

    def hashes(self) -> list[tuple[str, int]]:
        if isinstance(self.picture, Image.Image):
            return picture_hashes(self.picture)
        return array_hashes(self.picture)


def working_copy(picture: Image.Image) -> Image.Image:
    """The picture in RGB scaled to fit ``WORK_SIDE`` (never enlarged)."""
    copy = picture.convert("RGB")
    copy.thumbnail((WORK_SIDE, WORK_SIDE), Image.Resampling.BILINEAR)
    return copy


def picture_hashes(picture: Image.Image) -> list[tuple[str, int]]:
    """The 64-bit pHash and dHash of ``picture``, as unsigned integers.

    Bit for bit imagehash's ``phash`` and ``dhash`` (a test holds them equal on real
    photos): pHash is the DCT of a 32x32 grey version, its low 8x8 against their median;
    dHash is a 9x8 grey version, each pixel against its left neighbour. Written with a
    precomputed DCT matrix because a picture is hashed in some twenty views: imagehash's
    per-call work (SciPy's FFT setup, conversions) cost more than the hashing itself."""
    grey = picture if picture.mode == "L" else picture.convert("L")
    small = np.asarray(grey.resize((32, 32), Image.Resampling.LANCZOS), dtype=np.float64)
    low = _DCT8 @ small @ _DCT8.T
    phash = _bits((low > np.median(low)).ravel())
    row = np.asarray(grey.resize((9, 8), Image.Resampling.LANCZOS), dtype=np.int16)
    dhash = _bits((row[:, 1:] > row[:, :-1]).ravel())
    return [("phash", phash), ("dhash", dhash)]


def _bits(flags: npt.NDArray[np.bool_]) -> int:
    """64 booleans as an unsigned integer, the first the highest bit (as imagehash)."""
    return int.from_bytes(np.packbits(flags).tobytes(), "big")


def _dct8() -> npt.NDArray[np.float64]:
    """The first 8 rows of SciPy's unnormalised DCT-II for 32 points."""
    k, n = np.mgrid[0:8, 0:32]
    return 2 * np.cos(np.pi * k * (2 * n + 1) / 64)


_DCT8 = _dct8()


def low_information(picture: Image.Image) -> bool:
    """Too flat to tell apart from other flat pictures (kept out of matching): a blank,
    dark or one-colour frame, a gradient, or text on a plain page: a post with no photo
    (every line of it peels off as chrome), or a page mostly one colour with little
    structure once the letters blur together. Text is on paper: a near-white or near-black
    background with little tint (never a sky, a snowfield or a wall).

    Structure is what is left of a 16x16 grey version once a smooth surface (a quadratic
    in x and y) is taken away: a gradient or a vignette leaves almost nothing, a photo,
    even a dim or washed-out one, leaves plenty.
    """
    tiny = picture.convert("RGB").resize((32, 32), Image.Resampling.BOX)
    grey = np.asarray(tiny.convert("L").resize((16, 16), Image.Resampling.BOX), np.float64)
    structure = float(np.std(grey.ravel() - _SURFACE @ np.linalg.lstsq(_SURFACE, grey.ravel())[0]))
    if structure < FLAT_STRUCTURE:
        return True
    paper = np.median(np.asarray(tiny, dtype=np.int16).reshape(-1, 3), axis=0)
    if np.ptp(paper) > PAPER_TINT or PAPER_DARK < paper.mean() < PAPER_LIGHT:
        return False
    work = np.asarray(working_copy(picture), dtype=np.int16)
    pixels = work.reshape(-1, 3)
    left, top, right, bottom = _peeled(work)
    # On black, a dim photo peels away like a page (its lines are all near black): text
    # on black is bright, a dim photo has next to nothing bright.
    inked = paper.mean() >= PAPER_LIGHT or (pixels.max(axis=1) > INK_LEVEL).mean() >= INK_SHARE
    if inked and (right - left) * (bottom - top) < CHROME_ONLY * len(pixels):
        return True
    plain = np.all(np.abs(pixels - paper) <= BORDER_TOLERANCE, axis=1).mean()
    return bool(structure < TEXT_PAGE_STRUCTURE and plain >= TEXT_PAGE_SHARE)


def _surface() -> npt.NDArray[np.float64]:
    y, x = np.mgrid[0:16, 0:16] / 15.0
    x, y = x.ravel(), y.ravel()
    return np.stack([np.ones_like(x), x, y, x * x, x * y, y * y], axis=1)


_SURFACE = _surface()


def content_box(picture: Image.Image) -> tuple[int, int, int, int] | None:
    """``(left, top, right, bottom)`` of what is left after peeling border-like lines off
    each edge, or None when nothing was peeled or too little is left."""
    width, height = picture.size
    left, top, right, bottom = box = peeled_box(picture)
    if box == (0, 0, width, height):
        return None
    if right - left < MIN_REGION * width or bottom - top < MIN_REGION * height:
        return None
    return box


def peeled_box(picture: Image.Image) -> tuple[int, int, int, int]:
    """``(left, top, right, bottom)`` of what is left after peeling (the whole picture when
    nothing peels off; a sliver or less when all of it is chrome, as a text-only post)."""
    return _peeled(np.asarray(picture.convert("RGB"), dtype=np.int16))


def _peeled(pixels: npt.NDArray[np.int16]) -> tuple[int, int, int, int]:
    """The box left once each edge has given way: bars, then chrome, then a card's rim."""
    height, width = pixels.shape[:2]
    box = [0, 0, width, height]  # left, top, right, bottom
    colours: list[npt.NDArray[np.float64] | None] = [None, None, None, None]
    changed = True
    while changed:
        changed = False
        for side in range(4):
            while box[2] - box[0] > 1 and box[3] - box[1] > 1:
                step, background = 1, _background(_edge_line(pixels, box, side), colours[side])
                if background is None and (background := colours[side]) is not None:
                    step = _text_run(pixels, box, side, background)
                if background is None or step == 0:
                    break
                colours[side] = background
                box[side] += step if side < 2 else -step
                changed = True
    return box[0], box[1], box[2], box[3]


def _text_run(
    pixels: npt.NDArray[np.int16], box: list[int], side: int, background: npt.NDArray[np.float64]
) -> int:
    """How many lines from ``side`` inwards are a block of text (or icons) on the side's
    background: lines up to the next one that is nearly all background again, within
    ``TEXT_RUN`` of the picture. 0 when there is no such line: the content starts here."""
    left, top, right, bottom = box
    height, width = pixels.shape[:2]
    reach = round(TEXT_RUN * (width if side in (0, 2) else height))
    if side == 0:
        block = pixels[top:bottom, left : min(right, left + reach)].swapaxes(0, 1)
    elif side == 1:
        block = pixels[top : min(bottom, top + reach), left:right]
    elif side == 2:
        block = pixels[top:bottom, max(left, right - reach) : right][:, ::-1].swapaxes(0, 1)
    else:
        block = pixels[max(top, bottom - reach) : bottom, left:right][::-1]
    share = np.all(np.abs(block - background) <= BORDER_TOLERANCE, axis=2).mean(axis=1)
    plain = np.flatnonzero(share >= BAND_SHARE)
    if len(plain) == 0 or plain[0] == 0 or share[: plain[0]].mean() < TEXT_SHARE:
        return 0
    return int(plain[0])


def _edge_line(pixels: npt.NDArray[np.int16], box: list[int], side: int) -> npt.NDArray[np.int16]:
    """The outermost line of ``box`` on ``side`` (0 left, 1 top, 2 right, 3 bottom)."""
    left, top, right, bottom = box
    if side == 0:
        return pixels[top:bottom, left]
    if side == 1:
        return pixels[top, left:right]
    if side == 2:
        return pixels[top:bottom, right - 1]
    return pixels[bottom - 1, left:right]


def _background(
    line: npt.NDArray[np.int16], background: npt.NDArray[np.float64] | None
) -> npt.NDArray[np.float64] | None:
    """The side's background colour if ``line`` is border-like, else None.

    Border-like: nearly all one colour (a bar, a bezel, a rim line); or, once the side has
    a background, mostly that background (a line of text on it, buttons, an avatar).
    """
    median = np.median(line, axis=0)
    share = np.all(np.abs(line - median) <= BORDER_TOLERANCE, axis=1).mean()
    if share >= BAND_SHARE:
        return median
    on_background = background is not None and bool(
        np.all(np.abs(median - background) <= BORDER_TOLERANCE)
    )
    return background if on_background and share >= BORDER_SHARE else None


def stored_views(picture: Image.Image) -> list[View]:
    """The views of a stored picture that get hashed into the index.

    The whole picture is hashed at full size, as it always was; a picture with a content
    region (bars, a caption, a post's chrome around a photo) is "framed", and its region
    is hashed too. Two framed pictures meet on their whole only when nearly identical (see
    ``workbench.matching.index.FRAMED_MAX_DISTANCE``): two screenshots of one post template
    around different photos must not meet on their chrome.

    The other views are cut from the grey working copy as arrays (``array_hashes``).
    """
    coloured = working_copy(picture)
    box = content_box(coloured)  # peeled in colour: a red bar on a grey photo is a bar
    grey = coloured.convert("L")  # the hashes work on grey: convert once, not per view
    work = np.asarray(grey, dtype=np.float64)
    height, width = work.shape
    views = [View("whole" if box is None else "framed", picture)]
    if box is not None:
        views.append(View("region", _cut(work, box)))
    return [
        *views,
        View("mirrored", work[:, ::-1]),
        *(View(f"rotated_{90 * k}", np.rot90(work, k)) for k in (1, 2, 3)),
        *(View("cropped", _cut(work, box)) for box in _crops(width, height)),
        *(View("tilted", np.asarray(_tilted(grey, a), dtype=np.float64)) for a in (TILT, -TILT)),
    ]


def hashed_views(picture: Image.Image) -> list[tuple[str, int, str]]:
    """``(algorithm, value, view kind)`` for every stored view of ``picture``."""
    return [
        (algorithm, value, view.kind)
        for view in stored_views(picture)
        for algorithm, value in view.hashes()
    ]


def query_views(picture: Image.Image) -> list[View]:
    """The views of a new picture that are looked up in the index."""
    return [view for view in stored_views(picture) if view.kind in QUERY_KINDS]


def array_hashes(grey: npt.NDArray[np.float64]) -> list[tuple[str, int]]:
    """pHash and dHash of a grey array, as :func:`picture_hashes` computes them, with the
    resizing done as matrix products (Pillow's Lanczos weights, its horizontal pass first,
    each pass rounded to whole levels as Pillow does): a picture's twenty-odd cut views
    cost a millisecond, not ten. Within a bit or two of ``picture_hashes`` of the view."""
    low = _DCT8 @ _resized(grey, 32, 32) @ _DCT8.T
    phash = _bits((low > np.median(low)).ravel())
    row = _resized(grey, 9, 8)
    dhash = _bits((row[:, 1:] > row[:, :-1]).ravel())
    return [("phash", phash), ("dhash", dhash)]


def _resized(grey: npt.NDArray[np.float64], width: int, height: int) -> npt.NDArray[np.float64]:
    across = np.clip(np.round(grey @ _lanczos(grey.shape[1], width).T), 0, 255)
    return np.clip(np.round(_lanczos(grey.shape[0], height) @ across), 0, 255)


@functools.cache
def _lanczos(n_in: int, n_out: int) -> npt.NDArray[np.float64]:
    """``n_out x n_in``: Pillow's Lanczos (a = 3) resampling of a line, as a matrix."""
    scale = n_in / n_out
    stretch = max(scale, 1.0)
    t = (np.arange(n_in)[None, :] + 0.5 - (np.arange(n_out)[:, None] + 0.5) * scale) / stretch
    weights = np.sinc(t) * np.sinc(t / 3) * (np.abs(t) < 3)
    return weights / weights.sum(axis=1, keepdims=True)


def _cut(work: npt.NDArray[np.float64], box: tuple[int, int, int, int]) -> npt.NDArray[np.float64]:
    left, top, right, bottom = box
    return work[top:bottom, left:right]


def _crops(width: int, height: int) -> list[tuple[int, int, int, int]]:
    """``CROP`` off each side; each pair of sides at every ``PAIR_CROPS`` depth; the centre
    crops."""
    dx, dy = round(width * CROP), round(height * CROP)
    boxes = [(dx, 0, width, height), (0, 0, width - dx, height)]
    boxes += [(0, dy, width, height), (0, 0, width, height - dy)]
    for depth in PAIR_CROPS:
        dx, dy = round(width * depth), round(height * depth)
        boxes += [(dx, 0, width - dx, height), (0, dy, width, height - dy)]
        boxes += _corner_crops(width, height, dx, dy)
    return boxes + [_centre(width, height, keep) for keep in CENTRES]


def _centre(width: int, height: int, keep: float) -> tuple[int, int, int, int]:
    cx, cy = round(width * (1 - keep) / 2), round(height * (1 - keep) / 2)
    return cx, cy, width - cx, height - cy


def _corner_crops(width: int, height: int, dx: int, dy: int) -> list[tuple[int, int, int, int]]:
    """``dx``/``dy`` off two adjacent sides: each corner of the picture kept in turn."""
    return [
        (dx, dy, width, height),
        (0, dy, width - dx, height),
        (dx, 0, width, height - dy),
        (0, 0, width - dx, height - dy),
    ]


def _tilted(picture: Image.Image, angle: float) -> Image.Image:
    """Turned by ``angle`` degrees, cut to the largest upright box with no fill in it."""
    width, height = picture.size
    turned = picture.rotate(angle, resample=Image.Resampling.BILINEAR)
    a = np.radians(abs(angle))
    # The inscribed axis-aligned box of a w x h rectangle turned by a small angle.
    scale = 1 / (np.cos(a) + np.sin(a) * max(width, height) / min(width, height))
    w, h = width * scale, height * scale
    left, top = (width - w) / 2, (height - h) / 2
    return turned.crop((round(left), round(top), round(left + w), round(top + h)))
