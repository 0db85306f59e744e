"""What this installation is: the app's version, the schema it writes, the libraries under
it, and a workspace's schema (read, never migrated). ``workbench --version`` prints it, and
the window's Help ▸ About shows it (with Qt's version, which only the window knows).

It may use ``storage`` (the schema's revisions) and ``workbench.workspace`` (where a
workspace's database is), and nothing else of ours.
"""

from __future__ import annotations

import platform
from importlib import metadata
from pathlib import Path

from storage.db import current_revision, head_revision, make_engine
from workbench.workspace import SQLITE_FILE, Location

DISTRIBUTION = "claim-workbench"
#: The libraries a report of a problem should name, as their distributions are called.
LIBRARIES = (
    "PySide6-Essentials",
    "SQLAlchemy",
    "alembic",
    "psycopg",
    "Pillow",
    "pillow-heif",
    "numpy",
    "opencv-python-headless",
    "av",
    "ImageHash",
    "ExifRead",
    "fpdf2",
    "bagit",
)


def app_version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def library_versions() -> dict[str, str]:
    """``{distribution: version}`` of ``LIBRARIES`` (those installed), Python first."""
    out = {"Python": platform.python_version()}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def workspace_schema(folder: Path) -> str:
    """A workspace's schema in words: its revision and what opening it will do."""
    try:
        location = Location.of(folder)
        if location.database_url.startswith("sqlite") and not (folder / SQLITE_FILE).exists():
            return "no workspace here yet"
        engine = make_engine(location.database_url)
        try:
            revision = current_revision(engine)
        finally:
            engine.dispose()
    except Exception as exc:  # an unreachable server, a damaged file: said, not raised
        return f"cannot be read: {type(exc).__name__}: {exc}"[:300]
    head = head_revision()
    if revision is None:
        return "empty (set up when opened)"
    if revision == head:
        return f"schema {revision}"
    if revision < head:
        return f"schema {revision} (upgraded to {head} when opened, a copy kept first)"
    return f"schema {revision}: newer than this version writes ({head}); upgrade the app"


def lines(workspace: Path | None = None, qt: str | None = None) -> list[str]:
    """The report, a line each: the app and its schema, the workspace, the libraries."""
    out = [f"Claim workbench {app_version()} (writes database schema {head_revision()})"]
    if workspace is not None:
        out.append(f"Workspace {workspace}: {workspace_schema(workspace)}")
    versions = library_versions()
    if qt is not None:
        versions = {"Python": versions.pop("Python"), "Qt": qt, **versions}
    out.append(", ".join(f"{name} {version}" for name, version in versions.items()))
    return out
