"""Content-addressed store of originals: ``media/ab/cd/<sha256>``.

Every original is kept byte for byte and never modified. A write goes to a temporary file
in the store's own ``tmp/`` folder (same file system), is fsync'd, made read-only and then
renamed into place, and the folder entry is fsync'd too: a reader sees either nothing or the
whole file, and a file is durable before the database row that points to it commits.

**Crashes.** Every temporary name carries its writer, ``<kind>-<host>~<pid>~...``. A writer
that renames an original into place before its row commits first leaves a durable marker
``<staged name>.pending`` (:meth:`MediaStore.commit` with ``until_settled``) and removes it
once the row has committed (:meth:`MediaStore.settle`). When a workspace opens, leftovers of
writers that are gone (same host, process no longer running) are removed at once, and the
originals their markers name are handed to the workspace, which removes those that never
got a row (:meth:`MediaStore.interrupted_commits`). Leftovers of other hosts' writers, and of
names without a writer, go only after an hour: on a shared media folder another workstation
may be writing right now.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20
PENDING = ".pending"
#: ``<kind>-<host>~<pid>~<rest>``: who left a temporary file in ``tmp/``.
_WRITER = re.compile(r"^[a-z]+-(?P<host>[^~]*)~(?P<pid>[0-9]+)~")
_SHA = re.compile(r"~(?P<sha>[0-9a-f]{64})-")


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9.]", "_", socket.gethostname())[:64] or "host"


def _pid_alive(pid: int) -> bool:
    """Whether process ``pid`` runs on this host (True when that cannot be told)."""
    if pid == os.getpid():
        return True
    if os.name != "posix":  # os.kill would terminate the process on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it exists, as another user
        return True
    return True


class StoreError(Exception):
    """A problem with the media folder itself (not with a user's file)."""


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class MediaStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.tmp = root / "tmp"
        self.root.mkdir(parents=True, exist_ok=True)
        self.tmp.mkdir(exist_ok=True)

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def temporary_prefix(self, kind: str) -> str:
        """A name prefix for a temporary file or folder in ``tmp/`` (``kind``: lowercase
        letters) that says which process owns it, so it is removed on the next open once
        that process is gone (:meth:`clean_temporary`)."""
        return f"{kind}-{_host()}~{os.getpid()}~"

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def put_file(self, source: Path | bytes, sha256: str) -> tuple[Path, bool]:
        """Store ``source`` (a file or its bytes) under ``sha256``: (path, newly written)."""
        final = self.path_for(sha256)
        if final.is_file():
            return final, False
        staged = self.stage(source, sha256)
        try:
            return self.commit(staged, sha256)
        except BaseException:
            self.discard(staged)
            raise

    def stage(self, source: Path | bytes, sha256: str) -> Path:
        """A durable (fsync'd), read-only temporary copy in ``tmp/``, for :meth:`commit`.

        Slow work (copying, fsync) happens here, so it can run on worker threads. A file is
        hashed again while it is copied and refused (nothing left behind) if its bytes no
        longer match ``sha256``: it changed since it was analysed. Given bytes were hashed
        by the caller from these very bytes.
        """
        self.path_for(sha256)  # refuses anything that is not a digest
        prefix = f"{self.temporary_prefix('put')}{sha256}-"
        fd, tmp_name = tempfile.mkstemp(dir=self.tmp, prefix=prefix, suffix=".part")
        staged = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                if isinstance(source, bytes):
                    out.write(source)
                else:
                    digest = hashlib.sha256()
                    with open(source, "rb") as src:
                        _copy_hashing(src, out, digest)
                    if digest.hexdigest() != sha256:
                        raise StoreError(f"{source} changed while it was being stored")
                out.flush()
                os.fsync(out.fileno())
            os.chmod(staged, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        except BaseException:
            staged.unlink(missing_ok=True)
            raise
        return staged

    def commit(
        self, staged: Path, sha256: str, *, until_settled: bool = False
    ) -> tuple[Path, bool]:
        """Move a staged copy into place (atomic rename, folder fsync'd): (path, newly).

        ``until_settled``: the caller commits a database row for it next. A durable marker
        is left first, so that if this process dies before the row commits, the next open
        removes the original again (no orphan); :meth:`settle` removes the marker.
        """
        final = self.path_for(sha256)
        if final.is_file():  # stored meanwhile (another workstation, an earlier batch)
            staged.unlink(missing_ok=True)
            return final, False
        if until_settled:
            marker = self._marker(staged)
            marker.touch()
            _fsync_dir(self.tmp)
        self._make_dirs(final.parent)
        os.replace(staged, final)
        _fsync_dir(final.parent)
        return final, True

    def settle(self, staged: Path) -> None:
        """The row for a copy committed with ``until_settled`` committed (or the original
        was removed again): drop its marker."""
        self._marker(staged).unlink(missing_ok=True)

    def discard(self, staged: Path) -> None:
        staged.unlink(missing_ok=True)
        self._marker(staged).unlink(missing_ok=True)

    @staticmethod
    def _marker(staged: Path) -> Path:
        return staged.with_name(staged.name + PENDING)

    def _make_dirs(self, folder: Path) -> None:
        """Create ``ab/cd`` folders durably: each new entry's parent is fsync'd."""
        missing = []
        while not folder.is_dir():
            missing.append(folder)
            folder = folder.parent
        for new in reversed(missing):
            new.mkdir(exist_ok=True)
            _fsync_dir(new.parent)

    def remove(self, sha256: str) -> None:
        path = self.path_for(sha256)
        if path.exists():
            os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
            path.unlink()
            _fsync_dir(path.parent)

    def iter_shas(self) -> Iterator[str]:
        """Every original in the store, by its file name (not by re-hashing)."""
        for first in sorted(self.root.iterdir()):
            if first == self.tmp or not first.is_dir() or len(first.name) != 2:
                continue
            for second in sorted(first.iterdir()):
                if second.is_dir():
                    for entry in sorted(second.iterdir()):
                        yield entry.name

    def _writer_gone(self, name: str) -> bool:
        """Whether ``name`` in ``tmp/`` was left by a process of this host that is gone."""
        found = _WRITER.match(name)
        return bool(found and found["host"] == _host() and not _pid_alive(int(found["pid"])))

    def interrupted_commits(self) -> dict[str, list[Path]]:
        """Originals that processes now gone renamed into place without settling them
        (they died before, or while, their row committed): sha256 -> their markers.

        The caller removes each original that has no row and is not being committed by a
        running writer (:meth:`pending_shas`), then the markers; :meth:`clean_temporary`
        would otherwise remove the markers only.
        """
        out: dict[str, list[Path]] = {}
        for entry in self.tmp.iterdir():
            if entry.name.endswith(PENDING) and self._writer_gone(entry.name):
                found = _SHA.search(entry.name)
                if found:
                    out.setdefault(found["sha"], []).append(entry)
        return out

    def pending_shas(self) -> set[str]:
        """Originals that running writers put in place and whose rows may not be committed
        yet (their markers are there)."""
        out = set()
        for entry in self.tmp.iterdir():
            if entry.name.endswith(PENDING) and not self._writer_gone(entry.name):
                found = _SHA.search(entry.name)
                if found:
                    out.add(found["sha"])
        return out

    def clean_temporary(self, older_than_s: float = 3600.0) -> int:
        """Remove leftovers of interrupted writes; return how many were removed.

        Leftovers of processes of this host that are gone go at once; any other only when
        older than ``older_than_s``: on a shared media folder another workstation may be
        writing right now.
        """
        removed = 0
        cutoff = time.time() - older_than_s
        for entry in self.tmp.iterdir():
            try:
                if entry.stat().st_mtime > cutoff and not self._writer_gone(entry.name):
                    continue
            except FileNotFoundError:  # its writer removed it meanwhile
                continue
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed += 1
        return removed


class ThumbnailCache:
    """Rebuildable JPEG thumbnails, ``cache/thumbs/ab/<sha256>.jpg``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}.jpg"

    def put(self, sha256: str, jpeg: bytes) -> Path:
        path = self.path_for(sha256)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, suffix=".part")
        with os.fdopen(fd, "wb") as out:
            out.write(jpeg)
        os.replace(tmp_name, path)
        return path

    def get(self, sha256: str) -> Path | None:
        path = self.path_for(sha256)
        return path if path.is_file() else None

    # A video's strip (a few frames side by side) sits next to its thumbnail.
    STRIP_SUFFIX = "-strip"

    def put_strip(self, sha256: str, jpeg: bytes) -> Path:
        return self.put(sha256 + self.STRIP_SUFFIX, jpeg)

    def get_strip(self, sha256: str) -> Path | None:
        return self.get(sha256 + self.STRIP_SUFFIX)

    # A video's frame at a time (where a screenshot of it was found), at one size.
    def _frame_key(self, sha256: str, t_ms: int, max_side: int) -> str:
        return f"{sha256}-at{int(t_ms)}ms-{int(max_side)}"

    def put_frame(self, sha256: str, t_ms: int, max_side: int, jpeg: bytes) -> Path:
        return self.put(self._frame_key(sha256, t_ms, max_side), jpeg)

    def get_frame(self, sha256: str, t_ms: int, max_side: int) -> Path | None:
        return self.get(self._frame_key(sha256, t_ms, max_side))


def _copy_hashing(src: BinaryIO, out: BinaryIO, digest: hashlib._Hash) -> None:
    while chunk := src.read(CHUNK):
        digest.update(chunk)
        out.write(chunk)
