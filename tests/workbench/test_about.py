"""``workbench --version`` and upgrades: the versions, a workspace's schema read without
touching it, and a copy of an older workspace's database kept before its first migration."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from storage.db import copy_path, current_revision, downgrade, head_revision, make_engine
from tests.cli.test_cli import CLI
from workbench.workspace import SQLITE_FILE, Location, Workspace

HEAD = head_revision()


def previous_revision() -> str:
    text = next(
        Path(__file__).resolve().parents[2].glob(f"storage/migrations/versions/{HEAD}_*.py")
    )
    [line] = [x for x in text.read_text().splitlines() if x.startswith("down_revision")]
    return line.split("=")[1].strip().strip("\"'")


def _downgraded(folder: Path) -> tuple[str, str]:
    """A workspace with one claim, taken back to the schema before this version's."""
    with Workspace.open(folder, analyst="old") as ws:
        claim = ws.claims.create(text="written by the previous release")
    engine = make_engine(Location.of(folder).database_url)
    previous = previous_revision()
    downgrade(engine, previous)
    assert current_revision(engine) == previous
    engine.dispose()
    return previous, claim.id


def test_version_names_the_app_schema_and_libraries_without_creating_anything(
    tmp_path: Path,
) -> None:
    cli = CLI(tmp_path / "never-made")
    done = cli.run("--version", with_workspace=False)
    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[0]
    assert first.startswith("Claim workbench ") and f"schema {HEAD}" in first
    here = cli.run("--workspace", str(cli.workspace), "--version", with_workspace=False)
    assert f"Workspace {cli.workspace}: no workspace here yet" in here.stdout
    assert "Python 3." in here.stdout and "Pillow" in here.stdout and "numpy" in here.stdout
    assert not cli.workspace.exists()


def test_an_older_workspace_is_named_so_and_copied_before_it_is_migrated(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "ws"
    previous, claim_id = _downgraded(folder)
    cli = CLI(folder)
    out = cli.run("--workspace", str(folder), "--version", with_workspace=False).stdout
    assert f"schema {previous} (upgraded to {HEAD} when opened, a copy kept first)" in out
    database = folder / SQLITE_FILE
    copy = copy_path(database, previous)
    assert not copy.exists()  # --version only reads
    with Workspace.open(folder) as ws:
        assert ws.claims.get(claim_id).text == "written by the previous release"
    assert copy.exists()
    with sqlite3.connect(copy) as kept:
        assert kept.execute("SELECT version_num FROM alembic_version").fetchone() == (previous,)
        assert kept.execute("SELECT count(*) FROM claims").fetchone() == (1,)
    stamp = copy.stat().st_mtime_ns
    Workspace.open(folder).close()  # at the newest schema now: nothing copied again
    assert copy.stat().st_mtime_ns == stamp
    assert (
        f": schema {HEAD}"
        in cli.run("--workspace", str(folder), "--version", with_workspace=False).stdout
    )
