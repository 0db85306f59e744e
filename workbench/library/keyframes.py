"""Keyframes of a video for a reverse image search: the first frame, the frame after each
scene cut and, in a long shot, one every ``interval_ms``, written to a folder as JPEGs named
by their time (``keyframe-00h01m23s456.jpg``) with a small index (``keyframes.json``).

The frames are the ones ``workbench.matching.video_frames`` picks (its cuts, measured on the same
small grey signatures, streamed: a ten-minute video is never held in memory), at up to
``MAX_SIDE`` pixels, which is what reverse search engines take. Each JPEG is written to a
temporary name and renamed; the index comes last, so a folder with an index holds every
frame it names. Cancel between frames leaves the frames written so far and no index.

Uses ``workbench.matching.video_frames`` and ``workbench.base.files``.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from workbench.base.errors import Cancelled
from workbench.base.files import atomic_write
from workbench.matching.video_frames import feature_frames

#: At most one keyframe this often within one shot.
INTERVAL_MS = 10_000
#: Keyframes are fitted into this many pixels (long side).
MAX_SIDE = 1280
INDEX = "keyframes.json"
JPEG_QUALITY = 90


@dataclass(frozen=True)
class Keyframe:
    t_ms: int
    path: Path


def frame_name(t_ms: int) -> str:
    """``keyframe-00h01m23s456.jpg``: sorts by time, reads as one."""
    seconds, ms = divmod(t_ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"keyframe-{hours:02d}h{minutes:02d}m{seconds:02d}s{ms:03d}.jpg"


def write_keyframes(
    video: Path,
    out: Path,
    *,
    interval_ms: int = INTERVAL_MS,
    max_side: int = MAX_SIDE,
    about: Mapping[str, object] | None = None,
    progress: Callable[[int], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> list[Keyframe]:
    """Write the keyframes of ``video`` into ``out`` (created) and the index; ``about``:
    what the index says of the video (its SHA-256, name). Raises ``AnalysisError`` for a
    file that cannot be decoded, ``Cancelled`` when ``should_cancel()`` turns true."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Keyframe] = []
    for t_ms, picture in feature_frames(video, interval_ms, max_side):
        if should_cancel is not None and should_cancel():
            raise Cancelled(f"keyframes cancelled: {len(written)} written, no index")
        data = io.BytesIO()
        picture.save(data, "JPEG", quality=JPEG_QUALITY)
        path = out / frame_name(t_ms)
        atomic_write(path, data.getvalue())
        written.append(Keyframe(t_ms, path))
        if progress is not None:
            progress(t_ms)
    index = {
        "schema": "claim-workbench/keyframes",
        "version": 1,
        **(about or {}),
        "interval_ms": interval_ms,
        "keyframes": [{"t_ms": k.t_ms, "file": k.path.name} for k in written],
    }
    atomic_write(out / INDEX, (json.dumps(index, ensure_ascii=False, indent=1) + "\n").encode())
    return written
