"""The window's entry point (``python main.py``, the ``claim-workbench`` launcher).

It asks first whether a window can start here (``display_check``), before Qt is
imported: where it cannot, the analyst reads why and what to install instead of Qt's
abort, and the exit code is ``display_check.EXIT_NO_WINDOW``. Two options need no
display: ``--version`` (the app's, Qt's, Python's and the libraries' versions, and the
workspace's schema) and ``--self-test`` (``workbench.self_test``, with Qt drawing text
offscreen first; one JSON object on standard output, exit status 1 when a check fails).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence

from ui import display_check


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv if argv is None else argv)
    if "--version" in args[1:]:
        return _version(args[1:])
    if "--self-test" in args[1:]:
        return _self_test()
    if "-h" in args[1:] or "--help" in args[1:]:  # help needs no display
        from ui import app

        app.parse_args(args[1:])
    found = display_check.problem()
    if found is not None:
        print(display_check.message(found), file=sys.stderr)
        return display_check.EXIT_NO_WINDOW
    try:
        from ui import app
    except ImportError as exc:  # a Qt library the system lacks (libEGL, libGL...)
        print(display_check.import_problem(exc), file=sys.stderr)
        return display_check.EXIT_NO_WINDOW
    return app.main(args)


def _version(args: list[str]) -> int:
    from PySide6.QtCore import qVersion

    from workbench import about
    from workbench.workspace import resolve_workspace_dir

    chosen = args[args.index("--workspace") + 1] if "--workspace" in args[:-1] else None
    print("\n".join(about.lines(resolve_workspace_dir(chosen), qt=qVersion())))
    return 0


def _qt_draws_text() -> str:
    """Qt starts offscreen, takes the shipped fonts and draws Arabic and an emoji."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter
    from PySide6.QtWidgets import QApplication

    from ui.fonts import add_shipped_fonts

    app = QApplication.instance() or QApplication(["claim-workbench", "-platform", "offscreen"])
    added = add_shipped_fonts()
    image = QImage(400, 60, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.drawText(10, 40, "سروان 🔥 Sarwan")
    painter.end()
    inked = sum(
        image.pixelColor(x, y) != QColor("white") for x in range(0, 400, 2) for y in range(0, 60, 2)
    )
    if inked < 50:
        raise RuntimeError("Qt drew no text")
    assert app is not None  # alive until the text is drawn
    return f"{QGuiApplication.platformName()}: {len(added)} fonts added, {inked} samples inked"


def _self_test() -> int:
    from workbench import self_test

    result = self_test.run(extra=[("qt", _qt_draws_text)])
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result["ok"] else 1
