"""Colleagues' changes in the main window: the change feed asked off the UI thread every
second, and what it found shown without losing the analyst's place (selection, scroll,
an open editor's typing).
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QApplication

from ui.window.parts import WindowParts
from workbench.base.errors import WorkbenchError
from workbench.claims.views import ClaimView
from workbench.team.changes import Changes


class ColleaguesMixin(WindowParts):
    """Polls and shows colleagues' changes for ``MainWindow`` (which it is mixed into)."""

    def poll_changes(self) -> None:
        """Ask, off the UI thread, whether anything changed since the last look.

        Skipped while an import or a media ingest runs (they re-read everything when
        done), while a menu or a drop-down list is open (its items would be pulled from
        under it), and while the previous look has not answered; changes wait for the next
        tick, nothing is lost."""
        if self._polling or self._closing or self.ingest_running:
            return
        if QApplication.activePopupWidget() is not None:
            return
        self._polling = True
        epoch = self._feed_epoch
        self._runner.run_task(
            self.change_feed.poll,
            lambda *, result=None, error=None: self._changes_polled(
                result=result, error=error, epoch=epoch
            ),
        )

    def _changes_polled(
        self,
        *,
        result: Changes | None = None,
        error: BaseException | None = None,
        epoch: int | None = None,
    ) -> None:
        self._polling = False
        if self._closing or (epoch is not None and epoch != self._feed_epoch):
            return  # the window re-read everything since this look began
        if error is not None:  # the server away a moment: say so, try again next tick
            self.statusBar().showMessage(f"Cannot check for colleagues' changes: {error}")
            return
        if result:
            self.show_changes(result)
            if result.media_ids:  # pictures stored elsewhere: their local features, a look
                self._start_feature_pass()

    def show_changes(self, changes: Changes) -> None:
        """Show what the feed found: the table's rows re-read, keeping the selected claim
        selected and the scroll position; the detail pane re-read if its claim changed.
        An open editor keeps what was typed: its save then meets the conflict message."""
        selected = self.selected_claim_id()
        bars = (self.claims_view.verticalScrollBar(), self.claims_view.horizontalScrollBar())
        scrolled = [bar.value() for bar in bars]
        try:
            self._set_facets()
            reset = self.claims_model.update_rows(
                None if changes.other_kinds else changes.claim_ids
            )
        except WorkbenchError as exc:
            self.statusBar().showMessage(f"Cannot re-read the claims: {exc}")
            return
        self.plots.panel.invalidate()
        if reset:
            self._keep_detail = True
            try:
                self._reselect(selected)
            finally:
                self._keep_detail = False
            for bar, value in zip(bars, scrolled, strict=True):
                bar.setValue(value)
        shown = self._shown
        if shown is not None and self.selected_claim_id() == shown.id:
            if "media" in changes.other_kinds:  # its pictures' "seen before" may differ
                self._show_again()
            elif shown.id in changes.claim_ids or changes.other_kinds:
                self._reread_detail(shown)
        if changes.by_others:
            count = len(changes.by_others)
            note = f"Updated: {count} claim{'s' if count != 1 else ''} changed by others"
            editing = self.editor.claim_id if self.editor is not None else None
            if editing in changes.by_others:
                note += " (including the claim you are editing: saving will show their change)"
            self.statusBar().showMessage(note)

    def _reselect(self, claim_id: str | None) -> None:
        """Select the claim's row again after the table was re-read, without scrolling."""
        selection = self.claims_view.selectionModel()
        row = None if claim_id is None else self.claims_model.row_of(claim_id)
        if row is None:
            selection.clearSelection()
            self._show_selected_claim()  # it left the list: the pane follows
            return
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        selection.setCurrentIndex(self.claims_model.index(row, 0), flags)

    def _reread_detail(self, shown: ClaimView) -> None:
        """Show the claim in the detail pane again if a change reached it (its version, or
        a source or case it names)."""
        try:
            current = self._ws.claims.get(shown.id)
        except WorkbenchError:
            current = None  # removed meanwhile: the pane says so
        if current != shown:
            self._show_again()

    def _show_again(self) -> None:
        self._shown = None
        self._show_selected_claim()
