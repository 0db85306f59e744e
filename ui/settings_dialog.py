"""The settings dialog: who the analyst is, how alike "seen before" means, which workspace.

The dialog edits nothing by itself: it starts from a :class:`~workbench.settings.Settings`
and, when accepted, hands back a :class:`SettingsChoice` (plain values). The caller stores
it (:func:`store_choice`) and acts on it: names the analyst, uses the threshold, and, if
another workspace was chosen, opens that one. Folder pickers are parameters so tests (and
a future non-native picker) can stand in for ``QFileDialog``.

Keyboard: every field has a mnemonic (Alt+letter); Enter (or a double-click) on a recent
workspace chooses it and closes the dialog; Escape cancels.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from workbench.maps.layers import MBTiles, TilesError
from workbench.matching.index import DEFAULT_MAX_DISTANCE
from workbench.settings import (
    ANALYST,
    DUPLICATE_THRESHOLD,
    MAP_TILES,
    MAX_DISTANCE_LIMIT,
    REVIEW_LANGUAGE,
    REVIEW_URL,
    Settings,
    normalise_folder,
)
from workbench.workspace import CONFIG_FILE, SQLITE_FILE, default_analyst

#: (parent, caption, start folder) -> the folder picked, or "" when cancelled.
FolderPicker = Callable[[QWidget, str, str], str]
PATH_ROLE = Qt.ItemDataRole.UserRole


def pick_existing_folder(parent: QWidget, caption: str, start: str) -> str:
    return QFileDialog.getExistingDirectory(parent, caption, start)


def pick_new_folder(parent: QWidget, caption: str, start: str) -> str:
    """A name for a folder that does not exist yet (the save dialog lets one type it)."""
    path, _ = QFileDialog.getSaveFileName(parent, caption, start)
    return path


def is_workspace(folder: Path) -> bool:
    return (folder / SQLITE_FILE).is_file() or (folder / CONFIG_FILE).is_file()


@dataclass(frozen=True)
class SettingsChoice:
    """What the analyst chose. ``workspace`` is None when the current one stays open;
    ``create_workspace`` says the chosen folder is new (the caller creates it)."""

    analyst: str
    duplicate_threshold: int
    workspace: Path | None = None
    create_workspace: bool = False
    review_url: str = ""
    review_language: str = "en"
    #: An MBTiles file the map draws under the claims ("" for the world outline alone).
    map_tiles: str = ""
    #: The desk's own checklist steps, one a line (None: the dialog was not given them).
    desk_steps: tuple[str, ...] | None = None


def store_choice(settings: Settings, choice: SettingsChoice) -> None:
    """Put ``choice`` into ``settings`` and save them (SettingsError if that fails).

    The name is stored only when it differs from the machine's default, so an unchanged
    default keeps following the machine. A new workspace is remembered by the caller once
    it has actually opened (``settings.remember_workspace``)."""
    if choice.analyst and choice.analyst != default_analyst():
        settings[ANALYST] = choice.analyst
    else:
        settings.reset(ANALYST)
    if choice.duplicate_threshold != DEFAULT_MAX_DISTANCE or settings.is_set(DUPLICATE_THRESHOLD):
        settings[DUPLICATE_THRESHOLD] = choice.duplicate_threshold
    for option, value in (
        (REVIEW_URL, choice.review_url),
        (REVIEW_LANGUAGE, choice.review_language),
        (MAP_TILES, choice.map_tiles),
    ):
        if value != option.default() or settings.is_set(option):
            settings[option] = value
    settings.save()


class SettingsDialog(QDialog):
    def __init__(
        self,
        settings: Settings,
        current_workspace: str | os.PathLike[str],
        parent: QWidget | None = None,
        *,
        pick_existing: FolderPicker = pick_existing_folder,
        pick_new: FolderPicker = pick_new_folder,
        desk_steps: Sequence[str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setAccessibleName("Settings")
        self._current = Path(normalise_folder(current_workspace))
        self._pick_existing = pick_existing
        self._pick_new = pick_new
        self._chosen: Path | None = None
        self._create = False

        self.analyst_edit = QLineEdit(settings.analyst)
        self.analyst_edit.setPlaceholderText(default_analyst())
        self.analyst_edit.setAccessibleName("Analyst name")
        self.analyst_edit.setAccessibleDescription("The name recorded in the audit trail")
        self.analyst_edit.setMaxLength(200)

        self.threshold_spin = QSpinBox()
        self.threshold_spin.setRange(0, MAX_DISTANCE_LIMIT)
        self.threshold_spin.setValue(settings.duplicate_threshold)
        self.threshold_spin.setAccessibleName("Seen-before threshold")
        self.threshold_spin.setAccessibleDescription(
            "Largest hash distance still reported as seen before"
        )
        self.threshold_spin.setToolTip(
            f"0 finds only identical pictures; {DEFAULT_MAX_DISTANCE} (the default) survives "
            "recompression, resizing and logos; higher finds more, and more false matches"
        )

        form = QFormLayout()
        analyst_label = QLabel("&Analyst name:")
        analyst_label.setBuddy(self.analyst_edit)
        form.addRow(analyst_label, self.analyst_edit)
        threshold_label = QLabel("&Seen-before threshold:")
        threshold_label.setBuddy(self.threshold_spin)
        form.addRow(threshold_label, self.threshold_spin)
        hint = QLabel(
            f"Hash distance, 0–{MAX_DISTANCE_LIMIT}; default {DEFAULT_MAX_DISTANCE}. "
            "Lower is stricter."
        )
        hint.setStyleSheet("color: gray")
        form.addRow("", hint)

        self.review_url_edit = QLineEdit(settings[REVIEW_URL])
        self.review_url_edit.setPlaceholderText("https://desk.example.org/reviews/")
        self.review_url_edit.setAccessibleName("Publication URL")
        self.review_url_edit.setAccessibleDescription(
            "Where the desk publishes its reviews; each review's address is this and the "
            "claim's id (ClaimReview export)"
        )
        self.review_language_edit = QLineEdit(settings[REVIEW_LANGUAGE])
        self.review_language_edit.setAccessibleName("Review language")
        self.review_language_edit.setMaximumWidth(80)
        review_url_label = QLabel("&Publication URL:")
        review_url_label.setBuddy(self.review_url_edit)
        form.addRow(review_url_label, self.review_url_edit)
        review_language_label = QLabel("Review lan&guage:")
        review_language_label.setBuddy(self.review_language_edit)
        form.addRow(review_language_label, self.review_language_edit)
        self._desk_steps = desk_steps
        self.steps_edit = QPlainTextEdit("\n".join(desk_steps or ()))
        self.steps_edit.setPlaceholderText("e.g. Weather matches the day\nShadows match the hour")
        self.steps_edit.setAccessibleName("The desk's own checklist steps")
        self.steps_edit.setAccessibleDescription(
            "One a line; every claim's checklist has them after the standard steps. "
            "Kept in the workspace, so the whole team has them."
        )
        self.steps_edit.setTabChangesFocus(True)
        self.steps_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.tiles_edit = QLineEdit(settings[MAP_TILES])
        self.tiles_edit.setPlaceholderText("none: the map shows the world's outline")
        self.tiles_edit.setAccessibleName("Map tiles file")
        self.tiles_edit.setAccessibleDescription(
            "An MBTiles file of raster tiles, drawn under the claims with no network"
        )
        self.tiles_button = QPushButton("C&hoose…")
        self.tiles_button.setAccessibleName("Choose a map tiles file")
        self.tiles_button.clicked.connect(self._choose_tiles)
        tiles_row = QHBoxLayout()
        tiles_row.addWidget(self.tiles_edit, 1)
        tiles_row.addWidget(self.tiles_button)
        tiles_label = QLabel("&Map tiles (MBTiles):")
        tiles_label.setBuddy(self.tiles_edit)
        form.addRow(tiles_label, tiles_row)
        if desk_steps is not None:
            steps_label = QLabel("Desk's chec&klist steps:")
            steps_label.setBuddy(self.steps_edit)
            form.addRow(steps_label, self.steps_edit)
        self.problem = QLabel("")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b3261e")
        self.problem.setAccessibleName("Problem")
        form.addRow("", self.problem)

        self.current_edit = QLineEdit(str(self._current))
        self.current_edit.setReadOnly(True)
        self.current_edit.setAccessibleName("Current workspace")
        self.chosen_label = QLabel("")
        self.chosen_label.setWordWrap(True)
        self.chosen_label.setAccessibleName("Workspace to open")
        self.recent_list = QListWidget()
        self.recent_list.setAccessibleName("Recent workspaces")
        self.recent_list.setAccessibleDescription(
            "Press Enter or double-click to open that workspace"
        )
        for folder in settings.recent_workspaces:
            item = QListWidgetItem(str(folder))
            item.setData(PATH_ROLE, str(folder))
            item.setToolTip(str(folder))
            if folder == self._current:
                item.setText(f"{folder}  (open now)")
            self.recent_list.addItem(item)
        if self.recent_list.count():
            self.recent_list.setCurrentRow(0)
        self.recent_list.itemActivated.connect(self._recent_activated)
        self.recent_list.itemDoubleClicked.connect(self._recent_activated)

        self.open_button = QPushButton("&Open another…")
        self.open_button.setAccessibleName("Open another workspace")
        self.open_button.clicked.connect(self.choose_existing)
        self.create_button = QPushButton("&Create new…")
        self.create_button.setAccessibleName("Create a new workspace")
        self.create_button.clicked.connect(self.choose_new)

        current_label = QLabel("C&urrent:")
        current_label.setBuddy(self.current_edit)
        recent_label = QLabel("&Recent workspaces:")
        recent_label.setBuddy(self.recent_list)
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(self.open_button)
        buttons_row.addWidget(self.create_button)
        buttons_row.addStretch(1)
        workspace_box = QGroupBox("Workspace")
        box_layout = QVBoxLayout(workspace_box)
        current_row = QHBoxLayout()
        current_row.addWidget(current_label)
        current_row.addWidget(self.current_edit, 1)
        box_layout.addLayout(current_row)
        box_layout.addWidget(recent_label)
        box_layout.addWidget(self.recent_list)
        box_layout.addLayout(buttons_row)
        box_layout.addWidget(self.chosen_label)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._accept_if_valid)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(workspace_box)
        layout.addWidget(self.buttons)
        self.setTabOrder(self.analyst_edit, self.threshold_spin)
        self.setTabOrder(self.threshold_spin, self.review_url_edit)
        self.setTabOrder(self.review_url_edit, self.review_language_edit)
        self.setTabOrder(self.review_language_edit, self.tiles_edit)
        self.setTabOrder(self.tiles_edit, self.tiles_button)
        self.setTabOrder(self.tiles_button, self.recent_list)
        self.setTabOrder(self.recent_list, self.open_button)
        self.setTabOrder(self.open_button, self.create_button)
        self.analyst_edit.setFocus()
        self.resize(640, 460)

    def _choose_tiles(self) -> None:
        start = self.tiles_edit.text() or str(Path.home())
        path, _ = QFileDialog.getOpenFileName(
            self, "Map tiles", start, "MBTiles (*.mbtiles);;All files (*)"
        )
        if path:
            self.tiles_edit.setText(path)

    # -- choosing a workspace ------------------------------------------------------------

    def _start_folder(self) -> str:
        return str(self._chosen or self._current.parent)

    def _choose(self, folder: Path, create: bool) -> None:
        folder = Path(normalise_folder(folder))
        if folder == self._current:
            self._chosen, self._create = None, False
            self.chosen_label.setText("")
            return
        self._chosen, self._create = folder, create
        verb = "Will create and open" if create else "Will open"
        self.chosen_label.setText(f"{verb} {folder} when you press OK.")

    def _recent_activated(self, item: QListWidgetItem) -> None:
        self._choose(Path(str(item.data(PATH_ROLE))), create=False)
        self._accept_if_valid()

    def choose_existing(self) -> None:
        folder = self._pick_existing(self, "Open a workspace folder", self._start_folder())
        if not folder:
            return
        path = Path(folder)
        if not is_workspace(path) and any(path.iterdir()):
            answer = QMessageBox.question(
                self,
                "Not a workspace",
                f"{path} holds no workspace. Make it one (the workbench adds its database "
                "and media folders beside what is there)?",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self._choose(path, create=not is_workspace(path))

    def choose_new(self) -> None:
        folder = self._pick_new(self, "Name a folder for the new workspace", self._start_folder())
        if not folder:
            return
        path = Path(folder)
        if path.exists() and not (path.is_dir() and not any(path.iterdir())):
            QMessageBox.warning(
                self,
                "Choose a new folder",
                f"{path} already exists and is not empty. Name a new folder (or an empty "
                "one) for the new workspace; to open an existing one, use Open another….",
            )
            return
        self._choose(path, create=True)

    # -- the outcome ---------------------------------------------------------------------

    def _accept_if_valid(self) -> None:
        """OK: refuse a publication URL or language the settings would refuse, naming it."""
        checks = (
            (REVIEW_URL, self.review_url_edit, "Publication URL"),
            (REVIEW_LANGUAGE, self.review_language_edit, "Review language"),
        )
        for option, edit, name in checks:
            try:
                option.convert(edit.text())
            except (TypeError, ValueError) as exc:
                self.problem.setText(f"{name}: {edit.text()!r} is {exc}.")
                edit.setFocus()
                return
        if self.tiles_edit.text().strip():
            try:
                MBTiles(Path(self.tiles_edit.text().strip()).expanduser()).close()
            except TilesError as exc:
                self.problem.setText(f"Map tiles: {exc}")
                self.tiles_edit.setFocus()
                return
        self.problem.setText("")
        self.accept()

    def choice(self) -> SettingsChoice:
        return SettingsChoice(
            analyst=self.analyst_edit.text().strip() or default_analyst(),
            duplicate_threshold=self.threshold_spin.value(),
            workspace=self._chosen,
            create_workspace=self._create,
            review_url=self.review_url_edit.text().strip(),
            review_language=self.review_language_edit.text().strip() or "en",
            map_tiles=self.tiles_edit.text().strip(),
            desk_steps=(
                None
                if self._desk_steps is None
                else tuple(
                    x.strip() for x in self.steps_edit.toPlainText().splitlines() if x.strip()
                )
            ),
        )


def edit_settings(
    parent: QWidget | None, settings: Settings, current_workspace: str | os.PathLike[str]
) -> SettingsChoice | None:
    """Show the dialog modally; the choice, or None if cancelled. (Stores nothing.)"""
    dialog = SettingsDialog(settings, current_workspace, parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.choice()
    finally:
        dialog.deleteLater()
