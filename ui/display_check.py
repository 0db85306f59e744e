"""Whether the window can start here, asked before Qt is: a clear message instead of Qt's abort.

Qt cannot report a platform plugin that fails to load: it prints a line about "xcb" and
aborts the process. On a minimal Linux that happens for two reasons an analyst can fix:
system libraries the X11 plugin needs are missing (four or five small ``libxcb-*``
packages), or there is no display (a server, an SSH session, a display that went away).
:func:`problem` finds both first, with the standard library only (no Qt imported), and
:func:`message` names the missing libraries, the command that installs them on
Debian/Ubuntu and on Fedora, and that the ``workbench`` commands need no display.
:func:`import_problem` explains a Qt module that cannot even be imported (``libEGL.so.1``
missing, say) the same way.

How it looks: the plugin Qt will load is the one ``QT_QPA_PLATFORM`` names, else xcb (X11)
or, in a Wayland session, Wayland. The plugin is loaded with ``ctypes`` first (a few
milliseconds; Qt then finds it loaded); only when that fails is ``ldd`` asked, on the
plugin and on Qt's glue library, since it names every missing library where the loader
names the first. ``libxcb-cursor``, which Qt 6.5+ opens only at run time, is tried on its
own. The display: ``DISPLAY`` (or ``WAYLAND_DISPLAY``) must be set, and for X11 a
connection is opened and closed again through ``libxcb``. Other platforms (offscreen, VNC,
framebuffer) and other systems (Windows, macOS) are left to Qt.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

#: Libraries Qt's X11 plugin needs, by soname: (Debian/Ubuntu package, Fedora package).
PACKAGES: dict[str, tuple[str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-xinerama.so.0": ("libxcb-xinerama0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxcb-xinput.so.0": ("libxcb-xinput0", "libxcb"),
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libwayland-client.so.0": ("libwayland-client0", "libwayland-client"),
    "libwayland-cursor.so.0": ("libwayland-cursor0", "libwayland-cursor"),
    "libwayland-egl.so.1": ("libwayland-egl1", "libwayland-egl"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libOpenGL.so.0": ("libopengl0", "libglvnd-opengl"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
}
#: Opened by Qt at run time, so ``ldd`` does not list it: tried directly.
RUN_TIME_LIBRARIES = {"xcb": ("libxcb-cursor.so.0",)}
#: The platform plugins this check knows; any other is left to Qt.
PLUGINS = {"xcb": "libqxcb.so", "wayland": "libqwayland.so"}
#: Qt's own library between the plugin and the system's (its needs are listed too).
GLUE = {"xcb": "libQt6XcbQpa.so*", "wayland": "libQt6WaylandClient.so*"}
#: The exit code of a window that cannot start (the message is on standard error).
EXIT_NO_WINDOW = 3


@dataclass(frozen=True)
class Problem:
    """Why the window cannot start: the platform, and missing libraries or no display."""

    platform: str
    missing: tuple[str, ...] = ()  # sonames
    display: str | None = None  # what is wrong with the display, in words
    details: list[str] = field(default_factory=list)


def platform(env: Mapping[str, str]) -> str:
    """The platform plugin Qt will try first (its name, lower case)."""
    chosen = env.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip().lower()
    if chosen:
        return "wayland" if chosen.startswith("wayland") else chosen
    if env.get("XDG_SESSION_TYPE") == "wayland" and env.get("WAYLAND_DISPLAY"):
        return "wayland"
    return "xcb"


def qt_folder() -> Path | None:
    """PySide6's bundled Qt (``.../PySide6/Qt``), found without importing Qt."""
    import importlib.util

    spec = importlib.util.find_spec("PySide6")
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent / "Qt"
    return folder if folder.is_dir() else None


