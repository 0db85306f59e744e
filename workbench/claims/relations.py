"""Relations between claims: one claim corroborates, contradicts, reports the same event
as, or duplicates another. One transaction per operation, audited on both claims.

A pair of claims has at most one relation, whichever way round it was made: relating
them again replaces it (the old one is in the audit entry), and ``unrelate`` removes it
from either side. ``duplicate_of`` has a direction (this claim is a duplicate of that
one); the other kinds read the same both ways. A relation is not a field of either claim:
it does not change their version, so relating two claims never conflicts with an edit.

Uses ``storage`` and the claim rules' helpers (``workbench.claims.fields``,
``workbench.claims.audit``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from storage.schema import Claim, ClaimRelation
from workbench.base.errors import NotFoundError, ValidationError
from workbench.claims import audit, fields

if TYPE_CHECKING:
    from workbench.claims.context import ClaimsContext

#: The kinds, in the order menus offer them.
KINDS = ("corroborates", "contradicts", "same_event", "duplicate_of")
#: How each kind reads in a sentence, from the claim that holds it (and, for a directed
#: kind, from the other end).
WORDS = {
    "corroborates": ("corroborates", "corroborates"),
    "contradicts": ("contradicts", "contradicts"),
    "same_event": ("same event as", "same event as"),
    "duplicate_of": ("duplicate of", "has duplicate"),
}
NOTE_MAX = 2000


@dataclass(frozen=True)
class Relation:
    """A relation as stored: ``claim_id`` holds it, pointing at ``other_id``."""

    claim_id: str
    other_id: str
    kind: str
    note: str
    created_at: datetime
    created_by: str

    def as_change(self) -> dict[str, str]:
        """What the audit entry keeps of it."""
        return {
            "kind": self.kind,
            "claim_id": self.claim_id,
            "other_id": self.other_id,
            "note": self.note,
        }


@dataclass(frozen=True)
class Related:
    """A relation seen from one claim: the other claim, its verdict and text, and
    whether this claim holds the relation (``outgoing``) or the other one does."""

    kind: str
    claim_id: str  # the other claim
    note: str
    direction: str  # "outgoing" | "incoming"
    status: str  # the other claim's verdict
    text: str  # the other claim's summary, else its text
    created_at: datetime
    created_by: str

    @property
    def words(self) -> str:
        """``duplicate of``, ``has duplicate``, ``contradicts``..."""
        return WORDS[self.kind][0 if self.direction == "outgoing" else 1]


def kind(value: Any) -> str:
    return fields.choice("kind", value, KINDS)


def _parse_id(value: Any) -> uuid.UUID:
    return fields.ident("claim", value)


def _relation(row: ClaimRelation) -> Relation:
    return Relation(
        str(row.claim_id), str(row.other_id), row.kind, row.note, row.created_at, row.created_by
    )


def _pair(a: uuid.UUID, b: uuid.UUID) -> Any:
    return or_(
        and_(ClaimRelation.claim_id == a, ClaimRelation.other_id == b),
        and_(ClaimRelation.claim_id == b, ClaimRelation.other_id == a),
    )


class RelationService:
    def __init__(self, workspace: ClaimsContext) -> None:
        self._ws = workspace

    # -- reading -------------------------------------------------------------------------

    def of(self, claim_id: str | uuid.UUID) -> list[Related]:
        """A claim's relations, oldest first, each with the other claim's verdict."""
        key = _parse_id(claim_id)
        with self._ws.db.read() as session:
            if session.get(Claim, key) is None:
                raise NotFoundError(f"no claim with id {claim_id}")
            return self._related(session, key)

    def between(self, claim_id: str | uuid.UUID, other_id: str | uuid.UUID) -> Relation | None:
        """The relation of a pair, whichever way round it was made."""
        with self._ws.db.read() as session:
            row = session.scalar(
                select(ClaimRelation).where(_pair(_parse_id(claim_id), _parse_id(other_id)))
            )
            return _relation(row) if row is not None else None

    def among(self, claim_ids: Iterable[str]) -> list[Relation]:
        """The relations whose two claims are both in ``claim_ids`` (an export's)."""
        wanted = {_parse_id(c) for c in claim_ids}
        if not wanted:
            return []
        out: list[Relation] = []
        ids = sorted(wanted)
        with self._ws.db.read() as session:
            for start in range(0, len(ids), 500):
                part = ids[start : start + 500]
                query = select(ClaimRelation).where(ClaimRelation.claim_id.in_(part))
                out += [_relation(r) for r in session.scalars(query) if r.other_id in wanted]
        return sorted(out, key=lambda r: (r.created_at, r.claim_id, r.other_id))

    # -- writing -------------------------------------------------------------------------

    def relate(
        self,
        claim_id: str | uuid.UUID,
        other_id: str | uuid.UUID,
        kind_: str,
        note: str = "",
    ) -> Relation:
        """Relate two claims (replacing the pair's relation, if any); audited on both."""
        a, b = _parse_id(claim_id), _parse_id(other_id)
        kind_ = kind(kind_)
        note = fields.text("note", note, max_len=NOTE_MAX)
        if a == b:
            raise ValidationError("claim", "a claim cannot be related to itself")
        with self._ws.db.transaction() as session:
            return self.relate_in(session, a, b, kind_, note)

    def relate_in(
        self,
        session: Session,
        a: uuid.UUID,
        b: uuid.UUID,
        kind_: str,
        note: str,
        *,
        by: str | None = None,
        at: datetime | None = None,
        action: str = "relate",
        extra: dict[str, Any] | None = None,
    ) -> Relation:
        """``relate`` inside the caller's transaction (values already checked); a merging
        import gives who made the relation and when (``by``, ``at``), its audit ``action``
        and what else the entry says (``extra``)."""
        actor = self._ws.analyst
        audit.lock_chain(session)  # serialises writers: the pair is read, then written
        for key in (a, b):
            if session.get(Claim, key) is None:
                raise NotFoundError(f"no claim with id {key}")
        old = session.scalar(select(ClaimRelation).where(_pair(a, b)))
        before = _relation(old) if old is not None else None
        if old is not None:
            session.delete(old)
            session.flush()
        row = ClaimRelation(claim_id=a, other_id=b, kind=kind_, note=note, created_by=by or actor)
        if at is not None:
            row.created_at = at
        session.add(row)
        session.flush()
        after = _relation(row)
        change: dict[str, Any] = {
            "relation": (before.as_change() if before else None, after.as_change())
        }
        change.update(extra or {})
        for key in (a, b):
            audit.record(session, actor, "claim", key, action, change)
        return after

    def unrelate(self, claim_id: str | uuid.UUID, other_id: str | uuid.UUID) -> Relation:
        """Remove the pair's relation (made from either side); audited on both claims.
        NotFoundError when they are not related."""
        a, b = _parse_id(claim_id), _parse_id(other_id)
        with self._ws.db.transaction() as session:
            audit.lock_chain(session)
            row = session.scalar(select(ClaimRelation).where(_pair(a, b)))
            if row is None:
                raise NotFoundError(f"claims {a} and {b} are not related")
            gone = _relation(row)
            session.delete(row)
            for key in (row.claim_id, row.other_id):
                audit.record(
                    session,
                    self._ws.analyst,
                    "claim",
                    key,
                    "unrelate",
                    {"relation": (gone.as_change(), None)},
                )
            return gone

    def merge_in(
        self, session: Session, incoming: Iterable[Relation], origin: str
    ) -> list[tuple[str, str]]:
        """A merging import's relations (``exchange.bag_merge``), in its transaction: a pair
        not related here gets the bag's relation; a pair related differently keeps the
        later one (as a claim's fields do). Relations only add up: one removed on the
        other side stays here. Each change is audited ``merge`` on both claims. Returns
        the pairs related differently, as (what, how it was settled)."""
        conflicts = []
        for theirs in incoming:
            a, b = uuid.UUID(theirs.claim_id), uuid.UUID(theirs.other_id)
            row = session.scalar(select(ClaimRelation).where(_pair(a, b)))
            ours = _relation(row) if row is not None else None
            if ours is not None and (ours.kind, ours.note) == (theirs.kind, theirs.note):
                continue
            wins = ours is None or theirs.created_at > ours.created_at
            if ours is not None:
                settled = "the bag's, made later, kept" if wins else "this workspace's kept"
                what = f"relation of claims {theirs.claim_id} and {theirs.other_id}"
                conflicts.append((what, f"{ours.kind} here, {theirs.kind} in the bag: {settled}"))
            if wins:
                self.relate_in(
                    session,
                    a,
                    b,
                    theirs.kind,
                    theirs.note,
                    by=theirs.created_by or None,
                    at=theirs.created_at,
                    action="merge",
                    extra={"imported_from": (None, origin)},
                )
        return conflicts

    # -- helpers -------------------------------------------------------------------------

    @staticmethod
    def _related(session: Session, key: uuid.UUID) -> list[Related]:
        rows = session.scalars(
            select(ClaimRelation)
            .where(or_(ClaimRelation.claim_id == key, ClaimRelation.other_id == key))
            .order_by(ClaimRelation.created_at)
        ).all()
        others = {r.other_id if r.claim_id == key else r.claim_id for r in rows}
        claims = (
            {c.id: c for c in session.scalars(select(Claim).where(Claim.id.in_(others)))}
            if others
            else {}
        )
        out = []
        for r in rows:
            outgoing = r.claim_id == key
            other = claims[r.other_id if outgoing else r.claim_id]
            out.append(
                Related(
                    r.kind,
                    str(other.id),
                    r.note,
                    "outgoing" if outgoing else "incoming",
                    other.status,
                    other.summary or other.text,
                    r.created_at,
                    r.created_by,
                )
            )
        return out
