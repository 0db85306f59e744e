"""Pictures for a person to look at: upright, no bigger than the screen needs, compared.

The analysis (``workbench.analysis``) decodes at hash size; a viewer needs more, but never
the whole of a 50 MP original to fill a window. ``display_picture`` asks the JPEG decoder
for the smallest DCT scale that still covers ``max_side`` (Pillow ``draft``: 1/2, 1/4, 1/8
of the work), then scales the rest of the way. Orientation comes from the same metadata
reader the analysis uses, so what is shown is what was hashed.

No Qt here: the window converts the returned Pillow picture itself.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageChops, ImageStat

# The analysis' own helpers, so a displayed picture and a hashed one are turned and
# flattened alike (transparency on white, 16-bit scaled down).
from workbench.analysis import (
    MAX_PIXELS,
    _bomb_message,
    _describe,
    _register_heif,
    _to_rgb,
    _upright,
    decoding_errors,
)
from workbench.errors import AnalysisError
from workbench.exif import read_metadata
from workbench.views import MediaView

if TYPE_CHECKING:
    from workbench.ingest import MediaService

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
    _register_heif()
    if not path.is_file():
        raise AnalysisError("the original is missing from the media folder")
    with decoding_errors(), Image.open(path) as im:
        width, height = im.size
        if width <= 0 or height <= 0:
            raise AnalysisError(f"picture has no pixels ({width}x{height})")
        if width * height > MAX_PIXELS:
            raise AnalysisError(_bomb_message(width, height))
        orientation = read_metadata(path, im).orientation
        if im.format == "JPEG" and max(width, height) > max_side:
            # draft() keeps both sides at least as large as asked, so ask for the
            # picture's own shape scaled to max_side, not a square.
            scale = max_side / max(width, height)
            im.draft("RGB", (math.ceil(width * scale), math.ceil(height * scale)))
        im.seek(0)
        im.load()
        picture = _to_rgb(im)
        if max(picture.size) > max_side:
            # thumbnail() keeps the aspect ratio; LANCZOS because a person looks at it.
            picture.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        return _upright(picture, orientation)


def media_picture(
    media: MediaService, view: MediaView, max_side: int = VIEW_SIDE, t_ms: int | None = None
) -> Image.Image:
    """What to show for a stored media: the original upright; for a video its frame at
    ``t_ms`` (where a screenshot of it was found), or without one its thumbnail (the first
    frame the analysis hashed). Slow for big pictures: call it off the UI thread."""
    if view.kind == "video" and t_ms is not None:
        frame = media.frame_path(view.sha256, t_ms, max_side)
        if frame is None:  # not asked for the cache only: never None
            raise AnalysisError("the frame at that time could not be read")
        return thumbnail_picture(frame)
    if view.kind == "video":
        thumbnail = media.thumbnail_path(view.sha256)
        if thumbnail is None:
            raise AnalysisError("this video has no thumbnail (its first frame could not be read)")
        return thumbnail_picture(thumbnail)
    return display_picture(media.original_path(view.sha256), max_side)


def thumbnail_picture(path: Path) -> Image.Image:
    """A cached thumbnail (a JPEG the workbench wrote itself, already upright) in RGB."""
    try:
        with Image.open(path) as im:
            im.load()
            return _to_rgb(im)
    except Exception as exc:
        raise AnalysisError(f"cannot read the thumbnail: {_describe(exc)}") from exc


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
