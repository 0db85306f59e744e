"""Video files through PyAV (FFmpeg): container facts and frames sampled along the whole video.

A stored video is indexed along its whole length: its frames are decoded as a stream, packet
by packet, and some are *kept* (rule below). Each kept frame is scaled down, handed to the
caller's ``hash_picture`` (on a second thread) and dropped, so memory stays bounded whatever
the length: a few decoded frames in the decoder, two small grey signatures, up to
``MAX_PENDING`` pictures waiting to be hashed, the first good picture (the thumbnail) and up
to ``STRIP_CANDIDATES`` small strip pictures; only the hashes pile up (about a hundred bytes
a kept frame).

The sampling rule, and why. All three use one cheap measure: the mean absolute difference
(levels of 255) of two 32x18 grey *signatures*, block means of the decoded luma plane read
in numpy (under 0.1 ms a frame), computed on every decoded frame:

* **every scene cut**: consecutive decoded frames differ by ``CUT_THRESHOLD`` or more. As
  every decoded frame is measured, a cut is caught on the first decoded frame after it.
  Cut frames are rate-limited (``MIN_CUT_GAP_MS``) so strobe lights or noise cannot make
  us hash every frame;
* **one frame a second** (``SAMPLE_INTERVAL_MS``) at least: any moment of the video is
  then at most a second after a kept frame (plus the gap between two decoded frames), so
  always within 2 s, and within half a second of the nearest;
* **more while the picture moves**: once it has drifted ``DRIFT_THRESHOLD`` from the last
  kept frame (a pan, a zoom), a frame is kept at most every ``DRIFT_INTERVAL_MS``. A
  screenshot is then within a quarter of a second of a kept frame whenever that matters:
  on test footage panning 8% of the width a second, half a second apart already costs 8
  of the 10 bits of Hamming distance the "seen before" rule allows. A still scene costs
  one frame a second;
* **the last frame**: where a clip ends is what a screenshot of it often shows.

Speed: decoding dominates, so the decoder runs on FFmpeg's threads (``thread_type``
"AUTO") and skips the frames nothing else refers to (``skip_frame`` "NONREF": in H.264 the
non-reference B-frames, in MPEG-4 part 2 all B-frames), which is up to half the decode work;
a decoded frame is never converted to RGB unless it is kept, and then only to
``SAMPLE_SIDE`` pixels; deblocking is skipped (``LOOP_FILTER_SKIP``). Skipping a
non-reference frame moves a cut or a one-second sample by at most the B-frame run (two or
three frames), well inside the tolerances above.
"""

from __future__ import annotations

import io
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import av
import numpy as np
from av.video.reformatter import VideoReformatter
from PIL import Image

from workbench.base.errors import AnalysisError

MAX_SIDE = 16384  # no real camera or screen records more; larger is a hostile header
MAX_FRAME_PIXELS = 40_000_000  # 8K UHD is 33 MP; a frame is decoded whole, several at once
MAX_BAD_PACKETS = 300  # damaged packets in a row before we give up on the file

