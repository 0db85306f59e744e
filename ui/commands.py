"""Undo and redo of claim edits and verdicts: commands change the domain, never widgets.

Shape from orange-canvas-core's ``document/commands.py``: each ``QUndoCommand`` calls the
claim service with the values to apply (redo: the new ones, undo: the old ones); the
window follows from ``ClaimHistory.claim_changed`` (table and detail re-read the domain).

Optimistic locking holds across undo and redo too: a command passes the version the claim
had when this history last changed it. If somebody else changed the claim since, the
service refuses (``ConflictError``); the refusal is reported through ``failed`` and the
command is dropped from the stack rather than silently overwriting their work.

A command's first application happens in ``ClaimHistory.edit`` / ``set_status`` *before*
it is pushed, so a refused save (bad value, conflict) raises to the caller and never
reaches the stack.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from workbench.claims import ClaimService
from workbench.errors import WorkbenchError
from workbench.views import ClaimView


def short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ClaimCommand(QUndoCommand):
    """One undoable change to one claim; subclasses say how to apply either direction."""

    def __init__(self, history: ClaimHistory, claim_id: str, label: str) -> None:
        super().__init__(label)
        self.claim_id = claim_id
        self._history = history
        self._pushing = False  # set while QUndoStack.push calls redo() on an applied change

    def apply(self, forward: bool, expected_version: int | None) -> ClaimView:
        raise NotImplementedError

    def redo(self) -> None:
        if self._pushing:
            self._pushing = False  # already applied by ClaimHistory._perform
            return
        self._history._replay(self, forward=True)

    def undo(self) -> None:
        self._history._replay(self, forward=False)


class EditClaimCommand(ClaimCommand):
    """Fields of a claim: ``old`` and ``new`` map field names to service values."""

    def __init__(
        self,
        history: ClaimHistory,
        claim: ClaimView,
        old: dict[str, Any],
        new: dict[str, Any],
    ) -> None:
        names = ", ".join(name.replace("_", " ") for name in new)
        super().__init__(history, claim.id, f"Edit “{short(claim.text)}” ({names})")
        self.old, self.new = dict(old), dict(new)

    def apply(self, forward: bool, expected_version: int | None) -> ClaimView:
        values = self.new if forward else self.old
        return self._history.claims.update(self.claim_id, expected_version, **values)


class VerdictCommand(ClaimCommand):
    """A claim's status and rationale; undo passes the old rationale back, so undoing to
    ``confirmed`` or ``refuted`` satisfies the service's rule that those need one."""

    def __init__(
        self, history: ClaimHistory, claim: ClaimView, status: str, rationale: str
    ) -> None:
        super().__init__(history, claim.id, f"Mark “{short(claim.text)}” {status}")
        self.old = (claim.status, claim.rationale)
        self.new = (status, rationale)

    def apply(self, forward: bool, expected_version: int | None) -> ClaimView:
        status, rationale = self.new if forward else self.old
        return self._history.claims.set_status(
            self.claim_id, status, rationale, expected_version=expected_version
        )


class ClaimHistory(QObject):
    """The window's undo stack for claims, and the one way the UI edits or decides them."""

    #: A claim was changed (by a new command, an undo or a redo): views re-read it.
    claim_changed = Signal(str)
    #: An undo or redo was refused: (title, error). The command has been dropped.
    failed = Signal(str, object)

    def __init__(self, claims: ClaimService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.claims = claims
        self.stack = QUndoStack(self)
        self._versions: dict[str, int] = {}  # claim id -> version after our last change

    def edit(
        self,
        claim: ClaimView,
        expected_version: int,
        old: dict[str, Any],
        new: dict[str, Any],
    ) -> ClaimView:
        """Apply ``new`` to fields of ``claim`` (read at ``expected_version``), undoably.
        Raises the service's errors; nothing is pushed then."""
        return self._perform(EditClaimCommand(self, claim, old, new), expected_version)

    def set_status(
        self, claim: ClaimView, status: str, rationale: str, expected_version: int | None = None
    ) -> ClaimView:
        """Decide ``claim`` (as read, unless ``expected_version`` says newer), undoably."""
        version = claim.version if expected_version is None else expected_version
        return self._perform(VerdictCommand(self, claim, status, rationale), version)

    def _perform(self, command: ClaimCommand, expected_version: int) -> ClaimView:
        view = command.apply(True, expected_version)  # raises: not pushed
        self._versions[view.id] = view.version
        command._pushing = True
        self.stack.push(command)  # takes ownership; its redo() is skipped this once
        self.claim_changed.emit(view.id)
        return view

    def _replay(self, command: ClaimCommand, forward: bool) -> None:
        try:
            view = command.apply(forward, self._versions.get(command.claim_id))
        except WorkbenchError as exc:
            command.setObsolete(True)  # the stack deletes it: it cannot be applied any more
            self.failed.emit("Cannot redo" if forward else "Cannot undo", exc)
            return
        self._versions[view.id] = view.version
        self.claim_changed.emit(view.id)
