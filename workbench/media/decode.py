"""Decoding a picture: its type from its bytes, bombs refused before decoding, EXIF
orientation applied, flattened to RGB; every failure an ``AnalysisError`` an analyst reads.

Used by the analysis that hashes a picture (``workbench.library.analysis``) and by the
pictures a person looks at (``workbench.media.pictures``), so what is shown is what was
hashed. Uses only ``workbench.base`` and ``workbench.media.exif``.
"""

from __future__ import annotations

import contextlib
import functools
import io
import warnings
from collections.abc import Iterator
from pathlib import Path

import filetype
from PIL import Image, UnidentifiedImageError

from workbench.base.errors import AnalysisError
from workbench.media.exif import CameraMetadata, read_metadata

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


def upright_picture(path: Path, draft: bool = True) -> Image.Image:
    """The picture in RGB, turned upright per its EXIF orientation (for display and hashing).

    With ``draft`` a JPEG is decoded at reduced scale; without it, in full.
    """
    return decode_image(path, draft=draft)[0]


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
        raise AnalysisError(f"cannot decode picture: {describe(exc)}") from exc


@functools.cache
def register_heif() -> None:
    """iPhone photos (HEIC/HEIF) open through libheif; loaded with the first picture."""
    import pillow_heif

    pillow_heif.register_heif_opener()


def decode_image(
    source: Path | bytes, draft: bool = True
) -> tuple[Image.Image, int, int, CameraMetadata]:
    register_heif()
    with (
        decoding_errors(),
        Image.open(io.BytesIO(source) if isinstance(source, bytes) else source) as im,
    ):
        width, height = im.size
        if width <= 0 or height <= 0:
            raise AnalysisError(f"picture has no pixels ({width}x{height})")
        if width * height > MAX_PIXELS:
            raise AnalysisError(bomb_message(width, height))
        metadata = read_metadata(source, im)
        if draft and im.format == "JPEG":
            im.draft("RGB", (DRAFT_SIDE, DRAFT_SIDE))
        im.seek(0)
        im.load()
        picture = upright(to_rgb(im), metadata.orientation)
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


def upright(picture: Image.Image, orientation: int | None) -> Image.Image:
    method = _TRANSPOSE.get(orientation or 1)
    return picture if method is None else picture.transpose(method)


def bomb_message(width: int, height: int) -> str:
    return (
        f"refused: {width}x{height} is {width * height / 1e6:.0f} megapixels, over the "
        f"{MAX_PIXELS // 1_000_000} MP limit (possible decompression bomb)"
    )


def describe(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:200]


def to_rgb(im: Image.Image) -> Image.Image:
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
