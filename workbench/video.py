"""Video files through PyAV (FFmpeg): container facts and the first picture.

This is the spine's share of video: a video is stored, described and given a thumbnail
and the hashes of its first frame. Frame sampling along the whole video comes later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import av
from PIL import Image

from workbench.errors import AnalysisError

MAX_SIDE = 16384  # no real camera or screen records more; larger is a hostile header
MAX_FRAMES_TO_FIRST_PICTURE = 300


@dataclass(frozen=True)
class VideoInfo:
    width: int
    height: int
    duration_ms: int | None
    codec: str
    frame: Image.Image
    first_frame_ms: int
    creation_time: str | None = None
    tags: dict[str, str] = field(default_factory=dict)


def probe(path: Path) -> VideoInfo:
    try:
        container = av.open(str(path), mode="r")
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise AnalysisError(f"cannot open video: {exc}") from exc
    with container:
        if not container.streams.video:
            raise AnalysisError("no video stream in the file")
        stream = container.streams.video[0]
        width = stream.codec_context.width or 0
        height = stream.codec_context.height or 0
        if width > MAX_SIDE or height > MAX_SIDE:
            raise AnalysisError(f"refused: absurd frame size {width}x{height}")
        duration_ms = _duration_ms(container, stream)
        tags = {f"container {k}": str(v)[:500] for k, v in container.metadata.items()}
        tags.update({f"video {k}": str(v)[:500] for k, v in stream.metadata.items()})
        frame_image, t_ms = _first_picture(container, stream)
        if width <= 0 or height <= 0:
            width, height = frame_image.size
        codec = stream.codec_context.name or ""
        tags["video codec"] = codec
        if stream.average_rate:
            tags["video frame rate"] = f"{float(stream.average_rate):.3f}"
    return VideoInfo(
        width=width,
        height=height,
        duration_ms=duration_ms,
        codec=codec,
        frame=frame_image,
        first_frame_ms=t_ms,
        creation_time=tags.get("container creation_time"),
        tags=tags,
    )


def _duration_ms(container: av.container.InputContainer, stream: av.VideoStream) -> int | None:
    if stream.duration is not None and stream.time_base is not None:
        return int(stream.duration * stream.time_base * 1000)
    if container.duration is not None:
        return int(container.duration / 1000)  # container duration is in microseconds
    return None


def _first_picture(
    container: av.container.InputContainer, stream: av.VideoStream
) -> tuple[Image.Image, int]:
    try:
        for count, frame in enumerate(container.decode(stream)):
            if count >= MAX_FRAMES_TO_FIRST_PICTURE:
                break
            t_ms = int(frame.time * 1000) if frame.time is not None else 0
            return frame.to_image().convert("RGB"), max(t_ms, 0)
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise AnalysisError(f"cannot decode video: {exc}") from exc
    raise AnalysisError("no picture could be decoded from the video")
