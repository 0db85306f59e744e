"""The main window's menus, tool bar and shortcuts: every action, what it calls and when it
is enabled. Wiring only: the actions call the window's own methods.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolBar

from ui.claims.verdict import VERDICTS
from ui.window.parts import WindowParts


class MenusMixin(WindowParts):
    """Builds the menus and actions of ``MainWindow`` (which it is mixed into)."""

    def _build_menu(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.add_media_action = QAction("&Add media…", self)
        self.add_media_action.setShortcut(QKeySequence("Ctrl+O"))
        self.add_media_action.setStatusTip(
            "Store pictures and videos; with a claim selected they are attached to it"
        )
        self.add_media_action.triggered.connect(self.choose_media)
        file_menu.addAction(self.add_media_action)
        file_menu.addSeparator()
        self.import_action = QAction("&Import…", self)
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        self.import_action.setStatusTip(
            "Take in a case bundle (.zip), a workbench JSON export, a post archive "
            "(.json, .jsonl) or a claims table (.csv)"
        )
        self.import_action.triggered.connect(self.choose_import)
        self.import_folder_action = QAction("Import &folder…", self)
        self.import_folder_action.setShortcut(QKeySequence("Ctrl+Shift+I"))
        self.import_folder_action.setStatusTip(
            "Take in an unzipped case bundle or a Telegram export folder"
        )
        self.import_folder_action.triggered.connect(self.choose_import_folder)
        # Ctrl+E already edits the selected claim: exporting takes Shift with it.
        self.export_action = QAction("E&xport…", self)
        self.export_action.setShortcut(QKeySequence("Ctrl+Shift+E"))
        self.export_action.setStatusTip(
            "Write claims as a PDF report, HTML, CSV, JSON, ClaimReview or a case bundle"
        )
        self.export_action.triggered.connect(lambda: self.open_export())
        file_menu.addActions([self.import_action, self.import_folder_action, self.export_action])
        self.lists_action = QAction("&Known-fakes lists…", self)
        self.lists_action.setStatusTip(
            "Other desks' lists of fake pictures' hashes: take in, remove, write ours"
        )
        self.lists_action.triggered.connect(lambda: self.show_known_lists())
        file_menu.addAction(self.lists_action)
        file_menu.addSeparator()
        self.settings_action = QAction("&Settings…", self)
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.setStatusTip("Analyst name, seen-before threshold, workspaces")
        self.settings_action.triggered.connect(self.open_settings)
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

    def _action(self, text: str, shortcut: str, slot: object, tip: str) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.setToolTip(f"{tip} ({shortcut})")
        action.triggered.connect(slot)
        return action

    def _build_claim_actions(self) -> None:
        stack = self.history.stack
        self.undo_action = stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
        self.redo_action = stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcut(QKeySequence("Ctrl+Shift+Z"))
        for action, word in ((self.undo_action, "Undo"), (self.redo_action, "Redo")):
            action.setIconText(word)  # the toolbar's word; the menu names the step
        self.new_claim_action = self._action(
            "&New claim…", "Ctrl+N", self.new_claim, "Log a new claim"
        )
        self.edit_claim_action = self._action(
            "&Edit claim…", "Ctrl+E", self.edit_claim, "Edit every field of the selected claim"
        )
        self.verdict_actions = {
            status: self._action(
                text,
                shortcut,
                lambda _=False, s=status: self.decide_selected(s),
                f"Mark the selected claim {status}",
            )
            for status, (text, shortcut) in VERDICTS.items()
        }
        self.audit_action = self._action(
            "Audit &trail…", "Ctrl+H", self.show_audit, "Every change to the selected claim"
        )
        self.checklist_action = self._action(
            "Chec&klist…",
            "Ctrl+K",
            self.show_checklist,
            "Work through the verification steps of the selected claim",
        )
        self.events_action = self._action(
            "E&vents…",
            "Ctrl+J",
            self.show_events,
            "Events and their claims side by side; put the selected claim in one",
        )
        self.relate_action = self._action(
            "Re&late to…",
            "Ctrl+R",
            self.relate_selected,
            "Mark the selected claim as corroborating, contradicting or duplicating another",
        )
        self.find_action = self._action(
            "&Find claims", "Ctrl+F", self.focus_search, "Search and filter the claims"
        )
        edit_menu = self.edit_menu = self.menuBar().addMenu("&Edit")
        edit_menu.addActions([self.undo_action, self.redo_action])
        edit_menu.addSeparator()
        edit_menu.addAction(self.find_action)
        self.save_filter_action = self._action(
            "Save &filter…",
            "Ctrl+Shift+S",
            self.saved.save,
            "Keep the current search and filters under a name, on the left",
        )
        edit_menu.addAction(self.save_filter_action)
        claim_menu = self.menuBar().addMenu("&Claim")
        claim_menu.addActions([self.new_claim_action, self.edit_claim_action])
        claim_menu.addSeparator()
        claim_menu.addActions(list(self.verdict_actions.values()))
        claim_menu.addSeparator()
        claim_menu.addActions(
            [self.checklist_action, self.relate_action, self.events_action, self.audit_action]
        )
        view_menu = self.menuBar().addMenu("&View")
        view_menu.addActions([self.plots.timeline_action, self.plots.map_action])
        help_menu = self.menuBar().addMenu("&Help")
        self.sample_action = QAction("Load the &sample case", self)
        self.sample_action.setStatusTip(
            "Claims from the 2015 northern Aleppo reporting, with generated sample pictures"
        )
        self.sample_action.triggered.connect(self.load_sample)
        help_menu.addAction(self.sample_action)
        self.about_action = QAction("&About Claim workbench", self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.setStatusTip("The version, the workspace's schema and the libraries'")
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)

        toolbar = QToolBar("Main actions")
        toolbar.setObjectName("mainToolbar")
        toolbar.setAccessibleName("Main actions")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addActions([self.new_claim_action, self.edit_claim_action, self.add_media_action])
        toolbar.addSeparator()
        for status, action in self.verdict_actions.items():
            action.setIconText(status.capitalize())  # the toolbar's words
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addActions([self.undo_action, self.redo_action])
        toolbar.addSeparator()
        toolbar.addAction(self.audit_action)
        self.addToolBar(toolbar)
        self.toolbar = toolbar
