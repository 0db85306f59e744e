"""The frames of a stored video that get local features: where a screenshot is looked for.

A video's hashes are kept for a frame at least every second (``workbench.media.video``); local
features cost some 40 times a frame's hashes in bytes, so fewer frames get them: the first,
the first after every scene cut, and one every ``FEATURE_INTERVAL_MS`` within a shot. Any
moment of the video is then at most ``FEATURE_INTERVAL_MS / 2`` from a featured frame of
its own shot (a shot shorter than that still has the frame after its cut), so a screenshot
that local features find in the video (a dark scene no hash survives, a frame inside a post
screenshot) is placed within a second. Frames are fitted into ``local.WORK_SIDE`` pixels,
the size features are computed at; the decoding is ``workbench.media.video``'s (streamed, the
frames nothing refers to skipped, cuts measured on the same 32x18 grey signatures).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image

from workbench.matching import local
from workbench.media.video import (
    CUT_THRESHOLD,
    decoded_frames,
    fitted_frame,
    grey_signature,
    open_video,
)

#: A shot's frames with features are at most this far apart (see the docstring).
FEATURE_INTERVAL_MS = 2000
#: A featured frame's neighbours are within this: the next frame is decoded a little after
#: the interval (the frames nothing refers to are skipped).
NEIGHBOUR_MS = FEATURE_INTERVAL_MS * 3 // 2
#: Two cut frames at least this far apart: a strobe or a burst of noise is not a shot each.
MIN_CUT_GAP_MS = 500


def feature_frames(
    path: Path, interval_ms: int = FEATURE_INTERVAL_MS, max_side: int = local.WORK_SIDE
) -> Iterator[tuple[int, Image.Image]]:
    """``(t_ms, RGB picture)`` of the frames that get features, in order (module
    docstring). Raises ``AnalysisError`` for a file that cannot be decoded."""
    with open_video(path) as container:
        stream = container.streams.video[0]
        previous = None
        last_kept: int | None = None
        last_cut: int | None = None
        for frame, t_ms in decoded_frames(container, stream):
            signature = grey_signature(frame)
            cut = (
                previous is not None
                and float(np.abs(signature - previous).mean()) >= CUT_THRESHOLD
                and (last_cut is None or t_ms - last_cut >= MIN_CUT_GAP_MS)
            )
            previous = signature
            if cut:
                last_cut = t_ms
            if cut or last_kept is None or t_ms - last_kept >= interval_ms:
                last_kept = t_ms
                yield t_ms, fitted_frame(frame, max_side)
