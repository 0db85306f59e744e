"""The verification checklist: the steps a desk follows for each claim, and where each
claim stands on them.

Every claim has the same steps: the standard ones (``STANDARD``: source identified,
earliest copy found, place located, time established, independent corroboration), then
the desk's own (kept in the workspace, ``workspace_info`` key ``checklist_steps``, so a
team on one server shares them; set in Settings or with ``set_desk_steps``). Each step of
a claim is ``done``, ``not_done`` (the start) or ``not_applicable``, with a note, who set
it and when; setting one is one transaction with its audit entry (``check`` on the claim).
A step the desk later removes keeps what was set on it: it is still listed for the claims
that have it.

Uses ``storage``, ``workbench.claims.audit`` and ``workbench.claims.fields``.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.schema import Claim, ClaimCheck, WorkspaceInfo
from workbench.base.errors import NotFoundError, ValidationError
from workbench.claims import audit, fields

if TYPE_CHECKING:
    from workbench.claims.context import ClaimsContext

#: The standard steps: key -> label.
STANDARD = {
    "source_identified": "Source identified",
    "earliest_copy_found": "Earliest copy found",
    "place_located": "Place located",
    "time_established": "Time established",
    "independent_corroboration": "Independent corroboration",
}
STATES = ("done", "not_done", "not_applicable")
STATE_WORDS = {"done": "done", "not_done": "not done", "not_applicable": "not applicable"}
DESK_KEY = "checklist_steps"
MAX_DESK_STEPS = 30
NOTE_MAX = 2000


@dataclass(frozen=True)
class Check:
    """One step of one claim's checklist."""

    step: str  # the key: "place_located", or a desk step's own key
    label: str
    state: str
    note: str
    by: str
    at: datetime | None

    @property
    def open(self) -> bool:
        return self.state == "not_done"


def step_key(label: str) -> str:
    """A desk step's key, from its label: lower case, words joined by ``_`` (any script)."""
    key = "_".join(re.findall(r"\w+", label.casefold()))
    if not key:
        raise ValidationError("step", f"{label!r} has no letters or digits")
    return key[:100]


def state(value: Any) -> str:
    return fields.choice("state", value, STATES)


def _parse_id(value: Any) -> uuid.UUID:
    return fields.ident("claim", value)


def _check(row: ClaimCheck, label: str) -> Check:
    return Check(row.step, label, row.state, row.note, row.set_by, row.set_at)


