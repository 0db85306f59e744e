"""A window that cannot start says why and what to install, instead of Qt's abort."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ui import display_check
from ui.display_check import Problem

REPO = Path(__file__).resolve().parents[2]

#: ``ldd`` on Qt's xcb plugin, on a Debian without two of the xcb utility libraries.
LDD = """\
\tlinux-vdso.so.1 (0x00007ffd6b5f2000)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f0e3c000000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x00007f0e3bfd0000)
\tlibxcb-icccm.so.4 => not found
"""


def test_ldd_output_gives_each_missing_library_once() -> None:
    assert display_check.parse_ldd(LDD) == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    assert display_check.parse_ldd("\tlibc.so.6 => /lib/libc.so.6 (0x1)\n") == []


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "xcb"),
        ({"QT_QPA_PLATFORM": "offscreen"}, "offscreen"),
        ({"QT_QPA_PLATFORM": "wayland-egl;xcb"}, "wayland"),
        ({"QT_QPA_PLATFORM": "vnc:size=800x600"}, "vnc"),
        ({"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"}, "wayland"),
        ({"XDG_SESSION_TYPE": "wayland"}, "xcb"),
    ],
)
def test_the_platform_qt_will_try(env: dict[str, str], expected: str) -> None:
    assert display_check.platform(env) == expected


def test_other_platforms_are_left_to_qt() -> None:
    assert display_check.problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert display_check.problem({"QT_QPA_PLATFORM": "minimal"}) is None


def test_the_message_names_libraries_packages_and_the_command_line() -> None:
    text = display_check.message(
        Problem("xcb", ("libxcb-cursor.so.0", "libxcb-icccm.so.4", "libfoo.so.9"))
    )
    assert "libxcb-cursor.so.0" in text and "libxcb-icccm.so.4" in text
    assert "sudo apt install libxcb-cursor0 libxcb-icccm4" in text
    assert "sudo dnf install xcb-util-cursor xcb-util-wm" in text
    assert "libfoo.so.9" in text  # no package known: named, left to the system
    assert "`workbench --help`" in text
    assert "No display" not in text


def test_missing_libraries_are_found_in_the_plugin_and_at_run_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    qt = tmp_path / "Qt"
    (qt / "plugins" / "platforms").mkdir(parents=True)
    (qt / "lib").mkdir()
    (qt / "plugins" / "platforms" / "libqxcb.so").touch()
    (qt / "lib" / "libQt6XcbQpa.so.6").touch()
    asked: list[str] = []

    def fake_ldd(library: Path) -> list[str]:
        asked.append(library.name)
        return ["libxcb-icccm.so.4"] if library.name == "libqxcb.so" else ["libxcb-shm.so.0"]

    monkeypatch.setattr(display_check, "not_found", fake_ldd)
    monkeypatch.setattr(display_check, "loads", lambda soname: soname != "libxcb-cursor.so.0")
    monkeypatch.setattr(display_check, "x_display_error", lambda display: None)
    found = display_check.problem({"DISPLAY": ":0"}, qt=qt)
    assert asked == ["libqxcb.so", "libQt6XcbQpa.so.6"]
    assert found == Problem(
        "xcb", ("libxcb-icccm.so.4", "libxcb-shm.so.0", "libxcb-cursor.so.0"), None
    )


def test_no_display_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(display_check, "missing_libraries", lambda plugin, qt: [])
    found = display_check.problem({}, qt=tmp_path)
    assert found is not None and found.missing == ()
    assert "DISPLAY is empty" in (found.display or "")
    wayland = display_check.problem({"QT_QPA_PLATFORM": "wayland"}, qt=tmp_path)
    assert wayland is not None and "WAYLAND_DISPLAY" in (wayland.display or "")
    assert "No display: no display is set" in display_check.message(found)


def test_an_x_display_that_does_not_answer() -> None:
    error = display_check.x_display_error(":97")  # no server on :97 here
    assert error == "the X display ':97' does not answer"


def test_a_qt_library_that_cannot_be_imported() -> None:
    text = display_check.import_problem(
        ImportError("libEGL.so.1: cannot open shared object file: No such file or directory")
    )
    assert "sudo apt install libegl1" in text and "sudo dnf install libglvnd-egl" in text


def test_main_py_without_a_display_explains_instead_of_aborting() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    done = subprocess.run(
        [sys.executable, "main.py", "--workspace", "unused"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == display_check.EXIT_NO_WINDOW
    assert "the window cannot start on this machine" in done.stderr
    assert "workbench --help" in done.stderr
    assert "qt.qpa.plugin" not in done.stderr and "Traceback" not in done.stderr
    assert not (REPO / "unused").exists()  # nothing was opened or written


def test_help_needs_no_display() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run(
        [sys.executable, "main.py", "--help"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and "--workspace DIR" in done.stdout
