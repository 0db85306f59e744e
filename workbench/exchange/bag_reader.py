"""Reading a case bundle safely, and the merging import it opens.

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

The merge itself is ``workbench.exchange.bag_merge``.
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
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import bagit

from workbench.base.errors import WorkbenchError
from workbench.claims.views import ImportSummary
from workbench.exchange import bag_info
from workbench.exchange.bag_format import (
    CHUNK,
    DOCUMENT,
    MANIFEST,
    MEDIA_DIR,
    OnStage,
    Progress,
    Report,
    ShouldCancel,
    reporter,
)
from workbench.exchange.bag_merge import Merge
from workbench.exchange.interchange import SCHEMA_NAME, DocumentError
from workbench.exchange.interchange_reader import Document, read_document
from workbench.library.ingest import run_in_order

if TYPE_CHECKING:
    from workbench.workspace import Workspace


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
    report = reporter(progress, on_stage)
    try:
        with _opened(ws, source, limits or Limits(), report, should_cancel) as (doc, media):
            return Merge(ws, doc, media, report, should_cancel).run(str(source), kind)
    except (Refused, DocumentError) as exc:
        return ImportSummary(str(source), kind, refused=str(exc))


@contextlib.contextmanager
def _opened(
    ws: Workspace,
    source: Path,
    limits: Limits,
    progress: Report | None,
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
    progress: Report | None = None,
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
    root: Path, progress: Report | None = None, should_cancel: ShouldCancel | None = None
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
    progress: Report | None,
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