class ChecklistService:
    def __init__(self, workspace: ClaimsContext) -> None:
        self._ws = workspace

    # -- the steps -----------------------------------------------------------------------

    def desk_steps(self) -> list[str]:
        """The desk's own steps' labels, in order."""
        with self._ws.db.read() as session:
            row = session.get(WorkspaceInfo, DESK_KEY)
        try:
            labels = json.loads(row.value) if row is not None else []
        except ValueError:
            return []
        return [str(x) for x in labels if isinstance(x, str)] if isinstance(labels, list) else []

    def set_desk_steps(self, labels: list[str]) -> list[str]:
        """Replace the desk's own steps (blank lines dropped, repeats once); audited."""
        kept: list[str] = []
        keys: set[str] = set(STANDARD)
        for raw in labels:
            label = fields.text("step", raw, max_len=100)
            if not label:
                continue
            key = step_key(label)
            if key in keys:
                continue
            keys.add(key)
            kept.append(label)
        if len(kept) > MAX_DESK_STEPS:
            raise ValidationError("steps", f"at most {MAX_DESK_STEPS} of the desk's own")
        with self._ws.db.transaction() as session:
            audit.lock_chain(session)
            row = session.get(WorkspaceInfo, DESK_KEY)
            before = json.loads(row.value) if row is not None else []
            if row is None:
                row = WorkspaceInfo(key=DESK_KEY, value="[]")
                session.add(row)
            row.value = json.dumps(kept, ensure_ascii=False)
            if before != kept:
                audit.record(
                    session,
                    self._ws.analyst,
                    "workspace",
                    self._ws.workspace_id,
                    "checklist_steps",
                    {"steps": (before, kept)},
                )
        return kept

    def steps(self) -> dict[str, str]:
        """Every step, key -> label: the standard ones, then the desk's."""
        out = dict(STANDARD)
        out.update({step_key(label): label for label in self.desk_steps()})
        return out

    # -- a claim's checklist -------------------------------------------------------------

    def of(self, claim_id: str | uuid.UUID) -> list[Check]:
        """The claim's checklist: every step, in order, as set or not done yet; then
        steps the desk has removed that this claim has set."""
        key = _parse_id(claim_id)
        steps = self.steps()
        with self._ws.db.read() as session:
            if session.get(Claim, key) is None:
                raise NotFoundError(f"no claim with id {claim_id}")
            rows = {
                r.step: r
                for r in session.scalars(select(ClaimCheck).where(ClaimCheck.claim_id == key))
            }
        out = [
            _check(rows[k], label) if k in rows else Check(k, label, "not_done", "", "", None)
            for k, label in steps.items()
        ]
        out += [_check(r, k.replace("_", " ")) for k, r in rows.items() if k not in steps]
        return out

    def open_steps(self, claim_id: str | uuid.UUID) -> list[str]:
        """Labels of the steps not done yet (what a verdict asks about)."""
        return [c.label for c in self.of(claim_id) if c.open]

    def set(self, claim_id: str | uuid.UUID, step: str, state_: str, note: str = "") -> Check:
        """Set one step of the claim's checklist; audited on the claim."""
        key = _parse_id(claim_id)
        state_ = state(state_)
        note = fields.text("note", note, max_len=NOTE_MAX)
        steps = self.steps()
        if step not in steps:
            known = ", ".join(steps)
            raise ValidationError("step", f"{step!r} is not a step of this desk ({known})")
        with self._ws.db.transaction() as session:
            audit.lock_chain(session)
            if session.get(Claim, key) is None:
                raise NotFoundError(f"no claim with id {claim_id}")
            return _check(
                self.write(session, key, step, state_, note, self._ws.analyst, datetime.now(UTC)),
                steps[step],
            )

    def write(
        self,
        session: Session,
        claim_id: uuid.UUID,
        step: str,
        state_: str,
        note: str,
        by: str,
        at: datetime,
        action: str = "check",
        extra: dict[str, Any] | None = None,
    ) -> ClaimCheck:
        """Set a step in the caller's transaction and audit it (a merge gives who and
        when it was set, its ``action`` and ``extra``)."""
        row = session.get(ClaimCheck, (claim_id, step))
        before = {"state": row.state, "note": row.note} if row is not None else None
        if row is None:
            row = ClaimCheck(claim_id=claim_id, step=step)
            session.add(row)
        row.state, row.note, row.set_by, row.set_at = state_, note, by, at
        session.flush()
        changes: dict[str, Any] = {"step": step, "check": (before, {"state": state_, "note": note})}
        changes.update(extra or {})
        audit.record(session, self._ws.analyst, "claim", claim_id, action, changes)
        return row

    def stored(self, claim_ids: list[str]) -> list[dict[str, Any]]:
        """The steps set on these claims, as the JSON document carries them."""
        wanted = [_parse_id(c) for c in claim_ids]
        out: list[dict[str, Any]] = []
        with self._ws.db.read() as session:
            for start in range(0, len(wanted), 500):
                query = select(ClaimCheck).where(
                    ClaimCheck.claim_id.in_(wanted[start : start + 500])
                )
                out += [
                    {
                        "claim_id": str(r.claim_id),
                        "step": r.step,
                        "state": r.state,
                        "note": r.note,
                        "by": r.set_by,
                        "at": r.set_at,
                    }
                    for r in session.scalars(query)
                ]
        return sorted(out, key=lambda r: (r["claim_id"], r["step"]))

    def merge_in(
        self, session: Session, incoming: list[dict[str, Any]], origin: str
    ) -> list[tuple[str, str]]:
        """A merging import's checks (checked by the reader): a step not set here is
        taken; set differently, the later one wins and the difference is listed."""
        conflicts = []
        for c in incoming:
            claim_id = uuid.UUID(c["claim_id"])
            row = session.get(ClaimCheck, (claim_id, c["step"]))
            if row is not None and (row.state, row.note) == (c["state"], c["note"]):
                continue
            wins = row is None or c["at"] > row.set_at
            if row is not None:
                settled = "the bag's, set later, taken" if wins else "this workspace's kept"
                conflicts.append(
                    (
                        f"claim {c['claim_id']} step {c['step']}",
                        f"{row.state} here, {c['state']} in the bag: {settled}",
                    )
                )
            if wins:
                self.write(
                    session,
                    claim_id,
                    c["step"],
                    c["state"],
                    c["note"],
                    c["by"] or "",
                    c["at"],
                    "merge",
                    {"imported_from": (None, origin)},
                )
        return conflicts
