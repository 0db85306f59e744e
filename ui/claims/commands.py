"""Undo and redo of new claims, edits, verdicts and relations: commands change the domain,
never widgets.

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

from ui.presentation import short
from workbench.base.errors import ConflictError, WorkbenchError
from workbench.claims.checklist import STATE_WORDS, Check
from workbench.claims.events import EventView
from workbench.claims.findings import LABELS
from workbench.claims.relations import WORDS, Relation
from workbench.claims.views import ClaimView, Finding
from workbench.workspace import Workspace


class ClaimCommand(QUndoCommand):
    """One undoable change to one claim; subclasses say how to apply either direction."""

    def __init__(self, history: ClaimHistory, claim_id: str, label: str) -> None:
        super().__init__(label)
        self.claim_id = claim_id
        self._history = history
        self._pushing = False  # set while QUndoStack.push calls redo() on an applied change

    def apply(self, forward: bool, expected_version: int | None) -> ClaimView | None:
        """The claim as the change leaves it (None: the change removed it)."""
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


class CreateClaimCommand(ClaimCommand):
    """A new claim: undo removes it, redo logs it again with the same id and values.

    Undo is refused (the claim kept) once the claim changed after it was created, by an
    edit, a verdict or media attached: removing it then would lose that work."""

    def __init__(self, history: ClaimHistory, text: str, values: dict[str, Any]) -> None:
        super().__init__(history, "", f"New claim “{short(text)}”")
        self.claim_text, self.values = text, dict(values)

    def apply(self, forward: bool, expected_version: int | None) -> ClaimView | None:
        claims = self._history.claims
        if forward:
            view = claims.create(self.claim_text, claim_id=self.claim_id or None, **self.values)
            self.claim_id = view.id
            return view
        if claims.get(self.claim_id).media:
            raise ConflictError("media were attached to this claim since it was logged")
        claims.delete(self.claim_id, expected_version=expected_version)
        return None


class RelationCommand(ClaimCommand):
    """Relate two claims (``new``) or remove their relation (``new`` None); undo puts back
    the pair's relation as it was (``old``: None when they were not related). A relation
    is not a field of either claim, so it never conflicts with their edits."""

    def __init__(
        self,
        history: ClaimHistory,
        claim: ClaimView,
        other_id: str,
        old: Relation | None,
        new: tuple[str, str] | None,
    ) -> None:
        if new is None:
            label = f"Remove relation of “{short(claim.text)}”"
        else:
            label = f"Mark “{short(claim.text)}” {WORDS[new[0]][0]} another claim"
        super().__init__(history, claim.id, label)
        self.other_id, self.old, self.new = other_id, old, new

    def apply(self, forward: bool, expected_version: int | None) -> ClaimView:
        relations = self._history.relations
        if forward and self.new is not None:
            relations.relate(self.claim_id, self.other_id, *self.new)
        elif forward or self.old is None:
            relations.unrelate(self.claim_id, self.other_id)
        else:
            old = self.old
            relations.relate(old.claim_id, old.other_id, old.kind, old.note)
        return self._history.claims.get(self.claim_id)


class FindingCommand(ClaimCommand):
    """A finding on one of the claim's media (``new`` None: cleared); undo puts back the
    one it had (``old``)."""

    def __init__(
        self,
        history: ClaimHistory,
        claim: ClaimView,
        media_id: str,
        old: Finding | None,
        new: tuple[str, str] | None,
    ) -> None:
        name = next((m.original_name for m in claim.media if m.media_id == media_id), "media")
        what = LABELS[new[0]].lower() if new else "no finding"
        super().__init__(history, claim.id, f"Mark {short(name)} {what}")
        self.media_id, self.old, self.new = media_id, old, new

    def apply(self, forward: bool, expected_version: int | None) -> ClaimView:
        value = self.new if forward else ((self.old.category, self.old.note) if self.old else None)
        category, note = value if value else (None, "")
        self._history.findings.set(self.media_id, category, note)
        return self._history.claims.get(self.claim_id)


class CheckCommand(ClaimCommand):
    """A step of a claim's checklist; undo puts back its state and note as they were."""

    def __init__(
        self, history: ClaimHistory, claim: ClaimView, old: Check, new: tuple[str, str]
    ) -> None:
        super().__init__(
            history, claim.id, f"Mark “{old.label}” {STATE_WORDS[new[0]]} on “{short(claim.text)}”"
        )
        self.step, self.old, self.new = old.step, (old.state, old.note), new

    def apply(self, forward: bool, expected_version: int | None) -> ClaimView:
        state, note = self.new if forward else self.old
        self._history.checklist.set(self.claim_id, self.step, state, note)
        return self._history.claims.get(self.claim_id)


class MembershipCommand(ClaimCommand):
    """A claim put in an event (``join``) or taken out of it; undo does the other."""

    def __init__(
        self, history: ClaimHistory, claim: ClaimView, event_id: str, name: str, join: bool
    ) -> None:
        verb = "Put" if join else "Take"
        where = "in" if join else "out of"
        super().__init__(history, claim.id, f"{verb} “{short(claim.text)}” {where} “{short(name)}”")
        self.event_id, self.join = event_id, join

    def apply(self, forward: bool, expected_version: int | None) -> ClaimView:
        events = self._history.events
        if forward == self.join:
            events.add_claims(self.event_id, [self.claim_id])
        else:
            events.remove_claim(self.event_id, self.claim_id)
        return self._history.claims.get(self.claim_id)


