"""The wheel carries what the app needs and works installed outside the checkout.

Built with pip from the checkout, installed into a fresh virtual environment in a temporary
folder (the project only from the wheel; its dependencies are this environment's, seen
through a path entry, so nothing is downloaded), and run from a folder that is not the
checkout: ``workbench --version`` and a short job (ingest a photo, match a copy of it,
write a PDF report), and the ``claim-workbench`` launcher is there.
"""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
PHOTO = ROOT / "tests" / "data" / "skimage" / "coffee.png"
#: What the app reads at run time besides code, each as a path inside the wheel.
CARRIED = (
    "workbench/fonts/DejaVuSans.ttf",
    "workbench/fonts/NotoColorEmoji.ttf",
    "workbench/fonts/LICENSE-DejaVu.txt",
    "workbench/exchange/templates/report.html.j2",
    "workbench/exchange/schemas/export-v1.schema.json",
    "workbench/matching/vocabulary.npy",
    "storage/migrations/env.py",
    "storage/migrations/script.py.mako",
    "ui/workbench.svg",
)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin`` folder of a fresh environment with the wheel installed."""
    base = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", base / "dist", ROOT],
        check=True,
        timeout=600,
    )
    [wheel] = (base / "dist").glob("claim_workbench-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert not [c for c in CARRIED if c not in names]
    migrations = {p.name for p in (ROOT / "storage" / "migrations" / "versions").glob("*.py")}
    assert {f"storage/migrations/versions/{m}" for m in migrations} <= names
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # This environment's packages, after the new one's own (a path line: the checkout's
    # editable install, a .pth of its own, is not followed).
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            python,
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            wheel,
        ],
        check=True,
        timeout=300,
    )
    return venv / "bin"


def run(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [bin_dir / "workbench", *args], cwd=cwd, capture_output=True, text=True, timeout=180
    )


def test_the_installed_wheel_is_the_one_running(installed: Path, tmp_path: Path) -> None:
    where = subprocess.run(
        [
            installed / "python",
            "-c",
            "import workbench, ui; print(workbench.__file__, ui.__file__)",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(ROOT) not in where and str(installed.parent) in where
    assert (installed / "claim-workbench").is_file()
    version = run(installed, "--version", cwd=tmp_path)
    assert version.returncode == 0, version.stderr
    assert version.stdout.startswith("Claim workbench 0.") and "not installed" not in version.stdout


def test_a_short_job_with_the_installed_wheel(installed: Path, tmp_path: Path) -> None:
    ws = ["--workspace", str(tmp_path / "ws")]
    added = run(installed, *ws, "ingest", "--json", str(PHOTO), cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)[0]["status"] == "added"
    copy = tmp_path / "copy.jpg"
    Image.open(PHOTO).convert("RGB").resize((300, 200)).save(copy, quality=70)
    matched = run(installed, *ws, "match", "--json", str(copy), cwd=tmp_path)
    assert matched.returncode == 0, matched.stderr
    assert len(json.loads(matched.stdout)[0]["matches"]) == 1
    claim = run(installed, *ws, "claim", "add", "--json", "--text", "Sarwan, 3 June", cwd=tmp_path)
    assert claim.returncode == 0, claim.stderr
    report = tmp_path / "report.pdf"
    done = run(installed, *ws, "export", "--format", "pdf", "--out", str(report), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert report.read_bytes().startswith(b"%PDF-")  # fonts and templates came with it