#: A frame is kept at least this often (see the module's docstring).
SAMPLE_INTERVAL_MS = 1000
#: Deblocking skipped on every frame (H.264, HEVC): a quarter of the decode time. The
#: blockiness it leaves is far below the 32x32 pixels the hashes see (measured: see the
#: tests and bench/bench_video.py).
LOOP_FILTER_SKIP = "all"
#: Scene cut: mean absolute difference of consecutive 32x18 grey signatures, in levels.
CUT_THRESHOLD = 20.0
#: In a moving picture (a pan, a zoom) a frame is also kept once the picture has drifted this
#: far (same measure) from the last kept frame, at most every DRIFT_INTERVAL_MS.
DRIFT_THRESHOLD = 10.0
DRIFT_INTERVAL_MS = 500
#: Two cut frames at least this far apart (a regular sample is never held back).
MIN_CUT_GAP_MS = 200
SIGNATURE_SIZE = (32, 18)  # width, height: 16:9, the commonest shape
#: Kept frames are converted to RGB fitted into this square (as ``fingerprint`` works on
#: stills), by swscale's area average: the hashes need 32x32 pixels, and on real and
#: synthetic frames they come within 2 bits of a full-size screenshot's (tests), at a third
#: of the cost of a full-size conversion.
SAMPLE_SIDE = 256
#: A "good" first frame for the thumbnail is not blank (a fade from black, a title card
#: in one colour): its grey signature varies by at least this much (standard deviation).
GOOD_FRAME_STD = 6.0
GOOD_FRAME_WITHIN_MS = 10_000
MAX_PENDING = 4
STRIP_FRAMES = 8
STRIP_CANDIDATES = 32
STRIP_HEIGHT = 90
#: A file whose frames stop this far short of its stated duration is truncated.
TRUNCATION_SLACK_MS = 1500
TRUNCATION_SLACK_RATIO = 0.1
#: Pixel formats whose first plane is 8-bit luma, read directly as the grey signature.
_LUMA8_FORMATS = frozenset(
    {
        "yuv420p",
        "yuvj420p",
        "yuv422p",
        "yuvj422p",
        "yuv444p",
        "yuvj444p",
        "yuv440p",
        "yuvj440p",
        "yuv411p",
        "yuv410p",
        "nv12",
        "nv21",
        "gray",
        "yuva420p",
    }
)

T = TypeVar("T")


@dataclass(frozen=True)
class Sample(Generic[T]):
    """One kept frame: where it is (ms from the start of the video) and its hashes."""

    t_ms: int
    hashes: T
    scene_cut: bool = False


@dataclass(frozen=True)
class VideoInfo(Generic[T]):
    width: int
    height: int
    duration_ms: int | None
    codec: str
    frame: Image.Image  # the first good frame (RGB, within SAMPLE_SIDE): the thumbnail
    first_frame_ms: int
    creation_time: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    frame_rate: float | None = None
    samples: tuple[Sample[T], ...] = ()
    strip: Image.Image | None = None  # up to STRIP_FRAMES frames side by side


def probe(path: Path, hash_picture: Callable[[Image.Image], T]) -> VideoInfo[T]:
    """Container facts and the kept frames' ``hash_picture(RGB picture)``.

    Any unreadable, truncated or hostile file raises :class:`AnalysisError`.
    """
    with open_video(path) as container:
        stream = container.streams.video[0]
        width = stream.codec_context.width or 0
        height = stream.codec_context.height or 0
        if _absurd(width, height):
            raise AnalysisError(f"refused: absurd frame size {width}x{height}")
        duration_ms = _duration_ms(container, stream)
        if duration_ms is not None and duration_ms <= 0:
            duration_ms = None  # "zero" or negative: unknown, the frames will tell
        tags = {f"container {k}": str(v)[:500] for k, v in container.metadata.items()}
        tags.update({f"video {k}": str(v)[:500] for k, v in stream.metadata.items()})
        codec = stream.codec_context.name or ""
        tags["video codec"] = codec
        tags["container format"] = container.format.name or ""
        rate = stream.average_rate or stream.guessed_rate
        frame_rate = float(rate) if rate else None
        if frame_rate:
            tags["video frame rate"] = f"{frame_rate:.3f}"
        if stream.frames:
            tags["video frames"] = str(stream.frames)
        if stream.codec_context.bit_rate:
            tags["video bit rate"] = str(stream.codec_context.bit_rate)
        if container.streams.audio:
            audio = container.streams.audio[0]
            tags["audio codec"] = audio.codec_context.name or ""
        # Hashing runs on a second thread while this one decodes: the decoder's own threads
        # keep only about one core busy (each frame waits for the one it refers to).
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="video-hash") as pool:
            sampler: _Sampler[T] = _Sampler(hash_picture, pool)
            for frame, t_ms in decoded_frames(container, stream):
                sampler.feed(frame, t_ms)
            samples = sampler.finish()
        if sampler.first is None:
            raise AnalysisError("no picture could be decoded from the video")
        last_ms = sampler.last_ms
        if duration_ms is not None:
            slack = max(TRUNCATION_SLACK_MS, int(duration_ms * TRUNCATION_SLACK_RATIO))
            if last_ms + slack < duration_ms:
                raise AnalysisError(
                    f"video is truncated or damaged: its pictures stop at {last_ms / 1000:.1f} s "
                    f"of the {duration_ms / 1000:.1f} s it declares"
                )
        else:
            duration_ms = last_ms + (int(1000 / frame_rate) if frame_rate else 0) or None
        first_picture, first_ms = sampler.first
        if width <= 0 or height <= 0:
            width, height = sampler.size
        rotation = sampler.rotation
        if rotation in (90, -90, 270, -270):
            width, height = height, width
            tags["video rotation"] = str(rotation)
    return VideoInfo(
        width=width,
        height=height,
        duration_ms=duration_ms,
        codec=codec,
        frame=first_picture,
        first_frame_ms=first_ms,
        creation_time=tags.get("container creation_time"),
        tags=tags,
        frame_rate=frame_rate,
        samples=samples,
        strip=sampler.strip(),
    )


