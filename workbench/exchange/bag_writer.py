"""Writing a case bundle: the bag (``workbench.exchange.bag_format``) in a folder or a zip.

The files are written here rather than by ``bagit.make_bag``: that function ``chdir``s (the
window exports on a worker thread), moves files about and hashes them again. Originals are
hashed once while they are copied; the copy is refused if the store's bytes no longer match
their name (a damaged store must not ship under a good name). A bag is built in a temporary
folder or file next to the target and renamed at the end: a failure or Cancel leaves nothing.
Tests hold the result to the ``bagit`` library's ``validate()``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import shutil
import stat
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING

from workbench.base.errors import Cancelled, WorkbenchError
from workbench.exchange import bag_info
from workbench.exchange.bag_format import (
    BAGIT_TXT,
    CHUNK,
    DOCUMENT,
    MANIFEST,
    MEDIA_DIR,
    SOFTWARE,
    TAG_MANIFEST,
    OnStage,
    Progress,
    Report,
    ShouldCancel,
    reporter,
)
from workbench.exchange.interchange import build_document, document_bytes, document_extras
from workbench.exchange.scope import ExportSet

if TYPE_CHECKING:
    from workbench.workspace import Workspace


@dataclasses.dataclass(frozen=True)
class BagExport:
    """What ``export_bag`` wrote."""

    path: Path
    claims: int
    media: int
    payload_bytes: int


def export_bag(
    ws: Workspace,
    export_set: ExportSet,
    out_path: str | os.PathLike[str],
    *,
    zipped: bool,
    progress: Progress | None = None,
    should_cancel: ShouldCancel | None = None,
    on_stage: OnStage | None = None,
) -> BagExport:
    """Write ``export_set`` as a bag at ``out_path`` (a folder, or a ``.zip`` file when
    ``zipped``): the JSON document and every original. An existing folder is refused, an
    existing zip replaced. Raises :class:`Cancelled` or :class:`WorkbenchError` (a missing
    or damaged original, a full disk), leaving nothing behind."""
    target = Path(out_path)
    if not zipped and target.exists():
        raise WorkbenchError(f"{target}: already exists; choose a new folder for the bag")
    document = document_bytes(build_document(export_set, **document_extras(ws, export_set)))
    report = reporter(progress, on_stage)
    writer: _BagWriter = _ZipWriter(target) if zipped else _FolderWriter(target)
    try:
        payload = _write_payload(ws, writer, export_set, document, report, should_cancel)
        _write_tag_files(writer, export_set, payload)
        if report is not None:
            report("manifest", 1, 1)
        writer.finish()
    except BaseException:
        writer.abort()
        raise
    size = sum(n for _, _, n in payload)
    return BagExport(target, len(export_set.claims), len(payload) - 1, size)


def _write_payload(
    ws: Workspace,
    writer: _BagWriter,
    export_set: ExportSet,
    document: bytes,
    progress: Report | None,
    should_cancel: ShouldCancel | None,
) -> list[tuple[str, str, int]]:
    """The payload files, as manifest rows (path, sha256, size)."""
    rows = [(DOCUMENT, hashlib.sha256(document).hexdigest(), len(document))]
    writer.add_bytes(DOCUMENT, document, compress=True)
    originals = export_set.originals()
    for done, media in enumerate(originals, 1):
        if should_cancel is not None and should_cancel():
            raise Cancelled("export cancelled; nothing was written")
        source = ws.media.original_path(media.sha256)
        name = f"{MEDIA_DIR}/{media.sha256}"
        try:
            size = source.stat().st_size
            with open(source, "rb") as src:
                digest = writer.add_stream(name, src, size)
        except FileNotFoundError:
            raise WorkbenchError(
                f"original {media.sha256} ({media.original_name}) is missing from the media "
                "folder; run `workbench verify`"
            ) from None
        if digest != media.sha256:
            raise WorkbenchError(
                f"original {media.sha256} ({media.original_name}) is damaged in the media "
                "folder (its bytes no longer match); run `workbench verify`"
            )
        rows.append((name, digest, size))
        if progress is not None:
            progress("media", done, len(originals))
    return rows


def _write_tag_files(
    writer: _BagWriter, export_set: ExportSet, payload: list[tuple[str, str, int]]
) -> None:
    manifest = "".join(f"{sha}  {name}\n" for name, sha, _ in payload).encode()
    info = _bag_info(export_set, sum(n for _, _, n in payload), len(payload)).encode("utf-8")
    tags = [("bagit.txt", BAGIT_TXT), ("bag-info.txt", info), (MANIFEST, manifest)]
    for name, data in tags:
        writer.add_bytes(name, data, compress=True)
    tag_manifest = "".join(f"{hashlib.sha256(d).hexdigest()}  {n}\n" for n, d in tags)
    writer.add_bytes(TAG_MANIFEST, tag_manifest.encode(), compress=True)


def _bag_info(export_set: ExportSet, payload_bytes: int, payload_files: int) -> str:
    cases = sorted({c.claim.case_name for c in export_set.claims if c.claim.case_name})
    at = export_set.exported_at
    fields: list[tuple[str, str]] = [("Case", name) for name in cases]
    fields += [
        ("Contact-Name", export_set.exported_by),
        ("Bagging-Date", at.date().isoformat()),
        ("Export-Time", at.isoformat()),
        ("Workspace-Id", export_set.workspace_id),
        ("External-Identifier", f"claim-workbench:{export_set.workspace_id}:{at.isoformat()}"),
        ("External-Description", f"{len(export_set.claims)} claims from a claim workbench"),
        ("Export-Schema", "claim-workbench/export 1 (data/workbench.json)"),
        ("Claim-Count", str(len(export_set.claims))),
        ("Media-Count", str(payload_files - 1)),
        ("Bag-Software-Agent", SOFTWARE),
        ("Payload-Oxum", f"{payload_bytes}.{payload_files}"),
    ]
    if export_set.audit_head:
        fields.insert(-2, ("Audit-Chain-Head", export_set.audit_head))
        fields.insert(-2, ("Audit-Chain-Entries", str(export_set.audit_entries)))
    return bag_info.format_fields(fields)  # folded at 79 characters (RFC 8493 §2.2.2)


class _BagWriter:
    """Where a bag's files go: a folder or a zip, either made under a temporary name."""

    def add_bytes(self, name: str, data: bytes, *, compress: bool) -> None:
        raise NotImplementedError

    def add_stream(self, name: str, src: IO[bytes], size: int) -> str:
        """Copy ``src`` in as ``name``; return the SHA-256 of what was copied."""
        raise NotImplementedError

    def finish(self) -> None:
        raise NotImplementedError

    def abort(self) -> None:
        raise NotImplementedError


