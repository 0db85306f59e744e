"""Writing a file so that a reader (or a crash) never sees half of it.

The bytes go to a temporary file in the target's folder (same file system), are flushed to
disk, and the temporary file is renamed over the target: the old file or the new one,
never a mixture. A failure removes the temporary file and names the target.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from workbench.base.errors import WorkbenchError


@contextlib.contextmanager
def atomic_output(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target`` to write to; renamed over ``target`` when the
    block ends without an exception, removed otherwise (also when cancelled)."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise WorkbenchError(f"cannot write {target}: {exc.strerror or exc}") from exc
    temporary = Path(name)
    try:
        yield temporary
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(temporary, target)
    except OSError as exc:
        raise WorkbenchError(f"cannot write {target}: {exc.strerror or exc}") from exc
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()


def atomic_write(target: Path, data: bytes) -> None:
    with atomic_output(target) as temporary:
        temporary.write_bytes(data)