def _absurd(width: int, height: int) -> bool:
    return width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_FRAME_PIXELS


def _duration_ms(container: av.container.InputContainer, stream: av.VideoStream) -> int | None:
    if stream.duration is not None and stream.time_base is not None:
        return int(stream.duration * stream.time_base * 1000)
    if container.duration is not None:
        return int(container.duration / 1000)  # container duration is in microseconds
    return None


def open_video(path: Path) -> av.container.InputContainer:
    """The file, opened for reading; it has a video stream."""
    try:
        # "file:" + an absolute path: the name is never read as an option ("-x.mp4") nor as
        # another FFmpeg protocol ("concat:", "http:"); the whitelist keeps it to files.
        container = av.open(
            f"file:{path.resolve()}", mode="r", options={"protocol_whitelist": "file"}
        )
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise AnalysisError(f"cannot open video: {_describe(exc)}") from exc
    if not container.streams.video:
        container.close()
        raise AnalysisError("no video stream in the file")
    return container


def decoded_frames(
    container: av.container.InputContainer, stream: av.VideoStream
) -> Iterator[tuple[av.VideoFrame, int]]:
    """Every decoded frame (non-reference frames skipped) with its time in ms from the start
    of the video, streamed packet by packet."""
    ctx = stream.codec_context
    ctx.thread_type = "AUTO"
    ctx.skip_frame = "NONREF"
    if LOOP_FILTER_SKIP != "default":
        ctx.options = {**ctx.options, "skip_loop_filter": LOOP_FILTER_SKIP}
    return _timed_frames(container, stream)


def _clock(stream: av.VideoStream) -> tuple[float, float]:
    """Milliseconds per tick of the stream's time base, and the stream's start in ms (times
    count from the video's start: an MPEG-TS starts at 1.4 s, say)."""
    ms_per_tick = float(stream.time_base * 1000) if stream.time_base else 0.0
    offset_ms = max(0.0, stream.start_time * ms_per_tick) if stream.start_time else 0.0
    return ms_per_tick, offset_ms