class _FolderWriter(_BagWriter):
    def __init__(self, target: Path) -> None:
        self.target = target
        target.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}-"))

    def _path(self, name: str) -> Path:
        path = self.tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def add_bytes(self, name: str, data: bytes, *, compress: bool) -> None:
        self._path(name).write_bytes(data)

    def add_stream(self, name: str, src: IO[bytes], size: int) -> str:
        digest = hashlib.sha256()
        with open(self._path(name), "wb") as out:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
        return digest.hexdigest()

    def finish(self) -> None:
        os.rename(self.tmp, self.target)  # refuses (atomically) a folder made meanwhile

    def abort(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


class _ZipWriter(_BagWriter):
    """Originals are stored (they do not compress), tag files and the JSON deflated. Every
    name sits under one folder named like the zip, as zipped bags usually are."""

    def __init__(self, target: Path) -> None:
        self.target = target
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}-", suffix=".part")
        os.close(fd)
        self.tmp = Path(name)
        self.zip = zipfile.ZipFile(self.tmp, "w", allowZip64=True)
        self.root = target.stem if target.suffix.lower() == ".zip" else target.name

    def _info(self, name: str, compress: bool, size: int) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(f"{self.root}/{name}", date_time=_zip_time())
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        info.external_attr = (stat.S_IFREG | 0o644) << 16
        info.file_size = size
        return info

    def add_bytes(self, name: str, data: bytes, *, compress: bool) -> None:
        self.zip.writestr(self._info(name, compress, len(data)), data)

    def add_stream(self, name: str, src: IO[bytes], size: int) -> str:
        digest = hashlib.sha256()
        info = self._info(name, False, size)
        with self.zip.open(info, "w", force_zip64=size >= zipfile.ZIP64_LIMIT) as out:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
        return digest.hexdigest()

    def finish(self) -> None:
        self.zip.close()
        with open(self.tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(self.tmp, self.target)

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self.zip.close()
        self.tmp.unlink(missing_ok=True)


def _zip_time() -> tuple[int, int, int, int, int, int]:
    now = datetime.now()
    return (max(now.year, 1980), now.month, now.day, now.hour, now.minute, now.second)
