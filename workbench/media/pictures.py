"""Pictures for a person to look at: upright, no bigger than the screen needs, compared.

The analysis (``workbench.library.analysis``) decodes at hash size; a viewer needs more,
but never the whole of a 50 MP original to fill a window. ``display_picture`` asks the JPEG decoder
for the smallest DCT scale that still covers ``max_side`` (Pillow ``draft``: 1/2, 1/4, 1/8
of the work), then scales the rest of the way. Orientation comes from the same metadata
reader the analysis uses, so what is shown is what was hashed.

No Qt here: the window converts the returned Pillow picture itself. Uses only
``workbench.base`` and the rest of ``workbench.media``.
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageChops, ImageStat

from workbench.base.errors import AnalysisError

# The analysis' own decoding, so a displayed picture and a hashed one are turned and
# flattened alike (transparency on white, 16-bit scaled down).
from workbench.media.decode import (
    MAX_PIXELS,
    bomb_message,
    decoding_errors,
    describe,
    register_heif,
    to_rgb,
    upright,
)
from workbench.media.exif import read_metadata

#: Long side of a picture shown in the viewer: a 24 MP photo at full resolution, a larger
#: one scaled down (a 4K screen is 3840 wide; the analyst can still zoom in 1.5x sharp).
VIEW_SIDE = 6000
#: Long side of each picture in the compare view (two at once, plus their difference).
COMPARE_SIDE = 3000


def display_picture(path: Path, max_side: int = VIEW_SIDE) -> Image.Image:
    """The picture at ``path`` in RGB, upright per its EXIF orientation, its long side at
    most ``max_side`` (smaller pictures are returned at their own size, never enlarged).

    Raises :class:`AnalysisError` with a sentence for the analyst when it cannot be read.
    """
    if max_side < 1:
        raise ValueError("max_side must be positive")
    register_heif()
    if not path.is_file():
        raise AnalysisError("the original is missing from the media folder")
    with decoding_errors(), Image.open(path) as im:
        width, height = im.size
        if width <= 0 or height <= 0:
            raise AnalysisError(f"picture has no pixels ({width}x{height})")
        if width * height > MAX_PIXELS:
            raise AnalysisError(bomb_message(width, height))
        orientation = read_metadata(path, im).orientation
        if im.format == "JPEG" and max(width, height) > max_side:
            # draft() keeps both sides at least as large as asked, so ask for the
            # picture's own shape scaled to max_side, not a square.
            scale = max_side / max(width, height)
            im.draft("RGB", (math.ceil(width * scale), math.ceil(height * scale)))
        im.seek(0)
        im.load()
        picture = to_rgb(im)
        if max(picture.size) > max_side:
            # thumbnail() keeps the aspect ratio; LANCZOS because a person looks at it.
            picture.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        return upright(picture, orientation)


def thumbnail_picture(path: Path) -> Image.Image:
    """A cached thumbnail (a JPEG the workbench wrote itself, already upright) in RGB."""
    try:
        with Image.open(path) as im:
            im.load()
            return to_rgb(im)
    except Exception as exc:
        raise AnalysisError(f"cannot read the thumbnail: {describe(exc)}") from exc


def difference_picture(first: Image.Image, second: Image.Image) -> Image.Image:
    """Absolute per-pixel difference, ``second`` scaled to ``first``'s size first.

    Same picture → black; what was edited, added or removed → bright.
    """
    a = first.convert("RGB")
    b = second.convert("RGB")
    if b.size != a.size:
        b = b.resize(a.size, Image.Resampling.BILINEAR)
    return ImageChops.difference(a, b)


def amplify(picture: Image.Image, gain: float) -> Image.Image:
    """Every channel times ``gain``, clipped at white: faint differences made visible."""
    table = [min(255, round(value * gain)) for value in range(256)]
    return picture.point(table * len(picture.getbands()))


def mean_level(picture: Image.Image) -> float:
    """Mean pixel value over all channels, 0 (black) to 255 (white)."""
    means = ImageStat.Stat(picture.convert("RGB")).mean
    return float(sum(means) / len(means))