def _timed_frames(
    container: av.container.InputContainer, stream: av.VideoStream
) -> Iterator[tuple[av.VideoFrame, int]]:
    """The frames the stream's decoder gives from where the container stands, with their
    times in ms from the start; damaged packets skipped (up to ``MAX_BAD_PACKETS`` in a
    row), decoding failures as :class:`AnalysisError`."""
    ms_per_tick, offset_ms = _clock(stream)
    rate = float(stream.average_rate or stream.guessed_rate or 25)
    failures = 0
    count = 0
    try:
        for packet in container.demux(stream):
            try:
                frames = packet.decode()
            except av.InvalidDataError:  # a damaged packet: the next keyframe recovers
                failures += 1
                if failures > MAX_BAD_PACKETS:
                    raise
                continue
            failures = 0
            for frame in frames:
                if _absurd(frame.width, frame.height):
                    raise AnalysisError(f"refused: absurd frame size {frame.width}x{frame.height}")
                if frame.pts is not None and ms_per_tick:  # frames keep the stream's base
                    t = frame.pts * ms_per_tick - offset_ms
                else:  # no timestamps (raw streams): count frames at the stated rate
                    t = count * 1000 / rate
                count += 1
                yield frame, max(0, round(t))
    except AnalysisError:
        raise
    except (av.FFmpegError, OSError, ValueError, MemoryError) as exc:
        raise AnalysisError(f"cannot decode video: {_describe(exc)}") from exc


