"""Per-file media analysis: identity, type, metadata, perceptual hashes, thumbnail.

Pure functions of a file on disk (decoded by ``workbench.media``, hashed by
``workbench.matching``): nothing here touches the database or the store, so the
analysis of a batch can run on worker threads and a failure leaves nothing behind.
Bad input raises :class:`AnalysisError` with a message meant for the analyst.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from storage.mediastore import sha256_file
from workbench.base.errors import AnalysisError
from workbench.matching import hashing, local
from workbench.media.decode import decode_image, sniff
from workbench.media.exif import CameraMetadata

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
        from workbench.media import video  # PyAV loads with the first video

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
    picture, width, height, metadata = decode_image(source)
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
