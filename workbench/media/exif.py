"""Camera metadata: read with exifread, Pillow where exifread cannot, normalised.

Both readers are reduced to one shape, ``{"Group TagName": RawTag}`` (exifread's names),
so the normalisation below is written once. Hostile files are common here: every reader
error is swallowed and the next reader is tried, because missing metadata is not a reason
to refuse a picture.
"""

from __future__ import annotations

import io
import logging
import math
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from PIL import ExifTags, Image

log = logging.getLogger(__name__)
# exifread logs a warning for every file without EXIF ("PNG file does not have exif
# data."): normal for screenshots, so not worth a line on the analyst's terminal.
logging.getLogger("exifread").setLevel(logging.ERROR)

MAX_VALUE_CHARS = 500  # long blobs (maker notes, XMP packets) are cut in the stored JSON
SKIPPED_TAGS = ("JPEGThumbnail", "TIFFThumbnail", "MakerNote", "EXIF MakerNote")


@dataclass(frozen=True)
class RawTag:
    printable: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class CameraMetadata:
    tags: dict[str, str] = field(default_factory=dict)  # every tag, printable, for display
    capture_time: str | None = None  # ISO 8601 as the camera recorded it (offset if known)
    camera_make: str | None = None
    camera_model: str | None = None
    gps_latitude: float | None = None  # signed decimal degrees (south and west negative)
    gps_longitude: float | None = None
    orientation: int | None = None  # EXIF 1..8
    software: str | None = None


def read_exifread(source: Path | bytes) -> dict[str, RawTag]:
    import exifread  # loaded with the first picture, not at start-up

    with io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb") as fh:
        tags = exifread.process_file(fh, details=False, extract_thumbnail=False)
    out: dict[str, RawTag] = {}
    for name, tag in tags.items():
        if name in SKIPPED_TAGS or name.startswith("MakerNote"):
            continue
        values = tag.values if isinstance(tag.values, list | tuple) else (tag.values,)
        out[name] = RawTag(str(tag.printable), tuple(values))
    return out


_PILLOW_GROUPS = {
    None: ("Image", ExifTags.TAGS),
    ExifTags.IFD.Exif: ("EXIF", ExifTags.TAGS),
    ExifTags.IFD.GPSInfo: ("GPS", ExifTags.GPSTAGS),
}


def read_pillow(image: Image.Image) -> dict[str, RawTag]:
    exif = image.getexif()
    out: dict[str, RawTag] = {}
    for ifd, (group, names) in _PILLOW_GROUPS.items():
        entries = exif if ifd is None else exif.get_ifd(ifd)
        for tag_id, value in entries.items():
            if ifd is None and tag_id in (ExifTags.IFD.Exif, ExifTags.IFD.GPSInfo):
                continue
            name = names.get(tag_id, f"Tag 0x{tag_id:04X}")
            values = tuple(value) if isinstance(value, tuple | list) else (value,)
            if isinstance(value, bytes):
                printable = value.decode("latin-1", "replace")
            else:
                printable = str(value)
            out[f"{group} {name}"] = RawTag(printable, values)
    return out


def read_metadata(source: Path | bytes, image: Image.Image | None) -> CameraMetadata:
    """Metadata of a file (its path or its bytes); ``image`` (already opened from it) serves
    the Pillow fallback."""
    raw: dict[str, RawTag] = {}
    try:
        raw = read_exifread(source)
    except Exception as exc:  # hostile files: any exifread failure means "try Pillow"
        log.debug("exifread failed: %s", exc)
    if image is not None and not _has_core_tags(raw):
        try:
            pillow = read_pillow(image)
        except Exception as exc:
            log.debug("Pillow EXIF failed: %s", exc)
        else:
            raw = {**pillow, **raw}
    return normalise(raw, image)


def _has_core_tags(raw: dict[str, RawTag]) -> bool:
    return any(k.startswith(("Image ", "EXIF ", "GPS ")) for k in raw)


def normalise(raw: dict[str, RawTag], image: Image.Image | None = None) -> CameraMetadata:
    orientation = _orientation(raw)
    if orientation is None and image is not None:
        # Pillow also finds an orientation kept only in XMP (tiff:Orientation).
        try:
            value = image.getexif().get(ExifTags.Base.Orientation)
            orientation = int(value) if value is not None and 1 <= int(value) <= 8 else None
        except Exception:
            orientation = None
    lat, lon = _gps(raw)
    return CameraMetadata(
        tags={k: _clip(v.printable) for k, v in sorted(raw.items())},
        capture_time=_capture_time(raw),
        camera_make=_text(raw, "Image Make"),
        camera_model=_text(raw, "Image Model"),
        gps_latitude=lat,
        gps_longitude=lon,
        orientation=orientation,
        software=_text(raw, "Image Software"),
    )


def _clip(text: str) -> str:
    text = text.replace("\x00", "").strip()
    return text if len(text) <= MAX_VALUE_CHARS else text[:MAX_VALUE_CHARS] + "…"


def _text(raw: dict[str, RawTag], key: str) -> str | None:
    tag = raw.get(key)
    if tag is None:
        return None
    text = tag.printable.replace("\x00", "").strip()
    return text[:100] or None


def _orientation(raw: dict[str, RawTag]) -> int | None:
    tag = raw.get("Image Orientation")
    if tag is None or not tag.values:
        return None
    try:
        value = int(tag.values[0])
    except (TypeError, ValueError):
        return None
    return value if 1 <= value <= 8 else None


def _capture_time(raw: dict[str, RawTag]) -> str | None:
    for key, offset_key in (
        ("EXIF DateTimeOriginal", "EXIF OffsetTimeOriginal"),
        ("EXIF DateTimeDigitized", "EXIF OffsetTimeDigitized"),
        ("Image DateTime", "EXIF OffsetTime"),
    ):
        tag = raw.get(key)
        if tag is None:
            continue
        text = tag.printable.replace("\x00", "").strip()
        try:
            when = datetime.strptime(text[:19], "%Y:%m:%d %H:%M:%S")
        except ValueError:
            continue
        iso = when.isoformat()
        offset = raw.get(offset_key)
        if offset is not None:
            off = offset.printable.strip()
            if len(off) == 6 and off[0] in "+-" and off[3] == ":":
                iso += off
        return iso
    return None


def _dms(tag: RawTag | None) -> float | None:
    if tag is None or len(tag.values) < 1:
        return None
    try:
        parts = [float(v) for v in tag.values[:3]]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    while len(parts) < 3:
        parts.append(0.0)
    degrees = parts[0] + parts[1] / 60 + parts[2] / 3600
    return degrees if math.isfinite(degrees) else None


def _gps(raw: dict[str, RawTag]) -> tuple[float | None, float | None]:
    lat = _dms(raw.get("GPS GPSLatitude"))
    lon = _dms(raw.get("GPS GPSLongitude"))
    if lat is None or lon is None:
        return None, None
    lat_ref = (_text(raw, "GPS GPSLatitudeRef") or "N").upper()[:1]
    lon_ref = (_text(raw, "GPS GPSLongitudeRef") or "E").upper()[:1]
    if lat_ref == "S":
        lat = -lat
    if lon_ref == "W":
        lon = -lon
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None
    return round(lat, 7), round(lon, 7)
