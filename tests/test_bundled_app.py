"""The bundled application (PyInstaller, ``packaging/claim-workbench.spec``) runs with no
Python of ours: built here into a temporary folder, started from another folder with a bare
environment, ``--version`` names the versions and ``--self-test`` passes without a display.

Skipped only where PyInstaller itself is not installed (``make test`` installs it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("PyInstaller")

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "claim-workbench.spec"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("bundle")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(base / "dist"),
            "--workpath",
            str(base / "build"),
            str(SPEC),
        ],
        check=True,
        timeout=1200,
        cwd=base,
    )
    program = base / "dist" / "claim-workbench" / "claim-workbench"
    assert program.is_file()
    return program


def bare_env(tmp_path: Path) -> dict[str, str]:
    """No display, no virtual environment, no path to the checkout, a home of its own."""
    keep = ("PATH", "LANG", "LC_ALL", "TMPDIR")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env["HOME"] = str(tmp_path / "home")
    return env


def test_the_bundle_names_its_versions(app: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [app, "--version"],
        cwd=tmp_path,
        env=bare_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Claim workbench 0.")
    assert "not installed" not in done.stdout
    assert "Qt 6." in done.stdout and "Python 3." in done.stdout and "SQLAlchemy" in done.stdout


def test_the_bundle_checks_itself_without_a_display(app: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [app, "--self-test"],
        cwd=tmp_path,
        env=bare_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout)
    assert result["ok"] is True, result
    names = [c["name"] for c in result["checks"]]
    assert names == [
        "qt",
        "workspace",
        "ingest",
        "match",
        "claim",
        "pdf",
        "bag",
        "verify",
        "cleanup",
    ]
    assert "video" in result["checks"][2]["detail"]
