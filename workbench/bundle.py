"""Case bundles between machines: BagIt bags (RFC 8493) out, and a merging import in.

**The bag.** A folder, or a zip holding one folder of the same name::

    bagit.txt                  BagIt-Version: 1.0, UTF-8
    bag-info.txt               Case (one field per case), Contact-Name (the analyst),
                               Bagging-Date, Export-Time (ISO 8601), Workspace-Id,
                               External-Identifier, Export-Schema, Claim-Count, Media-Count,
                               Audit-Chain-Head and Audit-Chain-Entries (the exporting
                               workspace's audit chain: ``workbench verify --head``),
                               Bag-Software-Agent, Payload-Oxum; long values folded at
                               79 characters (``workbench.bag_info``)
    manifest-sha256.txt        every payload file's SHA-256
    tagmanifest-sha256.txt     the tag files' SHA-256
    data/workbench.json        the JSON export document (``workbench.interchange``)
    data/media/<sha256>        each original once, byte for byte, named by its SHA-256

The files are written here rather than by ``bagit.make_bag``: that function ``chdir``s (the
window exports on a worker thread), moves files about and hashes them again. Originals are
hashed once while they are copied; the copy is refused if the store's bytes no longer match
their name (a damaged store must not ship under a good name). A bag is built in a temporary
folder or file next to the target and renamed at the end: a failure or Cancel leaves nothing.
Tests hold the result to the ``bagit`` library's ``validate()``.

**Import** (``import_bundle``) takes a bag folder, a zipped bag, or a bare JSON export. Before
anything is written the whole bag is checked, and any fault refuses all of it with the reason
(``ImportSummary.refused``): in a zip, names that are absolute or climb out (``..``), symbolic
links and other non-files, encrypted or duplicate entries, overlapping entries, an entry
holding more compressed data than its declared size can explain, a total or a compression
ratio over :class:`Limits` (zip bombs); unpacking streams each entry with a byte cap (never
trusting the header) into the media store's ``tmp/``. In the bag: symbolic links anywhere,
manifest paths that climb out, ``fetch.txt``, files missing or not in the manifest, bagit's
own checks (Payload-Oxum, structure), every checksum, then the document and every original
it names (present, named by its own hash, of the declared size), and, in a workbench bag,
bag-info.txt's cases, claim count and workspace against the document.

**Merge rule** (one rule, easy to explain):

* A claim is the same claim when its id (UUID) is the same. New ids are added with their
  fields, times and audit trail.
* When a claim is here already and its content differs (any field, actors, tags, case,
  source, a link's role), the version with the later ``updated_at`` wins. If the bag's is
  later its values are written and the values they replace are kept in an audit entry
  ``merge``; otherwise this workspace's stay and the bag's values are kept in an entry
  ``merge_kept``. Both entries map each field to ``(this workspace's value, the bag's
  value)``. Every such claim is listed in ``conflicts``: without a common ancestor the
  workbench cannot tell "edited on both sides" from "edited on one", so it shows all.
* Media links only ever add up (the workbench has no "detach"): links new in the bag are
  added whichever side wins, to originals present here.
* A finding on an original (``workbench.findings``) is taken when this workspace has none,
  or a different one set earlier; a difference is listed in ``conflicts``.
* A checklist step set in the bag is taken when it is not set here, or set differently
  earlier; a difference is listed in ``conflicts``.
* Events are the same event when their id is: a new one is added; one here takes the
  bag's fields when the bag's were changed later (listed either way); claims join events
  and never leave them through a merge.
* Relations between claims (``workbench.relations.RelationService.merge_in``) add up too:
  a pair not related here gets the bag's relation; a pair related differently keeps the
  later one and is listed in ``conflicts``; one removed on the other side stays here.
* An original is the same original when its SHA-256 is: stored once, through
  ``MediaService.ingest`` (hashed, indexed, "seen before" like any other file), then given
  the bag's name and acquisition record (who, when, from where: the chain of custody), the
  replaced values audited. A bare JSON export has no originals: those missing here are
  listed in ``skipped`` and their links left out.
* Sources are matched by (platform, handle), cases by name; a new one is created with the
  bag's values, a matched one keeps this workspace's values and any difference is listed
  in ``conflicts``.
* The bag's audit entries are inserted as they were (actor, time, action, changes), except
  those already here (same entity, time, actor and action), so importing twice adds
  nothing; media entries only for originals this import added, under their id here.

Originals are stored first (ingest commits one file at a time); then sources, cases, claims,
links and audit entries are written in one transaction. If that transaction fails, or Cancel
comes while originals are being stored, the originals stored so far stay as unlinked
originals (harmless: a later import links them) and no claim changes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import itertools
import os
import re
import shutil
import stat
import tempfile
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import bagit
from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from storage.schema import AuditEntry, Case, Claim, ClaimActor, ClaimMedia, ClaimTag, Media, Source
from workbench import audit, bag_info
from workbench.errors import Cancelled, WorkbenchError
from workbench.ingest import run_in_order
from workbench.interchange import (
    CLAIM_SCALARS,
    SCHEMA_NAME,
    Document,
    DocumentError,
    InAudit,
    InClaim,
    InSource,
    build_document,
    document_bytes,
    document_extras,
    read_document,
)
from workbench.scope import ExportSet
from workbench.sources import find_or_create_case, find_or_create_source
from workbench.views import ImportIssue, ImportSummary, IngestStatus

if TYPE_CHECKING:
    from workbench.workspace import Workspace

#: Called with (done, total) within the stage under way; ``on_stage`` hears each stage's
#: name as it starts: "media", "manifest" on export; "unpacking", "checking", "media",
#: "claims" on import.
Progress = Callable[[int, int], None]
OnStage = Callable[[str], None]
ShouldCancel = Callable[[], bool]
#: Internally: (stage, done, total).
_Report = Callable[[str, int, int], None]

DOCUMENT = "data/workbench.json"
MEDIA_DIR = "data/media"
MANIFEST = "manifest-sha256.txt"
TAG_MANIFEST = "tagmanifest-sha256.txt"
BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
SOFTWARE = "claim-workbench (workbench.bundle)"
CHUNK = 1 << 20


class Refused(WorkbenchError):
    """The bundle is refused whole; the message is the reason, naming the file."""


@dataclasses.dataclass(frozen=True)
class Limits:
    """What a zipped bag may unpack to. A real bag's originals barely compress (JPEG, MP4)
    and its JSON some ten to one, so a high ratio on a big entry means a bomb."""

    max_entries: int = 500_000
    max_total_bytes: int = 1 << 40  # 1 TiB, and never more than the free disk space
    max_ratio: float = 200.0
    ratio_floor: int = 1 << 20  # entries smaller than this are not judged by their ratio


@dataclasses.dataclass(frozen=True)
class BagExport:
    """What ``export_bag`` wrote."""

    path: Path
    claims: int
    media: int
    payload_bytes: int


# == export =================================================================================


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
    report = _reporter(progress, on_stage)
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
    progress: _Report | None,
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


def _reporter(progress: Progress | None, on_stage: OnStage | None) -> _Report | None:
    """One internal callback for both: the stage heard once as it starts, then counts."""
    if progress is None and on_stage is None:
        return None
    current: list[str] = []

    def report(stage: str, done: int, total: int) -> None:
        if on_stage is not None and current[-1:] != [stage]:
            current.append(stage)
            on_stage(stage)
        if progress is not None:
            progress(done, total)

    return report


def _zip_time() -> tuple[int, int, int, int, int, int]:
    now = datetime.now()
    return (max(now.year, 1980), now.month, now.day, now.hour, now.minute, now.second)


# == import: checks ==========================================================================


def import_bundle(
    ws: Workspace,
    path: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
    should_cancel: ShouldCancel | None = None,
    on_stage: OnStage | None = None,
    limits: Limits | None = None,
) -> ImportSummary:
    """Merge a bag folder, a zipped bag or a JSON export into ``ws`` (rule: module
    docstring). A bad bag is refused whole (``refused`` says why) and nothing changes."""
    source = Path(path)
    kind = "bag" if source.is_dir() or zipfile.is_zipfile(source) else "json"
    report = _reporter(progress, on_stage)
    try:
        with _opened(ws, source, limits or Limits(), report, should_cancel) as (doc, media):
            return _Merge(ws, doc, media, report, should_cancel).run(str(source), kind)
    except (Refused, DocumentError) as exc:
        return ImportSummary(str(source), kind, refused=str(exc))


@contextlib.contextmanager
def _opened(
    ws: Workspace,
    source: Path,
    limits: Limits,
    progress: _Report | None,
    should_cancel: ShouldCancel | None,
) -> Iterator[tuple[Document, Path | None]]:
    """The checked document, and the folder of its originals (None for a bare JSON)."""
    if source.is_symlink():
        raise Refused(f"{source.name}: a symbolic link; give the bag itself")
    if source.is_dir():
        yield check_bag(source, progress, should_cancel), source / MEDIA_DIR
    elif zipfile.is_zipfile(source):
        # Named after this process: if it is killed, the next open removes the folder.
        tmp = Path(tempfile.mkdtemp(dir=ws.store.tmp, prefix=ws.store.temporary_prefix("import")))
        try:
            root = unpack_zip(source, tmp, limits, progress, should_cancel)
            yield check_bag(root, progress, should_cancel), root / MEDIA_DIR
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    elif source.is_file():
        yield read_document(source), None
    else:
        raise Refused(f"{source}: no such file or folder")


def _bad_name(name: str) -> str | None:
    """Why a path inside a bag or zip is unsafe, or None."""
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or name.startswith("~"):
        return "an absolute path"
    if ".." in parts:
        return "a path that climbs out of the bag (..)"
    if "\x00" in name:
        return "a NUL character in the name"
    return None


def _check_entries(infos: list[zipfile.ZipInfo], limits: Limits, free: int) -> None:
    """Refuse a zip before a byte is unpacked (see the module docstring)."""
    if len(infos) > limits.max_entries:
        raise Refused(f"{len(infos)} entries, more than {limits.max_entries}")
    names: set[str] = set()
    for info in infos:
        name = info.filename
        problem = _bad_name(name)
        kind = stat.S_IFMT(info.external_attr >> 16)
        if problem is None and kind == stat.S_IFLNK:
            problem = "a symbolic link"
        elif problem is None and kind not in (0, stat.S_IFREG, stat.S_IFDIR):
            problem = "not a regular file"
        elif problem is None and info.flag_bits & 0x1:
            problem = "encrypted"
        elif problem is None and name.rstrip("/") in names:
            problem = "a second entry of the same name"
        if problem:
            raise Refused(f"{name}: {problem}; the zip is refused")
        names.add(name.rstrip("/"))
        declared, packed = info.file_size, info.compress_size
        if packed > declared + declared // 100 + 1024 or (
            info.compress_type == zipfile.ZIP_STORED and packed != declared
        ):
            raise Refused(
                f"{name}: holds {packed} bytes of data but declares {declared}; "
                "an entry larger than declared is refused"
            )
        if declared >= limits.ratio_floor and declared > limits.max_ratio * max(packed, 1):
            raise Refused(
                f"{name}: {packed} bytes that unpack to {declared} "
                f"(over {limits.max_ratio:g} to 1): a zip bomb is refused"
            )
    total = sum(i.file_size for i in infos)
    if total > min(limits.max_total_bytes, free):
        room = "the limit" if total > limits.max_total_bytes else "the free disk space"
        raise Refused(f"the zip unpacks to {total} bytes, more than {room}: refused")
    _check_overlaps(infos)


def _check_overlaps(infos: list[zipfile.ZipInfo]) -> None:
    """Entries sharing compressed bytes are the trick of the biggest zip bombs."""
    spans = sorted(infos, key=lambda i: i.header_offset)
    for info, nxt in itertools.pairwise(spans):
        if nxt.header_offset < info.header_offset + info.compress_size:
            raise Refused(f"{nxt.filename}: overlaps {info.filename}: a zip bomb is refused")


def unpack_zip(
    archive: Path,
    dest: Path,
    limits: Limits,
    progress: _Report | None = None,
    should_cancel: ShouldCancel | None = None,
) -> Path:
    """Unpack a zipped bag into ``dest`` after checking every entry; return the bag folder
    (``dest`` itself or its single sub-folder holding ``bagit.txt``)."""
    label = archive.name
    try:
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
            _check_entries(infos, limits, shutil.disk_usage(dest).free)
            files = [i for i in infos if not i.is_dir()]
            written = 0
            for done, info in enumerate(files, 1):
                if should_cancel is not None and should_cancel():
                    raise Refused("cancelled; nothing was imported")
                written += _unpack_one(zf, info, dest, limits.max_total_bytes - written)
                if progress is not None:
                    progress("unpacking", done, len(files))
    except Refused as exc:
        raise Refused(f"{label}: {exc}") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError) as exc:
        raise Refused(f"{label}: damaged, or an entry larger than it declares: {exc}") from None
    if (dest / "bagit.txt").is_file():
        return dest
    inner = [p for p in dest.iterdir() if p.is_dir()]
    if len(inner) == 1 and (inner[0] / "bagit.txt").is_file():
        return inner[0]
    raise Refused(f"{label}: no bagit.txt at its top: not a bag")


def _unpack_one(zf: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, budget: int) -> int:
    """Stream one entry out with a cap: its declared size (and what the total allows)."""
    target = dest.joinpath(*info.filename.replace("\\", "/").split("/"))
    if not target.resolve().is_relative_to(dest.resolve()):
        raise Refused(f"{info.filename}: a path that climbs out of the bag")
    target.parent.mkdir(parents=True, exist_ok=True)
    cap = min(info.file_size, budget)
    count = 0
    with zf.open(info) as src, open(target, "xb") as out:
        while chunk := src.read(CHUNK):
            count += len(chunk)
            if count > cap:
                raise Refused(f"{info.filename}: unpacks to more than its declared {cap} bytes")
            out.write(chunk)
    if count != info.file_size:
        raise Refused(f"{info.filename}: {count} bytes, not the declared {info.file_size}")
    return count


def check_bag(
    root: Path, progress: _Report | None = None, should_cancel: ShouldCancel | None = None
) -> Document:
    """Check a bag folder through and through; return its document. Raises :class:`Refused`
    (or ``DocumentError``) with the reason."""
    _refuse_links(root)
    for required in ("bagit.txt", MANIFEST):
        if not (root / required).is_file():
            raise Refused(f"{required}: missing; not a bag made by the workbench")
    if (root / "fetch.txt").exists():
        raise Refused("fetch.txt: bags that fetch files from elsewhere are not accepted")
    _check_manifest_paths(root)
    try:
        bag = bagit.Bag(str(root))
        _check_complete(root, bag)
        bag.validate(completeness_only=True)  # structure, bagit.txt, Payload-Oxum
    except bagit.BagValidationError as exc:
        details = "; ".join(str(d) for d in exc.details[:3]) if exc.details else ""
        raise Refused(f"{exc.message}{': ' + details if details else ''}") from None
    except bagit.BagError as exc:
        raise Refused(str(exc)) from None
    except UnicodeDecodeError as exc:  # bagit.txt, bag-info.txt or a manifest not UTF-8
        raise Refused(f"a tag file is not UTF-8 text: {exc.reason} at byte {exc.start}") from None
    _check_checksums(root, bag.entries, progress, should_cancel)
    doc = read_document(root / DOCUMENT, DOCUMENT)
    _check_originals(root, doc, bag.entries)
    _check_bag_info(root, doc)
    return doc


def _refuse_links(root: Path) -> None:
    """No symbolic link (nor device, pipe...) anywhere in the bag: bagit would follow one."""
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            mode = path.lstat().st_mode
            rel = path.relative_to(root).as_posix()
            if stat.S_ISLNK(mode):
                raise Refused(f"{rel}: a symbolic link; bags with links are refused")
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                raise Refused(f"{rel}: not a regular file")


def _check_manifest_paths(root: Path) -> None:
    for manifest in sorted(root.glob("*manifest-*.txt")):
        lines = manifest.read_text("utf-8", errors="replace").splitlines()
        for number, line in enumerate(lines, 1):
            parts = line.strip().split(None, 1)
            if len(parts) != 2 or line.startswith("#"):
                continue
            name = parts[1].lstrip("*")
            problem = _bad_name(name)
            if problem:
                raise Refused(f"{manifest.name} line {number}: {name}: {problem}")


def _check_complete(root: Path, bag: bagit.Bag) -> None:
    """Every payload file listed, every listed file there (named, unlike Payload-Oxum)."""
    listed = set(bag.payload_entries())
    present = set(bag.payload_files())
    for name in sorted(listed - present):
        raise Refused(f"{name}: listed in {MANIFEST} but missing from the bag")
    for name in sorted(present - listed):
        raise Refused(f"{name}: in the bag but not in {MANIFEST}")


def _check_checksums(
    root: Path,
    entries: dict[str, dict[str, str]],
    progress: _Report | None,
    should_cancel: ShouldCancel | None,
) -> None:
    """Every file's checksums, every algorithm the manifests use, two files at a time
    (hashlib releases the GIL), with progress and Cancel (bagit's ``validate`` has
    neither)."""
    for algorithms in entries.values():
        for algorithm in algorithms:
            if algorithm not in hashlib.algorithms_guaranteed:
                raise Refused(f"manifest-{algorithm}.txt: an unknown checksum")
    paths = [root / name for name in entries]
    expected = {root / name: sums for name, sums in entries.items()}

    def digest(path: Path) -> dict[str, str] | str:
        hashers = {alg: hashlib.new(alg) for alg in expected[path]}
        try:
            with open(path, "rb") as fh:
                while chunk := fh.read(CHUNK):
                    for h in hashers.values():
                        h.update(chunk)
        except OSError as exc:
            return f"cannot read: {exc.strerror or exc}"
        return {alg: h.hexdigest() for alg, h in hashers.items()}

    for done, (path, found) in enumerate(run_in_order(digest, paths, workers=2), 1):
        rel = path.relative_to(root).as_posix()
        if isinstance(found, str):
            raise Refused(f"{rel}: {found}")
        for alg, value in found.items():
            if expected[path][alg].lower() != value:
                raise Refused(
                    f"{rel}: {alg} checksum mismatch (the manifest says "
                    f"{expected[path][alg]}, the file is {value}): altered or damaged"
                )
        if progress is not None:
            progress("checking", done, len(paths))
        if should_cancel is not None and should_cancel():
            raise Refused("cancelled; nothing was imported")


def _check_bag_info(root: Path, doc: Document) -> None:
    """A workbench bag's bag-info.txt (folded lines read back) names the document's cases,
    claim count and workspace: a bag whose label and contents disagree was edited or mixed
    up. A bag from elsewhere keeps whatever bag-info it has."""
    try:
        info = bag_info.by_label(bag_info.parse((root / "bag-info.txt").read_text("utf-8")))
    except FileNotFoundError:
        return
    except ValueError as exc:
        raise Refused(f"bag-info.txt: {exc}") from None
    if any(v.startswith(SCHEMA_NAME) for v in info.get("Export-Schema", [])):
        names = {doc.cases[c.case_id].name for c in doc.claims if c.case_id in doc.cases}
        wrong = bag_info.disagreement(
            info,
            {
                "Case": [bag_info.plain(name) for name in names],
                "Claim-Count": [str(len(doc.claims))],
                "Workspace-Id": [doc.workspace_id],
            },
        )
        if wrong:
            raise Refused(f"bag-info.txt: {wrong} as in {DOCUMENT}")


def _check_originals(root: Path, doc: Document, entries: dict[str, dict[str, str]]) -> None:
    """The document and the originals agree: each there, named by its hash, its size."""
    names = set()
    for sha, media in doc.media.items():
        name = f"{MEDIA_DIR}/{sha}"
        names.add(name)
        if name not in entries:
            raise Refused(f"{name}: {DOCUMENT} lists this original but the bag lacks it")
        if entries[name].get("sha256", "").lower() != sha:
            raise Refused(f"{name}: its checksum is not its name")
        size = (root / name).stat().st_size
        if size != media.byte_size:
            raise Refused(f"{name}: {size} bytes, but {DOCUMENT} declares {media.byte_size}")
    for name in entries:
        if name.startswith(MEDIA_DIR + "/") and name not in names:
            raise Refused(f"{name}: an original {DOCUMENT} does not list")


# == import: merge ===========================================================================


def _show(value: Any) -> str:
    text = value.isoformat() if isinstance(value, datetime) else repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


class _Merge:
    """One import's merge: originals first, then everything else in one transaction."""

    def __init__(
        self,
        ws: Workspace,
        doc: Document,
        media_dir: Path | None,
        progress: _Report | None,
        should_cancel: ShouldCancel | None,
    ) -> None:
        self.ws, self.doc, self.media_dir = ws, doc, media_dir
        self.progress, self.should_cancel = progress, should_cancel
        self.actor = ws.analyst
        self.local: dict[str, uuid.UUID] = {}  # sha256 -> media id here
        self.new_media: dict[str, uuid.UUID] = {}  # originals this import stored
        self.skipped: list[ImportIssue] = []
        self.conflicts: list[ImportIssue] = []
        self.added: list[str] = []
        self.merged: list[str] = []
        self.trails: dict[tuple[str, str], list[InAudit]] = {}
        for entry in doc.audit:
            self.trails.setdefault((entry.entity_type, entry.entity_id), []).append(entry)
        self.origin = f"workspace {doc.workspace_id}, exported by {doc.exported_by} at " + (
            doc.exported_at.isoformat()
        )

    def run(self, path: str, kind: str) -> ImportSummary:
        existing = self._find_local(list(self.doc.media))
        self.local.update(existing)
        for sha, media_id in self._left_unadopted(existing).items():
            self.new_media[sha] = media_id  # adopted below, as if this import stored it
            del existing[sha]
        cancelled = self._store_originals()
        if cancelled:
            return ImportSummary(
                path,
                kind,
                media_added=len(self.new_media),
                media_existing=len(existing),
                refused=f"cancelled while storing originals: {len(self.new_media)} stored, "
                "no claim imported; import the bag again to finish",
            )
        if self.progress is not None:
            self.progress("claims", 0, len(self.doc.claims))
        with self.ws.db.transaction() as session:
            self._adopt_new_media(session)
            self._merge_findings(session)
            sources = {i: self._source(session, s) for i, s in self.doc.sources.items()}
            cases = {
                i: self._case(session, c.name, c.description) for i, c in self.doc.cases.items()
            }
            for done, claim in enumerate(self.doc.claims, 1):
                case_id = cases[claim.case_id] if claim.case_id else None
                source_id = sources[claim.source_id] if claim.source_id else None
                self._claim(session, claim, case_id, source_id)
                if self.progress is not None:
                    self.progress("claims", done, len(self.doc.claims))
            merged = self.ws.relations.merge_in(session, self.doc.relations, self.origin)
            merged += self.ws.checklist.merge_in(session, list(self.doc.checks), self.origin)
            merged += self.ws.events.merge_in(session, self.doc.events, self.origin)
            self.conflicts += [ImportIssue(what, why) for what, why in merged]
        return ImportSummary(
            path,
            kind,
            added=tuple(self.added),
            merged=tuple(self.merged),
            skipped=tuple(self.skipped),
            conflicts=tuple(self.conflicts),
            media_added=len(self.new_media),
            media_existing=len(existing),
        )

    # -- originals -----------------------------------------------------------------------

    def _find_local(self, shas: list[str]) -> dict[str, uuid.UUID]:
        found: dict[str, uuid.UUID] = {}
        with self.ws.db.read() as session:
            for start in range(0, len(shas), 500):
                part = shas[start : start + 500]
                query = select(Media.sha256, Media.id).where(Media.sha256.in_(part))
                found.update({sha: media_id for sha, media_id in session.execute(query)})
        return found

    def _left_unadopted(self, existing: dict[str, uuid.UUID]) -> dict[str, uuid.UUID]:
        """Originals an import of a bag stored but never adopted: the process was killed
        (or the claims' transaction failed) after ingest committed them. Ingest named each
        after its file in the unpacked bag (its SHA-256) and recorded that folder, in the
        store's ``tmp/``, as where it came from; this import gives them the bag's record."""
        if not existing:
            return {}
        unpacked = self.ws.store.tmp.resolve()
        found: dict[str, uuid.UUID] = {}
        with self.ws.db.read() as session:
            ids = list(existing.values())
            for start in range(0, len(ids), 500):
                query = select(Media.sha256, Media.id, Media.original_name, Media.acquired_from)
                for sha, media_id, name, origin in session.execute(
                    query.where(Media.id.in_(ids[start : start + 500]))
                ):
                    if name == sha and origin and Path(origin).is_relative_to(unpacked):
                        found[sha] = media_id
        return found

    def _store_originals(self) -> bool:
        """Ingest the originals not here yet; True when cancelled part way."""
        missing = [sha for sha in self.doc.media if sha not in self.local]
        if not missing:
            return False
        if self.media_dir is None:
            for sha in missing:
                self.skipped.append(
                    self._absent(
                        sha,
                        "not in this workspace, and a JSON export carries no originals "
                        "(import the bag to bring it)",
                    )
                )
            return False
        progress = self.progress

        def each(done: int, total: int, _result: Any) -> None:
            if progress is not None:
                progress("media", done, total)

        paths = [self.media_dir / sha for sha in missing]
        results = self.ws.media.ingest(paths, progress=each, should_cancel=self.should_cancel)
        for sha, result in zip(missing, results, strict=False):
            if result.status is IngestStatus.ERROR or result.media is None:
                self.skipped.append(self._absent(sha, f"not stored: {result.error}"))
            elif result.status is IngestStatus.ADDED:
                self.new_media[sha] = uuid.UUID(result.media.id)
            if result.media is not None:
                self.local.setdefault(sha, uuid.UUID(result.media.id))
        return len(results) < len(paths)

    def _absent(self, sha: str, why: str) -> ImportIssue:
        """An original that is not here: why, and the claims whose link to it is left out."""
        users = [c.id for c in self.doc.claims if any(m.sha256 == sha for m in c.media)]
        name = self.doc.media[sha].original_name
        left_out = f"; left out of claim {', '.join(users)}" if users else ""
        return ImportIssue(f"media {sha} ({name})", why + left_out)

    def _adopt_new_media(self, session: Session) -> None:
        """An original this import stored takes the bag's name and acquisition record (the
        chain of custody) and its audit trail; ingest's values are kept in the audit."""
        for sha, media_id in self.new_media.items():
            incoming = self.doc.media[sha]
            row = session.get(Media, media_id)
            if row is None:
                continue
            changes: dict[str, Any] = {"imported_from": (None, self.origin)}
            for name in ("original_name", "acquired_at", "acquired_from", "acquired_by"):
                value = getattr(incoming, name)
                if getattr(row, name) != value:
                    changes[name] = (getattr(row, name), value)
                    setattr(row, name, value)
            self._insert_trail(session, self.trails.get(("media", incoming.id), []), media_id)
            audit.record(session, self.actor, "media", media_id, "import", changes)

    def _merge_findings(self, session: Session) -> None:
        """The bag's findings on the originals here (``FindingService.merge_in``)."""
        for sha, incoming in self.doc.media.items():
            row = session.get(Media, self.local[sha]) if sha in self.local else None
            if row is None or incoming.finding is None:
                continue
            settled = self.ws.findings.merge_in(session, row, incoming.finding, self.origin)
            if settled:
                self.conflicts.append(
                    ImportIssue(f"media {sha} ({incoming.original_name})", settled)
                )

    # -- sources and cases ---------------------------------------------------------------

    def _source(self, session: Session, incoming: InSource) -> uuid.UUID:
        existing = session.scalar(
            select(Source).where(
                Source.platform == incoming.platform, Source.handle == incoming.handle
            )
        )
        if existing is None:
            created = find_or_create_source(
                session,
                self.actor,
                incoming.platform,
                incoming.handle,
                display_name=incoming.display_name,
                url=incoming.url,
                affiliation=incoming.affiliation,
                reliability=incoming.reliability,
            )
            if incoming.notes:
                created.notes = incoming.notes
                audit.record(
                    session,
                    self.actor,
                    "source",
                    created.id,
                    "update",
                    {"notes": ("", incoming.notes)},
                )
            return created.id
        names = ("display_name", "url", "affiliation", "reliability", "notes")
        differ = [n for n in names if getattr(existing, n) != getattr(incoming, n)]
        if differ:
            label = (
                f"{incoming.platform}:{incoming.handle}" if incoming.platform else incoming.handle
            )
            detail = ", ".join(
                f"{n} {_show(getattr(existing, n))} here, {_show(getattr(incoming, n))} in the bag"
                for n in differ
            )
            self.conflicts.append(
                ImportIssue(f"source {label}", f"matched; this workspace's values kept: {detail}")
            )
        return existing.id

    def _case(self, session: Session, name: str, description: str) -> uuid.UUID:
        existing = session.scalar(select(Case).where(Case.name == name))
        if existing is not None:
            return existing.id
        case = find_or_create_case(session, self.actor, name)
        if description:
            case.description = description
            audit.record(
                session, self.actor, "case", case.id, "update", {"description": ("", description)}
            )
        return case.id

    # -- claims --------------------------------------------------------------------------

    def _claim(
        self,
        session: Session,
        incoming: InClaim,
        case_id: uuid.UUID | None,
        source_id: uuid.UUID | None,
    ) -> None:
        claim_id = uuid.UUID(incoming.id)
        row = session.get(Claim, claim_id)
        self._insert_trail(session, self.trails.get(("claim", incoming.id), []), claim_id)
        if row is None:
            self._create(session, incoming, case_id, source_id)
            self.added.append(incoming.id)
        else:
            self._update(session, row, incoming, case_id, source_id)
            self.merged.append(incoming.id)

    def _create(
        self,
        session: Session,
        incoming: InClaim,
        case_id: uuid.UUID | None,
        source_id: uuid.UUID | None,
    ) -> None:
        row = Claim(
            id=uuid.UUID(incoming.id),
            case_id=case_id,
            source_id=source_id,
            created_at=incoming.created_at,
            updated_at=incoming.updated_at,
            **incoming.values,
        )
        row.actors = [ClaimActor(name=n, position=i) for i, n in enumerate(incoming.actors)]
        row.tags = [ClaimTag(tag=t, position=i) for i, t in enumerate(incoming.tags)]
        session.add(row)
        session.flush()
        changes: dict[str, Any] = {"imported_from": (None, self.origin)}
        changes.update({k: (None, v) for k, v in incoming.values.items() if v not in (None, "")})
        for name in ("actors", "tags"):
            if getattr(incoming, name):
                changes[name] = (None, list(getattr(incoming, name)))
        changes.update(self._link(session, row.id, incoming, {}, incoming_wins=True))
        audit.record(session, self.actor, "claim", row.id, "import", changes)

    def _update(
        self,
        session: Session,
        row: Claim,
        incoming: InClaim,
        case_id: uuid.UUID | None,
        source_id: uuid.UUID | None,
    ) -> None:
        here = self._state(session, row)
        there = dict(incoming.values)
        there["actors"], there["tags"] = list(incoming.actors), list(incoming.tags)
        there["case"] = self._case_name(session, case_id)
        there["source"] = self._source_label(session, source_id)
        differ = {k: (here[k], there[k]) for k in here if here[k] != there[k]}
        links = {link.media_id: link for link in row.links}
        roles = self._role_changes(incoming, links)
        wins = incoming.updated_at > row.updated_at
        if differ or roles:
            if wins:
                self._apply(row, incoming, case_id, source_id, differ)
            changes: dict[str, Any] = {"imported_from": (None, self.origin)}
            changes.update({k: (_plain(a), _plain(b)) for k, (a, b) in differ.items()})
            changes.update(roles)
            changes.update(self._link(session, row.id, incoming, links, incoming_wins=wins))
            audit.record(
                session, self.actor, "claim", row.id, "merge" if wins else "merge_kept", changes
            )
            self.conflicts.append(self._conflict(row, incoming, [*differ, *roles], wins))
        else:
            added = self._link(session, row.id, incoming, links, incoming_wins=False)
            if added:
                changes = {"imported_from": (None, self.origin), **added}
                audit.record(session, self.actor, "claim", row.id, "merge", changes)

    def _apply(
        self,
        row: Claim,
        incoming: InClaim,
        case_id: uuid.UUID | None,
        source_id: uuid.UUID | None,
        differ: dict[str, tuple[Any, Any]],
    ) -> None:
        """The bag's version wins: write its values (the caller audits what they replace)."""
        for name, value in incoming.values.items():
            if name in differ:
                setattr(row, name, value)
        if "actors" in differ:
            row.actors.clear()
            _session_of(row).flush()
            row.actors.extend(ClaimActor(name=n, position=i) for i, n in enumerate(incoming.actors))
        if "tags" in differ:
            row.tags.clear()
            _session_of(row).flush()
            row.tags.extend(ClaimTag(tag=t, position=i) for i, t in enumerate(incoming.tags))
        row.case_id, row.source_id = case_id, source_id
        row.updated_at = incoming.updated_at

    def _conflict(self, row: Claim, incoming: InClaim, names: list[str], wins: bool) -> ImportIssue:
        when = (
            f"updated {incoming.updated_at.isoformat()} in the bag, "
            f"{'earlier' if wins else row.updated_at.isoformat()} here"
        )
        if wins:
            message = (
                f"differs in {', '.join(names)}; the bag's version is later ({when}) and was "
                "taken; this workspace's values are kept in the audit trail (merge)"
            )
        else:
            message = (
                f"differs in {', '.join(names)}; this workspace's version is as recent or later "
                f"({when}) and was kept; the bag's values are in the audit trail (merge_kept)"
            )
        return ImportIssue(f"claim {incoming.id}", message)

    def _state(self, session: Session, row: Claim) -> dict[str, Any]:
        state = {name: getattr(row, name) for name in CLAIM_SCALARS}
        for name in _TEXTS:
            state[name] = state[name] or ""
        state["actors"] = [a.name for a in row.actors]
        state["tags"] = [t.tag for t in row.tags]
        state["case"] = self._case_name(session, row.case_id)
        state["source"] = self._source_label(session, row.source_id)
        return state

    @staticmethod
    def _case_name(session: Session, case_id: uuid.UUID | None) -> str | None:
        case = session.get(Case, case_id) if case_id else None
        return case.name if case else None

    @staticmethod
    def _source_label(session: Session, source_id: uuid.UUID | None) -> str | None:
        source = session.get(Source, source_id) if source_id else None
        if source is None:
            return None
        return f"{source.platform}:{source.handle}" if source.platform else source.handle

    def _role_changes(
        self, incoming: InClaim, links: dict[uuid.UUID, ClaimMedia]
    ) -> dict[str, tuple[str, str]]:
        out = {}
        for link in incoming.media:
            media_id = self.local.get(link.sha256)
            here = links.get(media_id) if media_id else None
            if here is not None and here.role != link.role:
                out[f"media {link.sha256[:12]}"] = (here.role, link.role)
        return out

    def _link(
        self,
        session: Session,
        claim_id: uuid.UUID,
        incoming: InClaim,
        links: dict[uuid.UUID, ClaimMedia],
        *,
        incoming_wins: bool,
    ) -> dict[str, Any]:
        """Add the bag's links missing here; when the bag wins, take its roles too."""
        changes: dict[str, Any] = {}
        for link in incoming.media:
            media_id = self.local.get(link.sha256)
            if media_id is None:  # listed in ``skipped`` with the original
                continue
            here = links.get(media_id)
            if here is None:
                session.add(
                    ClaimMedia(
                        claim_id=claim_id, media_id=media_id, role=link.role, added_by=self.actor
                    )
                )
                changes[f"media {link.sha256[:12]}"] = (None, f"{link.sha256} as {link.role}")
            elif incoming_wins and here.role != link.role:
                here.role = link.role
        session.flush()
        return changes

    def _insert_trail(self, session: Session, trail: list[InAudit], entity_id: uuid.UUID) -> None:
        """The bag's entries for one record, as they were, less those already here."""
        if not trail:
            return
        known = {
            (e.at, e.actor, e.action)
            for e in session.scalars(
                select(AuditEntry).where(AuditEntry.entity_id == str(entity_id))
            )
        }
        for entry in trail:
            if (entry.at, entry.actor, entry.action) in known:
                continue
            # chained onto this workspace's trail, with the bag's time and actor
            audit.record(
                session,
                entry.actor,
                entry.entity_type,
                entity_id,
                entry.action,
                entry.changes,
                at=entry.at,
            )
            known.add((entry.at, entry.actor, entry.action))


_TEXTS = tuple(
    n
    for n in CLAIM_SCALARS
    if n not in ("posted_at", "observed_at", "latitude", "longitude", "credibility", "decided_at")
)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _session_of(row: Any) -> Session:
    session = object_session(row)
    assert session is not None  # rows handled here always belong to the merge's session
    return session