class EventCommand(ClaimCommand):
    """An event made (``made``) or removed; undo removes it or makes it again, with the
    same id, facts and claims. ``claim_id`` is the claim the window shows ("" for none)."""

    def __init__(self, history: ClaimHistory, claim_id: str, event: EventView, made: bool):
        verb = "Make" if made else "Remove"
        super().__init__(history, claim_id, f"{verb} event “{short(event.name)}”")
        self.event, self.made = event, made

    def apply(self, forward: bool, expected_version: int | None) -> ClaimView | None:
        events, e = self._history.events, self.event
        if forward == self.made:
            values: dict[str, Any] = {"place": e.place, "notes": e.notes}
            values.update(starts_at=e.starts_at, ends_at=e.ends_at, actors=list(e.actors))
            events.create(e.name, claim_ids=e.claim_ids, event_id=e.id, **values)
        else:
            events.delete(e.id)
        return self._history.claims.get(self.claim_id) if self.claim_id else None


class ClaimHistory(QObject):
    """The window's undo stack for claims, and the one way the UI edits or decides them."""

    #: A claim was changed (by a new command, an undo or a redo): views re-read it.
    claim_changed = Signal(str)
    #: An undo or redo was refused: (title, error). The command has been dropped.
    failed = Signal(str, object)

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.claims = workspace.claims
        self.relations = workspace.relations
        self.findings = workspace.findings
        self.checklist = workspace.checklist
        self.events = workspace.events
        self.stack = QUndoStack(self)
        self._versions: dict[str, int] = {}  # claim id -> version after our last change

    def create(self, text: str, values: dict[str, Any]) -> ClaimView:
        """Log a new claim with ``values`` (fields the service takes), undoably."""
        return self._perform(CreateClaimCommand(self, text, values), None)

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

    def set_finding(
        self, claim: ClaimView, media_id: str, category: str | None, note: str = ""
    ) -> ClaimView:
        """Set (``category`` None: clear) the finding on one of ``claim``'s media, undoably."""
        old = next((m.finding for m in claim.media if m.media_id == media_id), None)
        new = (category, note) if category else None
        return self._perform(FindingCommand(self, claim, media_id, old, new), None)

    def make_event(self, name: str, claim: ClaimView | None, **values: Any) -> EventView:
        """A new event (holding ``claim``, when given), undoably."""
        made = self.events.create(name, claim_ids=[claim.id] if claim else [], **values)
        self._push_applied(EventCommand(self, claim.id if claim else "", made, made=True))
        self.claim_changed.emit(claim.id if claim else "")
        return made

    def remove_event(self, event_id: str, claim: ClaimView | None) -> None:
        """Remove an event (its claims stay), undoably: undo makes it again."""
        event = self.events.get(event_id)
        self.events.delete(event_id)
        self._push_applied(EventCommand(self, claim.id if claim else "", event, made=False))
        self.claim_changed.emit(claim.id if claim else "")

    def _push_applied(self, command: ClaimCommand) -> None:
        """Push a change already applied: the stack takes it, its redo() is skipped once."""
        command._pushing = True
        self.stack.push(command)

    def join_event(self, claim: ClaimView, event_id: str, join: bool = True) -> ClaimView:
        """Put ``claim`` in the event (``join``) or take it out, undoably."""
        name = self.events.get(event_id).name
        return self._perform(MembershipCommand(self, claim, event_id, name, join), None)

    def open_steps(self, claim: ClaimView) -> list[str]:
        """The claim's checklist steps not done yet."""
        return self.checklist.open_steps(claim.id)

    def check(self, claim: ClaimView, step: str, state: str, note: str = "") -> ClaimView:
        """Set a step of the claim's checklist, undoably."""
        old = next(c for c in self.checklist.of(claim.id) if c.step == step)
        return self._perform(CheckCommand(self, claim, old, (state, note)), None)

    def relate(self, claim: ClaimView, other_id: str, kind: str, note: str = "") -> ClaimView:
        """Relate ``claim`` to another (replacing the pair's relation), undoably."""
        old = self.relations.between(claim.id, other_id)
        return self._perform(RelationCommand(self, claim, other_id, old, (kind, note)), None)

    def unrelate(self, claim: ClaimView, other_id: str) -> ClaimView:
        """Remove the relation of ``claim`` and another, undoably."""
        old = self.relations.between(claim.id, other_id)
        return self._perform(RelationCommand(self, claim, other_id, old, None), None)

    def _perform(self, command: ClaimCommand, expected_version: int | None) -> ClaimView:
        view = command.apply(True, expected_version)  # raises: not pushed
        if view is None:
            raise TypeError(f"{type(command).__name__} applied forward gave no claim")
        self._push_applied(command)
        self._changed(command, view)
        return view

    def _replay(self, command: ClaimCommand, forward: bool) -> None:
        try:
            view = command.apply(forward, self._versions.get(command.claim_id))
        except WorkbenchError as exc:
            command.setObsolete(True)  # the stack deletes it: it cannot be applied any more
            self.failed.emit("Cannot redo" if forward else "Cannot undo", exc)
            return
        self._changed(command, view)

    def _changed(self, command: ClaimCommand, view: ClaimView | None) -> None:
        if view is None:
            self._versions.pop(command.claim_id, None)
            if isinstance(command, EventCommand):
                self.claim_changed.emit(command.claim_id)  # "": no claim to show
                return
        else:
            self._versions[view.id] = view.version
        self.claim_changed.emit(command.claim_id)
