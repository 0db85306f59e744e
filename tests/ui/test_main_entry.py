"""``python main.py`` from the repo root starts, opens its workspace and keeps running."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("how", ["--workspace", "WORKBENCH_WORKSPACE"])
def test_main_py_opens_the_workspace_and_runs(tmp_path: Path, how: str) -> None:
    folder = tmp_path / "first-run"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    args = [sys.executable, "main.py"]
    if how == "--workspace":
        args += ["--workspace", str(folder)]
    else:  # no option: the default workspace, here pointed to by the environment
        env["WORKBENCH_WORKSPACE"] = str(folder)
    proc = subprocess.Popen(
        args, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 30
        while not (folder / "workbench.sqlite").exists() and time.monotonic() < deadline:
            assert proc.poll() is None, proc.communicate()[1]
            time.sleep(0.1)
        time.sleep(1.0)  # the window is built and the event loop runs
        assert proc.poll() is None, proc.communicate()[1]
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=10)
    assert (folder / "workbench.sqlite").exists()
    assert "Traceback" not in stderr


def test_main_py_help() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "main.py", "--help"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0
    assert "--workspace DIR" in done.stdout


def test_the_application_icon_loads(qapp: object) -> None:
    from PySide6.QtGui import QIcon

    icon = QIcon(str(REPO / "ui" / "workbench.svg"))
    image = icon.pixmap(64, 64).toImage()
    assert not icon.isNull() and image.width() == 64
    assert len({image.pixel(x, y) for x in range(0, 64, 4) for y in range(0, 64, 4)}) > 4
