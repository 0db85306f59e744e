"""What to show for a stored media: the original upright, or a video's frame or thumbnail
from the cache, at the size the viewer needs (``workbench.media.pictures`` decodes it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PIL import Image

from workbench.base.errors import AnalysisError
from workbench.library.views import MediaView
from workbench.media.pictures import VIEW_SIDE, display_picture, thumbnail_picture

if TYPE_CHECKING:
    from workbench.library.ingest import MediaService


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
