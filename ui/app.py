"""The claim workbench window: ``python main.py [--workspace DIR]`` (through ``ui.launch``).

The composition root: it opens the workspace (the domain), builds the window around it and
runs the event loop. Nothing else creates services or holds a global application object.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from ui.fonts import add_shipped_fonts
from ui.main_window import MainWindow
from ui.messages import error_message, show_error
from ui.open_progress import OpenCancelled, open_progress
from workbench.settings import Settings, SettingsError
from workbench.workspace import ENV_WORKSPACE, Workspace, resolve_workspace_dir

APP_TITLE = "Claim workbench"
ICON = Path(__file__).resolve().parent / "workbench.svg"
log = logging.getLogger("workbench.app")

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="main.py", description="Claim verification workbench")
    parser.add_argument(
        "--workspace",
        metavar="DIR",
        help=f"workspace folder (default: ${ENV_WORKSPACE}, else the platform data folder; "
        "created on first run)",
    )
    parser.add_argument("--analyst", help="name recorded in the audit trail")
    return parser.parse_args(argv)


def report_unexpected(window: QWidget) -> ExceptHook:
    """An exception nobody caught (a bug in a slot) becomes a message, and a log entry."""

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        log.error("unexpected error", exc_info=(kind, error, tb))
        show_error(window, "Unexpected error", error)

    return hook


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # Qt takes its own options (-platform, -style...) out of argv; argparse gets the rest.
    app = QApplication(list(sys.argv if argv is None else argv))
    app.setApplicationName("claim-workbench")
    app.setApplicationDisplayName(APP_TITLE)
    app.setWindowIcon(QIcon(str(ICON)))
    add_shipped_fonts()  # emoji and CJK where the system has no font for them
    args = parse_args(app.arguments()[1:])
    settings = Settings.load()
    chosen = args.workspace or os.environ.get(ENV_WORKSPACE) or settings.last_workspace
    folder = resolve_workspace_dir(chosen)
    while True:  # again when the analyst switches workspace in Settings
        dialog, progress = open_progress(str(folder))
        try:
            workspace = Workspace.open(
                folder, analyst=args.analyst or settings.analyst, progress=progress
            )
        except OpenCancelled:
            return 1
        except Exception as exc:  # a bad folder, unreadable settings, an unreachable server
            log.error("cannot open workspace %s", folder, exc_info=exc)
            QMessageBox.critical(
                None, APP_TITLE, f"Cannot open the workspace {folder}:\n\n{error_message(exc)}"
            )
            return 1
        finally:
            dialog.close()
        remember(settings, workspace.location.folder)
        try:
            window = MainWindow(workspace, settings=settings)
            sys.excepthook = report_unexpected(window)
            window.show()
            QTimer.singleShot(0, window.offer_sample)  # first run: offer the sample case
            # What is alive now (Qt bindings, numpy, SQLAlchemy, the index) lives all
            # session: keep it out of the cyclic collector's full passes, which otherwise
            # hold the interpreter ~100 ms at a time during long imports
            # (bench/bench_ui_stall.py).
            gc.freeze()
            code = app.exec()
        finally:
            sys.excepthook = sys.__excepthook__
            workspace.close()
        if window.switch_to is None:
            return code
        folder = window.switch_to


def remember(settings: Settings, folder: Path) -> None:
    settings.remember_workspace(folder)
    try:
        settings.save()
    except SettingsError as exc:  # the work goes on; only the recent list is not kept
        log.warning("%s", exc)


if __name__ == "__main__":
    sys.exit(main())
