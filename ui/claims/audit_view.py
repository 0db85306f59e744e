"""The audit trail of one claim, read-only: when, who, what, and each field's before → after.

The entries come from ``ClaimService.history`` as plain ``AuditView`` values; ``audit_rows``
flattens them to one row per changed field (pure, testable without a widget).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.presentation import format_time
from workbench.claims.views import AuditView

HEADERS = ("When (UTC)", "Who", "Action", "Field", "Before", "After")
LIMIT = 80  # characters of a value shown in the cell; the tooltip has all of it


def format_value(value: Any) -> str:
    """An audit value as an analyst reads it: times in UTC, lists joined, nothing as —."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and "T" in value:
        try:
            return format_time(datetime.fromisoformat(value))
        except ValueError:
            pass
    return str(value)


def audit_rows(
    entries: Sequence[AuditView], names: Mapping[str, str] | None = None
) -> list[tuple[str, str, str, str, str, str]]:
    """One row per changed field: (when, who, action, field, before, after). ``names``
    turns ids (of sources, say) into what the analyst knows them by."""
    names = names or {}
    rows = []
    for entry in entries:
        when = f"{entry.at:%Y-%m-%d %H:%M:%S}"
        changes = entry.changes or {"": (None, None)}
        for field, change in changes.items():
            before, after = change if isinstance(change, list | tuple) else (None, change)
            rows.append(
                (
                    when,
                    entry.actor,
                    entry.action,
                    field.removesuffix("_id").replace("_", " "),
                    format_value(names.get(before, before) if isinstance(before, str) else before),
                    format_value(names.get(after, after) if isinstance(after, str) else after),
                )
            )
    return rows


def _elided(text: str) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= LIMIT else one_line[: LIMIT - 1] + "…"


class AuditDialog(QDialog):
    """Lists a claim's audit entries, oldest first. Nothing here can change them."""

    def __init__(
        self,
        claim_text: str,
        entries: Sequence[AuditView],
        names: Mapping[str, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Audit trail")
        title = " ".join(claim_text.split())
        intro = QLabel(f"Every change to “{title}”, oldest first ({len(entries)} entries).")
        intro.setWordWrap(True)
        self.entries = QTreeWidget()
        self.entries.setAccessibleName("Audit entries")
        self.entries.setHeaderLabels(list(HEADERS))
        self.entries.setRootIsDecorated(False)
        self.entries.setAlternatingRowColors(True)
        self.entries.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.entries.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for entry in entries:  # the first row of an entry says when, who and what
            for number, row in enumerate(audit_rows([entry], names)):
                shown = ["", "", "", *row[3:]] if number else list(row)
                item = QTreeWidgetItem([_elided(cell) for cell in shown])
                for column, cell in enumerate(row):
                    item.setToolTip(column, cell)
                    item.setData(column, Qt.ItemDataRole.UserRole, cell)
                self.entries.addTopLevelItem(item)
        for column in range(4):
            self.entries.resizeColumnToContents(column)
        self.entries.setColumnWidth(4, 220)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.entries)
        layout.addWidget(buttons)
        self.resize(980, 420)

    def rows(self) -> list[tuple[str, ...]]:
        """Every row as listed, with the full values (also on continuation rows)."""
        rows = []
        for number in range(self.entries.topLevelItemCount()):
            item = self.entries.topLevelItem(number)
            if item is not None:
                rows.append(
                    tuple(str(item.data(c, Qt.ItemDataRole.UserRole)) for c in range(len(HEADERS)))
                )
        return rows
