"""Per-file media analysis: identity, type, metadata, perceptual hashes, thumbnail.

Pure functions of a file on disk: nothing here touches the database or the store, so the
analysis of a batch can run on worker threads and a failure leaves nothing behind.
Bad input raises :class:`AnalysisError` with a message meant for the analyst.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import filetype
from PIL import Image, UnidentifiedImageError

from storage.mediastore import sha256_file
from workbench.errors import AnalysisError
from workbench.exif import CameraMetadata, read_metadata
from workbench.matching import hashing, local

#: Pictures above this many pixels are refused before decoding (decompression bombs).
#: 120 MP covers every current camera and phone sensor.
MAX_PIXELS = 120_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
# Set once for the process (``catch_warnings`` is not thread-safe and analysis runs on a
# pool): the size check above each decode refuses bombs itself, and Pillow's remarks on
# corrupt metadata would only be noise on stderr.
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)
warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.")

#: JPEGs are decoded at the smallest DCT scale that keeps both sides >= this. The hashes
#: need 32x32 (pHash) and 9x8 (dHash); the tests check they equal a full decode's.
DRAFT_SIDE = 256
THUMB_SIDE = 256
#: Pictures up to this size are read into memory once instead of three times.
IN_MEMORY_LIMIT = 256 * 1024 * 1024
HASH_ALGORITHMS = ("phash", "dhash")


@dataclass(frozen=True)
class HashValue:
    algorithm: str  # "phash" | "dhash"
    value: int  # unsigned 64-bit
    t_ms: int | None = None  # time in a video, None for a still picture
    view: str = "whole"  # which view of the picture was hashed (``matching.VIEW_KINDS``)


@dataclass(frozen=True)
class Analysis:
    path: Path
    sha256: str
    byte_size: int
    kind: str  # "image" | "video"
    mime: str
    width: int | None
    height: int | None
    duration_ms: int | None = None
    metadata: CameraMetadata = field(default_factory=CameraMetadata)
    hashes: tuple[HashValue, ...] = ()
    thumbnail: bytes | None = None  # JPEG
    #: Too flat to match anything (blank, dark, one colour, text only): no hashes kept.
    low_information: bool = False
    #: The file's bytes, when it was read into memory (pictures up to IN_MEMORY_LIMIT).
    content: bytes | None = field(default=None, repr=False, compare=False)
    #: A video's strip: a few frames evenly spread over it, side by side (JPEG).
    strip: bytes | None = field(default=None, repr=False)
    #: A picture's local features, all it was looked up by, in their compact form
    #: (``matching.local.to_bytes``), when asked for (``analyse_file(features=True)``).
    features: bytes | None = field(default=None, repr=False, compare=False)


def sniff(head: bytes) -> tuple[str, str]:
    """(kind, MIME) from the first bytes of a file, never from its name."""
    if not head:
        raise AnalysisError("empty file (0 bytes)")
    guess = filetype.guess(head)
    if guess is None:
        raise AnalysisError("not a picture or video the workbench can read (unknown content)")
    mime = str(guess.mime)
    if mime.startswith("image/"):
        return "image", mime
    if mime.startswith("video/"):
        return "video", mime
    raise AnalysisError(f"not a picture or video ({mime})")


def analyse_file(path: Path, features: bool = False) -> Analysis:
    """Analyse one file. A picture is read once: hashed, decoded and its EXIF parsed from the
    same bytes, which stay on ``Analysis.content`` so the store can keep them unread again;
    with ``features``, its local features are computed from the same decode."""
    if not path.is_file():
        raise AnalysisError("not a readable file")
    with open(path, "rb") as fh:
        head = fh.read(8192)
    kind, mime = sniff(head)
    size = path.stat().st_size
    if kind == "video":
        from workbench import video  # PyAV loads with the first video

        # Frames sampled along the whole video (scene cuts plus one a second), each hashed
        # exactly as a still picture's whole view is, so a screenshot of a frame matches.
        info = video.probe(path, _frame_hashes)
        return Analysis(
            path=path,
            sha256=sha256_file(path),
            byte_size=size,
            kind="video",
            mime=mime,
            width=info.width,
            height=info.height,
            duration_ms=info.duration_ms,
            metadata=CameraMetadata(tags=info.tags, capture_time=info.creation_time),
            hashes=tuple(
                HashValue(a, v, sample.t_ms) for sample in info.samples for a, v in sample.hashes
            ),
            thumbnail=_thumbnail(info.frame),
            low_information=not any(sample.hashes for sample in info.samples),
            strip=_strip_jpeg(info.strip),
        )
    content = path.read_bytes() if size <= IN_MEMORY_LIMIT else None
    source: Path | bytes = path if content is None else content
    picture, width, height, metadata = _decode_image(source)
    flat = hashing.low_information(picture)
    return Analysis(
        path=path,
        sha256=sha256_file(path) if content is None else hashlib.sha256(content).hexdigest(),
        byte_size=size if content is None else len(content),
        kind="image",
        mime=mime,
        width=width,
        height=height,
        metadata=metadata,
        hashes=_view_hashes(picture, flat),
        thumbnail=_thumbnail(picture),
        low_information=flat,
        content=content,
        features=(
            local.to_bytes(local.extract(picture, size=(width, height)), limit=None)
            if features
            else None
        ),
    )


def upright_picture(path: Path, draft: bool = True) -> Image.Image:
    """The picture in RGB, turned upright per its EXIF orientation (for display and hashing).

    With ``draft`` a JPEG is decoded at reduced scale; without it, in full.
    """
    return _decode_image(path, draft=draft)[0]


@contextlib.contextmanager
def decoding_errors() -> Iterator[None]:
    """Any failure while decoding a picture, as an ``AnalysisError`` an analyst can read."""
    try:
        yield
    except AnalysisError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise AnalysisError(f"refused as a possible decompression bomb: {exc}") from exc
    except UnidentifiedImageError as exc:
        raise AnalysisError("cannot decode picture: not a format the workbench can read") from exc
    except MemoryError as exc:
        raise AnalysisError("picture too large to decode in memory") from exc
    except Exception as exc:  # truncated, corrupt or fuzzed files fail in many ways
        raise AnalysisError(f"cannot decode picture: {_describe(exc)}") from exc


@functools.cache
def _register_heif() -> None:
    """iPhone photos (HEIC/HEIF) open through libheif; loaded with the first picture."""
    import pillow_heif

    pillow_heif.register_heif_opener()


def _decode_image(
    source: Path | bytes, draft: bool = True
) -> tuple[Image.Image, int, int, CameraMetadata]:
    _register_heif()
    with (
        decoding_errors(),
        Image.open(io.BytesIO(source) if isinstance(source, bytes) else source) as im,
    ):
        width, height = im.size
        if width <= 0 or height <= 0:
            raise AnalysisError(f"picture has no pixels ({width}x{height})")
        if width * height > MAX_PIXELS:
            raise AnalysisError(_bomb_message(width, height))
        metadata = read_metadata(source, im)
        if draft and im.format == "JPEG":
            im.draft("RGB", (DRAFT_SIDE, DRAFT_SIDE))
        im.seek(0)
        im.load()
        picture = _upright(_to_rgb(im), metadata.orientation)
    if metadata.orientation in (5, 6, 7, 8):
        width, height = height, width
    return picture, width, height, metadata


_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _upright(picture: Image.Image, orientation: int | None) -> Image.Image:
    method = _TRANSPOSE.get(orientation or 1)
    return picture if method is None else picture.transpose(method)


def _bomb_message(width: int, height: int) -> str:
    return (
        f"refused: {width}x{height} is {width * height / 1e6:.0f} megapixels, over the "
        f"{MAX_PIXELS // 1_000_000} MP limit (possible decompression bomb)"
    )


def _describe(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:200]


def _to_rgb(im: Image.Image) -> Image.Image:
    """RGB, with transparent areas on white (as a viewer would show them)."""
    if im.mode == "RGB":
        return im
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if im.mode.startswith("I;16") or im.mode in ("I", "F"):
        return im.point(lambda v: v / 256).convert("L").convert("RGB")
    return im.convert("RGB")


def _view_hashes(picture: Image.Image, flat: bool) -> tuple[HashValue, ...]:
    """pHash and dHash of every stored view of a still picture (none when it is flat)."""
    if flat:
        return ()
    return tuple(HashValue(a, v, view=kind) for a, v, kind in hashing.hashed_views(picture))


def _frame_hashes(picture: Image.Image) -> tuple[tuple[str, int], ...]:
    """A video frame's pHash and dHash (none for a flat frame: black, a fade, one colour)."""
    if hashing.low_information(picture):
        return ()
    return tuple(hashing.picture_hashes(picture))


def _strip_jpeg(strip: Image.Image | None) -> bytes | None:
    if strip is None:
        return None
    out = io.BytesIO()
    strip.save(out, "JPEG", quality=80)
    return out.getvalue()


def _thumbnail(picture: Image.Image) -> bytes:
    thumb = picture.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.BILINEAR)
    out = io.BytesIO()
    thumb.save(out, "JPEG", quality=85)
    return out.getvalue()