class _Sampler(Generic[T]):
    """Decides which decoded frames to keep. A kept frame is scaled and hashed on the pool's
    thread while this one decodes on; only its hashes are kept."""

    def __init__(self, hash_picture: Callable[[Image.Image], T], pool: Executor) -> None:
        self.hash_picture = hash_picture
        self.pool = pool
        #: used on the pool's one thread only; keeps its swscale context from frame to frame
        self._reformatter = VideoReformatter()
        self.samples: list[Sample[T]] = []
        #: kept frames on their way: at most MAX_PENDING decoded frames wait in memory
        self._pending: deque[tuple[int, bool, bool, Future[tuple[Image.Image, T]]]] = deque()
        self.first: tuple[Image.Image, int] | None = None
        self.first_is_good = False
        self.size = (0, 0)
        self.rotation = 0
        self.last_ms = 0
        self._previous: np.ndarray[Any, np.dtype[np.float32]] | None = None
        self._last_kept_ms: int | None = None
        self._last_kept: np.ndarray[Any, np.dtype[np.float32]] | None = None
        self._last_cut_ms: int | None = None
        #: the last decoded frame, while it is not kept (one frame held: see ``finish``)
        self._tail: tuple[av.VideoFrame, int, np.ndarray[Any, np.dtype[np.float32]]] | None = None
        #: (t_ms, small picture) at least ``_strip_every_ms`` apart; when full, every other
        #: one goes and the spacing doubles: evenly spread whatever the length, known or not.
        self._strip: list[tuple[int, Image.Image]] = []
        self._strip_every_ms = SAMPLE_INTERVAL_MS

    def feed(self, frame: av.VideoFrame, t_ms: int) -> None:
        if self.first is None and not self._pending:
            self.size = (frame.width, frame.height)
            self.rotation = _rotation(frame)
        self.last_ms = max(self.last_ms, t_ms)
        signature = grey_signature(frame)
        cut = False
        if self._previous is not None:
            difference = float(np.abs(signature - self._previous).mean())
            cut = difference >= CUT_THRESHOLD and (
                self._last_cut_ms is None or t_ms - self._last_cut_ms >= MIN_CUT_GAP_MS
            )
        self._previous = signature
        since = None if self._last_kept_ms is None else t_ms - self._last_kept_ms
        due = since is None or since >= SAMPLE_INTERVAL_MS
        if not (cut or due) and since is not None and since >= DRIFT_INTERVAL_MS:
            assert self._last_kept is not None
            due = float(np.abs(signature - self._last_kept).mean()) >= DRIFT_THRESHOLD
        if not (cut or due):
            self._tail = (frame, t_ms, signature)
            return
        self._tail = None
        self._keep(frame, t_ms, signature, cut)

    def _keep(
        self,
        frame: av.VideoFrame,
        t_ms: int,
        signature: np.ndarray[Any, np.dtype[np.float32]],
        cut: bool,
    ) -> None:
        self._last_kept, self._last_kept_ms = signature, t_ms
        if cut:
            self._last_cut_ms = t_ms
        good = float(signature.std()) >= GOOD_FRAME_STD
        self._pending.append((t_ms, cut, good, self.pool.submit(self._hash, frame)))
        while len(self._pending) > MAX_PENDING:
            self._collect()

    def _hash(self, frame: av.VideoFrame) -> tuple[Image.Image, T]:
        picture = _picture(frame, self.rotation, self._reformatter)
        return picture, self.hash_picture(picture)

    def _collect(self) -> None:
        t_ms, cut, good, future = self._pending.popleft()
        picture, hashes = future.result()
        self.samples.append(Sample(t_ms, hashes, scene_cut=cut))
        if self.first is None or (not self.first_is_good and good and t_ms <= GOOD_FRAME_WITHIN_MS):
            self.first = (picture, t_ms)
            self.first_is_good = good
        if not self._strip or t_ms - self._strip[-1][0] >= self._strip_every_ms:
            small = picture.copy()
            small.thumbnail((STRIP_HEIGHT * 4, STRIP_HEIGHT), Image.Resampling.BILINEAR)
            self._strip.append((t_ms, small))
            if len(self._strip) >= STRIP_CANDIDATES:
                self._strip = self._strip[::2]
                self._strip_every_ms *= 2

    def finish(self) -> tuple[Sample[T], ...]:
        """The samples, in order; the video's last frame is kept too (where a clip ends is
        what a screenshot often shows) unless a kept frame is next to it."""
        if self._tail is not None and self._last_kept_ms is not None:
            frame, t_ms, signature = self._tail
            if t_ms - self._last_kept_ms >= MIN_CUT_GAP_MS:
                self._keep(frame, t_ms, signature, cut=False)
        self._tail = None
        while self._pending:
            self._collect()
        return tuple(self.samples)

    def strip(self) -> Image.Image | None:
        """Up to STRIP_FRAMES frames evenly spread over the video, side by side."""
        if not self._strip:
            return None
        n = len(self._strip)
        count = min(STRIP_FRAMES, n)
        chosen = [self._strip[(2 * i + 1) * n // (2 * count)][1] for i in range(count)]
        width = sum(p.width for p in chosen)
        height = max(p.height for p in chosen)
        strip = Image.new("RGB", (width, height))
        x = 0
        for p in chosen:
            strip.paste(p, (x, (height - p.height) // 2))
            x += p.width
        return strip


def grey_signature(frame: av.VideoFrame) -> np.ndarray[Any, np.dtype[np.float32]]:
    """A 32x18 grey picture of the frame: when it has an 8-bit luma plane, the mean of a
    4x4 grid of pixels in each block, read straight from the plane (no conversion, under
    0.1 ms for 720p: swscale takes 2 ms even to 32x18); else via swscale."""
    w, h = SIGNATURE_SIZE
    width, height = frame.width, frame.height
    if frame.format.name in _LUMA8_FORMATS and width >= 4 * w and height >= 4 * h:
        plane = frame.planes[0]
        count = plane.line_size * height
        luma = np.frombuffer(memoryview(plane), dtype=np.uint8, count=count)
        luma = luma.reshape(-1, plane.line_size)
        sy, sx = height // (4 * h), width // (4 * w)
        grid = luma[sy // 2 :: sy, sx // 2 : width : sx][: 4 * h, : 4 * w]
        return grid.reshape(h, 4, w, 4).mean(axis=(1, 3), dtype=np.float32)
    grey = frame.reformat(width=w, height=h, format="gray").to_ndarray()
    return np.asarray(grey, dtype=np.float32)


def _picture(
    frame: av.VideoFrame, rotation: int, reformatter: VideoReformatter | None = None
) -> Image.Image:
    """The frame in RGB, fitted into SAMPLE_SIDE x SAMPLE_SIDE (never enlarged), turned as
    the video's display matrix says, so it looks like a screenshot of the player."""
    scale = min(1.0, SAMPLE_SIDE / max(frame.width, frame.height, 1))
    width = max(1, round(frame.width * scale))
    height = max(1, round(frame.height * scale))
    reformatter = reformatter or VideoReformatter()
    rgb = reformatter.reformat(frame, width, height, "rgb24", interpolation="AREA")
    picture = rgb.to_image()
    if rotation % 360:
        picture = picture.rotate(rotation, expand=True)  # both counterclockwise
    return picture


def _rotation(frame: av.VideoFrame) -> int:
    try:
        return round(frame.rotation / 90) * 90
    except (AttributeError, TypeError, ValueError):
        return 0


def _describe(exc: BaseException) -> str:
    """FFmpeg's reason without its error number and our file: URL."""
    text = str(getattr(exc, "strerror", None) or exc).strip() or type(exc).__name__
    return text[:200]


def frame_at(path: Path, t_ms: int, max_side: int = SAMPLE_SIDE) -> Image.Image:
    """The frame shown at ``t_ms`` (ms from the start of the video, as in :class:`Sample`)
    in RGB, upright, fitted into ``max_side`` x ``max_side`` (never enlarged).

    Seeks to the nearest keyframe at or before ``t_ms`` and decodes forward to the last
    frame at or before it (every frame decoded, so it is the exact one a player shows);
    past the end, the last frame. Raises :class:`AnalysisError` when none can be decoded.
    """
    if max_side < 1:
        raise ValueError("max_side must be positive")
    with open_video(path) as container:
        stream = container.streams.video[0]
        stream.codec_context.thread_type = "AUTO"
        try:
            frame = _decode_to(container, stream, max(0, t_ms), seek=True)
            if frame is None:  # the seek landed past t_ms (a poor index): from the start
                container.seek(0, stream=stream)
                frame = _decode_to(container, stream, max(0, t_ms), seek=False)
        except AnalysisError:
            raise
        except (av.FFmpegError, OSError, ValueError, MemoryError) as exc:
            raise AnalysisError(f"cannot decode video: {_describe(exc)}") from exc
        if frame is None:
            raise AnalysisError(f"no picture could be decoded at {t_ms / 1000:.1f} s")
        return fitted_frame(frame, max_side)


def _decode_to(
    container: av.container.InputContainer, stream: av.VideoStream, t_ms: int, seek: bool
) -> av.VideoFrame | None:
    """The last decoded frame at or before ``t_ms`` (times as :func:`_frames` counts them),
    or the last one of the video if it ends earlier; None if the first decoded frame is
    already later (only after a seek: the very first frame is returned then)."""
    ms_per_tick, offset_ms = _clock(stream)
    if seek and ms_per_tick and t_ms > 0:
        container.seek(int((t_ms + offset_ms) / ms_per_tick), stream=stream, backward=True)
    else:
        seek = False
    best: av.VideoFrame | None = None
    for frame, t in _timed_frames(container, stream):
        if t > t_ms:
            if best is None and not seek:
                return frame  # the video starts later than t_ms: its first frame
            return best
        best = frame
    return best


def fitted_frame(frame: av.VideoFrame, max_side: int) -> Image.Image:
    """``frame`` in RGB fitted into ``max_side``, turned as the display matrix says."""
    scale = min(1.0, max_side / max(frame.width, frame.height, 1))
    width = max(1, round(frame.width * scale))
    height = max(1, round(frame.height * scale))
    picture = frame.reformat(width, height, "rgb24", interpolation="AREA").to_image()
    rotation = _rotation(frame)
    if rotation % 360:
        picture = picture.rotate(rotation, expand=True)
    return picture


#: Quality of the cached JPEG of a frame (``frame_jpeg``): as the thumbnails'.
FRAME_JPEG_QUALITY = 85


def frame_jpeg(path: Path, t_ms: int, max_side: int = SAMPLE_SIDE) -> bytes:
    """:func:`frame_at` as JPEG bytes, for the thumbnail cache."""
    out = io.BytesIO()
    frame_at(path, t_ms, max_side).save(out, "JPEG", quality=FRAME_JPEG_QUALITY)
    return out.getvalue()