def not_found(library: Path) -> list[str]:
    """The sonames ``ldd`` says ``library`` needs and cannot find (none without ``ldd``)."""
    ldd = shutil.which("ldd")
    if ldd is None or not library.exists():
        return []
    try:
        out = subprocess.run(
            [ldd, str(library)], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return parse_ldd(out)


def parse_ldd(text: str) -> list[str]:
    """The ``soname => not found`` entries of ``ldd``'s output, in order, once each."""
    found = re.findall(r"^\s*(\S+)\s+=>\s+not found", text, flags=re.MULTILINE)
    return list(dict.fromkeys(found))


def loads(soname: str) -> bool:
    return load_error(soname) is None


def load_error(library: str | Path) -> str | None:
    """None when the dynamic loader loads ``library`` (and what it needs), else its error.
    Qt loads the same plugin a moment later: this costs a few milliseconds, not a second
    load."""
    if isinstance(library, Path) and not library.exists():
        return None  # not our business: Qt says what it says
    try:
        ctypes.CDLL(str(library))
    except OSError as exc:
        return str(exc)
    return None


def missing_libraries(plugin: str, qt: Path | None) -> list[str]:
    """The system libraries ``plugin`` needs that this machine lacks."""
    missing: list[str] = []
    if qt is not None:
        plugin_file = qt / "plugins" / "platforms" / PLUGINS[plugin]
        error = load_error(plugin_file)
        if error is not None:  # something is missing: ldd names all of it, not the first
            glue = sorted((qt / "lib").glob(GLUE[plugin]))[:1]
            for library in [plugin_file, *glue]:
                missing += not_found(library)
            if not missing:
                missing += re.findall(r"(lib[\w.+-]+\.so(?:\.\d+)*)", error)[:1]
    missing += [s for s in RUN_TIME_LIBRARIES.get(plugin, ()) if not loads(s)]
    return list(dict.fromkeys(missing))


def x_display_error(display: str) -> str | None:
    """None when an X connection to ``display`` opens, else why not."""
    name = ctypes.util.find_library("xcb") or "libxcb.so.1"
    try:
        xcb = ctypes.CDLL(name)
    except OSError:
        return None  # reported as a missing library instead
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(display.encode(), None)
    try:
        failed = xcb.xcb_connection_has_error(connection)
    finally:
        xcb.xcb_disconnect(connection)
    return f"the X display {display!r} does not answer" if failed else None


def problem(env: Mapping[str, str] | None = None, qt: Path | None = None) -> Problem | None:
    """Why the window cannot start here, or None when it can (or this check cannot tell:
    another platform or system)."""
    env = os.environ if env is None else env
    if not sys.platform.startswith("linux"):
        return None
    plugin = platform(env)
    if plugin not in PLUGINS:
        return None
    missing = tuple(missing_libraries(plugin, qt_folder() if qt is None else qt))
    display: str | None = None
    if plugin == "xcb":
        if not env.get("DISPLAY"):
            display = "no display is set (DISPLAY is empty)"
        else:
            display = x_display_error(env["DISPLAY"])
    elif not env.get("WAYLAND_DISPLAY"):
        display = "no Wayland display is set (WAYLAND_DISPLAY is empty)"
    if not missing and display is None:
        return None
    return Problem(plugin, missing, display)


def message(found: Problem) -> str:
    """What the analyst (or the desk's IT person) reads on standard error."""
    lines = ["Claim workbench: the window cannot start on this machine."]
    if found.missing:
        debian = sorted({PACKAGES.get(s, ("?", "?"))[0] for s in found.missing} - {"?"})
        fedora = sorted({PACKAGES.get(s, ("?", "?"))[1] for s in found.missing} - {"?"})
        lines.append("")
        lines.append(
            f"Qt's {found.platform} display plugin needs system libraries that are missing:"
        )
        lines += [f"  {soname}" for soname in found.missing]
        if debian:
            lines.append("Install them with:")
            lines.append(f"  Debian, Ubuntu:  sudo apt install {' '.join(debian)}")
            lines.append(f"  Fedora:          sudo dnf install {' '.join(fedora)}")
        unknown = [s for s in found.missing if s not in PACKAGES]
        if unknown:
            lines.append(
                f"(your system's package manager names the package for {', '.join(unknown)})"
            )
    if found.display:
        lines.append("")
        lines.append(f"No display: {found.display}.")
        lines.append("Start it from a desktop session, or over SSH with X forwarding (ssh -X).")
    lines.append("")
    lines.append(
        "The workbench commands need no display: `workbench --help` lists them "
        "(ingest, match, claim, export, verify...)."
    )
    return "\n".join(lines)


def import_problem(error: ImportError) -> str:
    """The message for a Qt module that cannot be imported because a library is missing."""
    soname = re.search(r"(lib[\w.+-]+\.so(?:\.\d+)*)", str(error))
    missing = (soname.group(1),) if soname else ()
    text = message(Problem("Qt", missing))
    if not missing:
        text += f"\n\n(Qt could not be loaded: {error})"
    return text
