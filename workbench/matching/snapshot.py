"""The seen-before index kept on disk, so that opening a big workspace is not reading and
indexing every hash row again (tens of seconds at a million pictures).

A snapshot is a folder of ``.npy`` files, one per array of ``HashIndex.arrays``, and a
``meta.json`` written last that names the format, the arrays (shape and type) and what
the caller says about the database it was taken from (its workspace id and watermarks).
Loading maps the files into memory (copy on write: the index reads them in place and
copies only what it changes), checks every array against ``meta.json`` and the index's
structure (``HashIndex.from_arrays``), and raises ``SnapshotError`` on anything wrong: a
missing or truncated file, another format, arrays that do not hold together. It is the
caller's to check the snapshot against the database and to rebuild; a snapshot is never
trusted over it. A flipped bit inside a hash value passes these checks (and the count of
rows against the database's): the files live in the workstation's own cache, written by
this code, and a checksum would read every byte of them at each open.

Written into a sibling folder and renamed into place, so a crash while writing leaves
the previous snapshot (or none), never half of one.

Uses numpy and ``index`` only.
"""

from __future__ import annotations

import contextlib
import json
import mmap
import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from workbench.matching.index import HashIndex

#: Bump when the index's arrays change meaning: an older snapshot is then rebuilt.
FORMAT = 1
META = "meta.json"


class SnapshotError(Exception):
    """The snapshot cannot be used (the message says why); rebuild from the database."""


def save(index: HashIndex, folder: Path, about: dict[str, Any]) -> None:
    """Write ``index`` to ``folder`` (replacing what is there) with ``about`` in its meta."""
    arrays = index.arrays()
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = folder.with_name(f"{folder.name}.writing-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    described = {}
    for name, array in arrays.items():
        np.save(staging / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)
        described[name] = {"shape": list(array.shape), "dtype": array.dtype.str}
    meta = {"format": FORMAT, "about": about, "arrays": described}
    (staging / META).write_text(json.dumps(meta, indent=1), encoding="utf-8")
    old = folder.with_name(f"{folder.name}.old-{os.getpid()}")
    if folder.exists():
        folder.rename(old)
    staging.rename(folder)
    shutil.rmtree(old, ignore_errors=True)


def load(folder: Path) -> tuple[HashIndex, dict[str, Any]]:
    """The index kept in ``folder`` and the ``about`` it was saved with."""
    try:
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SnapshotError(f"no snapshot in {folder}") from exc
    except (OSError, ValueError) as exc:
        raise SnapshotError(f"{folder / META}: unreadable: {exc}") from exc
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise SnapshotError(f"{folder / META}: not a snapshot of format {FORMAT}")
    arrays = {}
    try:
        for name, described in dict(meta["arrays"]).items():
            mapped = np.load(folder / f"{name}.npy", mmap_mode="c", allow_pickle=False)
            if list(mapped.shape) != described["shape"] or mapped.dtype.str != described["dtype"]:
                raise SnapshotError(f"{name}.npy is not the array {META} describes")
            _read_ahead(mapped)
            arrays[name] = np.asarray(mapped)  # a plain view: numpy's memmap class is slower
        return HashIndex.from_arrays(arrays), dict(meta["about"])
    except SnapshotError:
        raise
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise SnapshotError(f"{folder}: damaged: {exc!r}") from exc


def _read_ahead(mapped: np.memmap[Any, Any]) -> None:
    """Ask the kernel to read the file into memory in the background: the first lookups
    after an open would otherwise wait on the disk for every page they touch."""
    handle = getattr(mapped, "_mmap", None)
    if handle is not None and hasattr(mmap, "MADV_WILLNEED"):
        with contextlib.suppress(OSError, ValueError):
            handle.madvise(mmap.MADV_WILLNEED)


def remove_leftovers(folder: Path) -> None:
    """Folders a crash left while writing (``.writing-``/``.old-`` siblings)."""
    for sibling in folder.parent.glob(f"{folder.name}.*-*"):
        shutil.rmtree(sibling, ignore_errors=True)
