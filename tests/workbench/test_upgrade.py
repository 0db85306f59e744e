"""A workspace written by release 0.1.0 (tests/data/workspaces: its own code wrote it) opens
in this one: migrated, a copy of its database kept first, nothing lost."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from PIL import Image

from storage.db import copy_path, head_revision
from tests.cli.test_cli import CLI
from workbench.workspace import SQLITE_FILE, Workspace

DATA = Path(__file__).resolve().parents[1] / "data"
RELEASE = DATA / "workspaces" / "v0.1.0"
CLAIM = "ad385850-b891-46eb-b5e4-894767c18556"
PICTURE = "ec6e92dd-4acb-4add-ac13-844281d02cac"


def test_a_workspace_of_the_first_release_opens_migrated_and_whole(tmp_path: Path) -> None:
    folder = tmp_path / "v0.1.0"
    shutil.copytree(RELEASE, folder)
    out = CLI(folder).run("--workspace", str(folder), "--version", with_workspace=False).stdout
    assert f"schema 0010 (upgraded to {head_revision()} when opened, a copy kept first)" in out
    with Workspace.open(folder, analyst="today") as ws:
        claim = ws.claims.get(CLAIM)
        assert claim.text == "Sarwan taken, 3 June 2015 — سروان 🔥"
        assert claim.status == "refuted"
        assert [m.media_id for m in claim.media] == [PICTURE]
        assert ws.verifier.run() == []  # the original, its row, the audit chain
        assert ws.features.pending() == []  # its local features were kept as they were
        copy = tmp_path / "copy.jpg"
        Image.open(DATA / "skimage" / "rocket.jpg").resize((256, 171)).save(copy, quality=50)
        [found] = ws.media.match([copy])
        assert [m.media_id for m in found.matches] == [PICTURE]
    kept = copy_path(folder / SQLITE_FILE, "0010")
    with sqlite3.connect(kept) as old:
        assert old.execute("SELECT version_num FROM alembic_version").fetchone() == ("0010",)
        assert old.execute("SELECT count(*) FROM claims").fetchone() == (1,)
